"""Inserting many rows of one model at once: COPY on PostgreSQL (ids reserved from the table's
sequence first, so the objects get their primary keys), ``bulk_create`` elsewhere (SQLite).

No ``save()`` runs: no signals, no ``auto_now`` beyond what ``pre_save`` fills in here. Callers
write what ``save()`` would have caused themselves (history rows, recomputes).

At dataset scale (an import batch: thousands of claims, citations and their history rows) the
Python side counts as much as the COPY: each column's way of reading its value is decided once per
call (``_readers``), not looked up per value, and history rows are written straight from the objects
they record, never built as model instances.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.db import connection, models
from django.utils import timezone

COPY_THRESHOLD = 50  # fewer rows than this: one INSERT is as quick

Reader = Callable[[Any], Any]


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
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _json_reader(field: models.JSONField, read: Reader) -> Reader:
    def reader(obj: Any) -> Any:
        value = read(obj)
        return None if value is None else json.dumps(value, ensure_ascii=False, cls=field.encoder)

    return reader


_PLAIN = {str, int, float, bool, date, datetime, Decimal}


def _converting_reader(field: models.Field, read: Reader) -> Reader:
    """The value as ``to_python`` makes it, when it is not already a value COPY writes as is (a
    datetime in a date column is made a date)."""
    plain = (
        _PLAIN - {datetime}
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
        else _PLAIN
    )

    def reader(obj: Any) -> Any:
        value = read(obj)
        return value if value is None or type(value) in plain else field.to_python(value)

    return reader


def _filled_on_save(field: models.Field) -> bool:
    """Whether ``pre_save`` gives a new row a value of its own (``auto_now``, ``auto_now_add``, a file)."""
    if isinstance(field, models.DateField):
        return bool(field.auto_now or field.auto_now_add)
    return type(field).pre_save is not models.Field.pre_save


def _readers(fields: Sequence[models.Field]) -> list[Reader]:
    """How to read each column of an unsaved object, decided once: the value ``pre_save`` gives a new
    row (``auto_now``, ``auto_now_add``) for fields that override it, a foreign key's id, JSON as text,
    anything else as ``to_python`` would give it."""
    readers: list[Reader] = []
    for field in fields:
        read: Reader
        if _filled_on_save(field):
            read = (lambda f: lambda obj: f.pre_save(obj, add=True))(field)
        else:
            read = attrgetter(field.attname)
        if isinstance(field, models.JSONField):
            read = _json_reader(field, read)
        elif not isinstance(field, models.ForeignKey):
            read = _converting_reader(field, read)
        readers.append(read)
    return readers


def _int_text(value: Any) -> str:
    return str(value) if type(value) is int else _text(value)


def _str_text(value: Any) -> str:
    if type(value) is not str:
        return _text(value)
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return _text(value)
    return value


def _date_text(value: Any) -> str:
    return value.isoformat() if type(value) in (date, datetime) else _text(value)


def _format(field: models.Field) -> Callable[[Any], str]:
    """How a column's values are written in COPY's text format, decided once per column: a type's own
    quick path, ``_text`` for anything else (``None`` included)."""
    if isinstance(field, models.BooleanField):
        return _text
    if isinstance(field, (models.IntegerField, models.ForeignKey)):
        return _int_text
    if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
        return _str_text
    if isinstance(field, models.DateField):  # DateTimeField included
        return _date_text
    return _text


def _copy(table: str, fields: Sequence[models.Field], objs: Iterable[Any], readers: Sequence[Reader]) -> None:
    """One COPY of these objects' rows into these columns, each column read by its reader."""
    columns = [(read, _format(field)) for read, field in zip(readers, fields, strict=True)]
    buffer = io.StringIO()
    write = buffer.write
    for obj in objs:
        write("\t".join([form(read(obj)) for read, form in columns]))
        write("\n")
    buffer.seek(0)
    quoted = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN", buffer)


def uses_copy(objs: Sequence[Any]) -> bool:
    """Whether ``insert_rows`` writes these by COPY (PostgreSQL, enough rows) rather than ``bulk_create``."""
    return connection.vendor == "postgresql" and len(objs) >= COPY_THRESHOLD


def reserve_ids(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Give these unsaved objects primary keys from the table's sequence (PostgreSQL), before they are
    written: rows that refer to them can be built (and written) first."""
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        for obj, (new_id,) in zip(objs, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, new_id)


def insert_rows(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert these unsaved objects of ``model`` and give each its primary key (kept when
    ``reserve_ids`` gave it already)."""
    if not objs:
        return
    if not uses_copy(objs):
        model._default_manager.bulk_create(objs)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    if any(getattr(obj, pk.attname) is None for obj in objs):
        reserve_ids(model, objs)
    fields = list(meta.concrete_fields)
    _copy(meta.db_table, fields, objs, _readers(fields))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_history(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """The creation history rows ``save()`` would have left for these new objects (django-simple-history:
    one ``+`` row each, the values as inserted, the request's user when there is one): what
    ``bulk_history_create`` makes. By COPY, each row read straight from the object it records (the
    history's own id from its identity column); by ``insert_rows`` of built rows elsewhere."""
    if not objs:
        return
    history = model.history.model  # type: ignore[attr-defined]
    user = history.get_default_history_user(objs[0])
    now = timezone.now()
    tracked = {field.attname for field in history.tracked_fields}
    if uses_copy(objs):
        fixed = {
            "history_date": now,
            "history_change_reason": None,
            "history_type": "+",
            "history_user_id": user.pk if user is not None else None,
        }
        own = {f.attname: f for f in model._meta.concrete_fields}
        fields, readers = [], []
        for field in history._meta.concrete_fields:
            if field.primary_key:
                continue  # history_id: the identity column numbers the rows
            if field.attname in tracked:
                source = own[field.attname]
                read: Reader = attrgetter(source.attname)
                readers.append(_json_reader(source, read) if isinstance(source, models.JSONField) else read)
            elif field.attname == "history_relation_id":
                readers.append(attrgetter("pk"))
            elif field.attname in fixed:
                readers.append((lambda value: lambda obj: value)(fixed[field.attname]))
            else:
                raise ValueError(f"insert_history: no value for {history.__name__}.{field.attname}")
            fields.append(field)
        _copy(history._meta.db_table, fields, objs, readers)
        return
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
