from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: the tree, the data version and its cache, lookups, API and admin base
    classes, task queueing, progress. Imports no Fogwatch app."""

    name = "core"
    verbose_name = "Fogwatch core"

    def ready(self) -> None:
        from core import lookups  # noqa: F401  (registers ``__any_of``)
