from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        # Bloc moves and renames of actors change claims' flags and reasons: the claims app listens
        # to the actors' signal (actors cannot import claims) and recomputes what depends on them.
        from claims.events import actors_changed
        from claims.services import actors_changed as recompute_moved_actors

        actors_changed.connect(recompute_moved_actors, dispatch_uid="claims.recompute_moved_actors")
        # Merges of places and sources likewise (locations and sources cannot import claims either).
        from claims.events import locations_changed, sources_changed
        from claims.services import locations_changed as recompute_merged_places
        from claims.services import sources_changed as recompute_merged_sources

        locations_changed.connect(recompute_merged_places, dispatch_uid="claims.recompute_merged_places")
        sources_changed.connect(recompute_merged_sources, dispatch_uid="claims.recompute_merged_sources")

        # A source's reliability (or a report's source) sets the grade of the claims citing it.
        from claims.services import citations_regraded as regrade_citing_claims
        from sources.events import citations_regraded

        citations_regraded.connect(regrade_citing_claims, dispatch_uid="claims.regrade_citing_claims")

        # The simple search (SQLite) calls two functions of ours: each new connection gets them.
        from django.db.backends.signals import connection_created

        from claims.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="claims.search_sqlite_functions")
