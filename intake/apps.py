from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """Assisted entry: an article's text read into draft claims, confirmed by an editor on one page."""

    name = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from intake.receivers import report_pulled
        from sources.events import report_pulled as pulled

        pulled.connect(report_pulled, dispatch_uid="intake.report_pulled")
