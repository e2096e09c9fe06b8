"""Inserting many rows of one model at once: COPY on PostgreSQL (ids reserved from the table's
sequence first, so the objects get their primary keys), ``bulk_create`` elsewhere (SQLite).

No ``save()`` runs: no signals, no ``auto_now`` beyond what ``pre_save`` fills in here. Callers
write what ``save()`` would have caused themselves (history rows, recomputes).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

COPY_THRESHOLD = 50  # fewer rows than this: one INSERT is as quick


def _text(value: Any) -> str:
    """A value in a line of COPY's text format (tabs, line breaks and backslashes escaped)."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    text = value if isinstance(value, str) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _column_value(obj: models.Model, field: models.Field) -> Any:
    value = field.pre_save(obj, add=True)
    if isinstance(field, models.JSONField):
        return None if value is None else json.dumps(value, ensure_ascii=False, cls=field.encoder)
    if isinstance(field, models.ForeignKey):
        return getattr(obj, field.attname)
    return field.to_python(value) if value is not None else None


def insert_rows(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert these unsaved objects of ``model`` and give each its primary key."""
    if not objs:
        return
    if connection.vendor != "postgresql" or len(objs) < COPY_THRESHOLD:
        model._default_manager.bulk_create(objs)
        return
    meta = model._meta
    pk = meta.pk
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        for obj, (new_id,) in zip(objs, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, new_id)
        fields = [f for f in meta.concrete_fields]
        buffer = io.StringIO()
        for obj in objs:
            buffer.write("\t".join(_text(_column_value(obj, f)) for f in fields))
            buffer.write("\n")
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_history(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """The creation history rows ``save()`` would have left for these new objects (django-simple-history:
    one ``+`` row each, the values as inserted, the request's user when there is one), inserted by
    ``insert_rows``: what ``bulk_history_create`` makes, written by COPY."""
    if not objs:
        return
    history = model.history.model  # type: ignore[attr-defined]
    user = history.get_default_history_user(objs[0])
    now = timezone.now()
    tracked = [field.attname for field in history.tracked_fields]
    rows = []
    for obj in objs:
        row = history(
            history_date=now,
            history_user=user,
            history_change_reason=None,
            history_type="+",
            **{name: getattr(obj, name) for name in tracked},
        )
        if hasattr(history, "history_relation"):
            row.history_relation_id = obj.pk
        rows.append(row)
    insert_rows(history, rows)
