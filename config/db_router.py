"""Send reads to a PostgreSQL replica when DATABASE_REPLICA_URL is set.

Writes, and reads inside a transaction that has written (Django keeps those on the
connection that opened the atomic block), go to ``default``. Services read their own
writes through ``select_for_update``/the same transaction, so flags stay right.
"""

from django.db import transaction


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        # Inside an atomic block on the primary, read from the primary: a service's reads must
        # see its own writes, and a replica lags.
        if transaction.get_connection("default").in_atomic_block:
            return "default"
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
