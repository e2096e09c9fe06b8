from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Webhooks: subscriptions, signed deliveries, retries. Reacts to ``claims.events.flags_changed``."""

    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from claims.events import flags_changed
        from notifications.webhooks import flags_changed_receiver

        flags_changed.connect(flags_changed_receiver, dispatch_uid="notifications.webhooks")
