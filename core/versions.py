"""The data version: a number PostgreSQL changes in the same transaction as any write to the
tables a claim list reads, so a value computed from those tables can be cached under it.

``claims`` migration 0008 creates the one-row table ``fogwatch_data_version`` and statement
triggers on every table a claim list filters or shows (``VERSIONED_TABLES``: actors, places,
sources, reports, claims, citations, relations; migration 0010 adds conflicts with their places and
parties; a migration that adds a table there adds its trigger): each INSERT, UPDATE, DELETE or
TRUNCATE sets the version to the next value of a sequence. The trigger runs inside the writing
transaction, so the new version becomes visible exactly when the write does, by whatever path it
came (services, imports, ``recompute_flags``'s set-wise UPDATE, a hand-typed ``psql`` statement). A
sequence never hands out a value twice, not even after a rollback, so a version names one state of
the data for good.

A reader reads the version *before* the data: if a write commits in between, the value it caches
under the old version is newer than that version, never older, and the next reader sees the new
version anyway. The cost on the write side: concurrent writing transactions queue on the one row
until they commit (writes here are editorial and short).

With a read replica (``DATABASE_REPLICA_URL``), the version is read from the database the values
are computed from, and the key names that database: a replica that lags has an older version, so
what is computed from it is cached under that older version and never served to a reader of the
primary (a client that has just written, ``core/replica.py``) as the state after the write.

Elsewhere (SQLite, the embedded default) there is no version and nothing is cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import QuerySet

T = TypeVar("T")

# The tables with the trigger (tests/core/test_data_version.py checks each has it).
VERSIONED_TABLES = (
    "actors_actor",
    "locations_location",
    "sources_source",
    "sources_report",
    "claims_claim",
    "claims_citation",
    "claims_relation",
    "claims_conflict",
    "claims_conflict_places",
    "claims_conflict_parties",
)


def data_version(using: str = "default") -> int | None:
    """The current data version on this database, or None where there is none (not PostgreSQL)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM fogwatch_data_version")
        row = cursor.fetchone()
    return None if row is None else row[0]


def cached_for_version(name: str, parts: Any, compute: Callable[[], T], *, using: str | None = None) -> T:
    """``compute()``, cached under the data version of ``using`` (computed every time when there is
    no version or ``FOGWATCH_VERSION_CACHE_SECONDS`` is 0). ``using`` must be the database
    ``compute`` reads; by default, where reads go now (the router's choice: the replica, or the
    primary for a client that has just written)."""
    if using is None:
        using = router.db_for_read(None)  # type: ignore[arg-type]  # where reads go, whatever the model
    seconds = settings.FOGWATCH_VERSION_CACHE_SECONDS
    version = data_version(using) if seconds else None
    if version is None:
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"fogwatch:{name}:{using}:{version}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def cached_count(queryset: QuerySet) -> int:
    """``queryset.count()``, cached under the data version of the database it reads."""
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # matches nothing (an empty ``IN``, ``.none()``): counted without a query
        return queryset.count()
    return cached_for_version("count", (sql, params), queryset.count, using=queryset.db)
