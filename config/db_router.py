"""Send reads to a PostgreSQL replica when DATABASE_REPLICA_URL is set (docs/replicas.md).

Writes go to ``default``, the primary. So do these reads:

- inside a transaction on the primary (Django keeps those on the connection that opened the atomic
  block): a service reads its own writes through ``select_for_update`` and the same transaction;
- of sessions and API tokens: a login or a new token must work on the very next request, and a
  browser's session holds the mark that says where it reads (``core.replica``);
- of a request that wrote, or whose client wrote and the replica has not replayed that write yet,
  or while the replica cannot be reached: ``core.replica.read_alias()`` decides.
"""

from django.db import transaction

from core.replica import PRIMARY, read_alias

# Apps whose tables are always read on the primary.
PRIMARY_APPS = frozenset({"sessions", "authtoken"})


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        # Inside an atomic block on the primary, read from the primary: a service's reads must
        # see its own writes, and a replica lags.
        if transaction.get_connection(PRIMARY).in_atomic_block:
            return PRIMARY
        if model is not None and model._meta.app_label in PRIMARY_APPS:
            return PRIMARY
        return read_alias()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
