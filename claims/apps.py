from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        # Bloc moves and renames of actors change claims' flags and reasons: the claims app
        # subscribes to the actors' services (which cannot import claims).
        from actors.services import on_actors_changed
        from claims.services import actors_changed

        on_actors_changed(actors_changed)

        # Webhooks: a change of a claim's status or flags queues an event for subscribers.
        from claims.services import on_flags_changed
        from claims.webhooks import flags_changed

        on_flags_changed(flags_changed)
