from django.apps import AppConfig


class WebConfig(AppConfig):
    """Every server-rendered page for analysts, its charts and template tags."""

    name = "web"
    verbose_name = "Pages"
