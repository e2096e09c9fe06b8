from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: the tree, the data version and its cache, lookups, API and admin base
    classes, idempotency keys (its one model), task queueing, progress. Imports no Fogwatch app."""

    name = "core"
    verbose_name = "Fogwatch core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # lookups registers ``__any_of``; request_id connects the Celery signals that carry the request id.
        from core import lookups, request_id  # noqa: F401
        from core.groups import editors_group_sync

        post_migrate.connect(editors_group_sync, dispatch_uid="core.editors_group_sync")

        # Without a broker, runserver's serving process runs the periodic tasks itself (core/schedule.py).
        from core import schedule

        if schedule.wanted():
            schedule.start()
