from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """Assisted entry: an article's text read into draft claims, confirmed by an editor on one page."""

    name = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from intake.receivers import report_pulled
        from sources.events import report_pulled as pulled

        pulled.connect(report_pulled, dispatch_uid="intake.report_pulled")

        from actors.events import actors_changed
        from intake.receivers import actors_merged, places_merged
        from locations.events import locations_changed

        actors_changed.connect(actors_merged, dispatch_uid="intake.actors_merged")
        locations_changed.connect(places_merged, dispatch_uid="intake.places_merged")
