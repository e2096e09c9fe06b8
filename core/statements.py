"""Read statements compiled once and run again with other ids.

Django builds and compiles a query's SQL on every evaluation: for the few statements a claim list
or a write runs for a set of ids (the page's citations, its relations, the names of its actors),
building and compiling took as long as PostgreSQL took to run them. With ``__any_of`` (one array
parameter, ``core/lookups.py``) such a statement's SQL does not depend on how many ids it is given,
so a ``Statement`` compiles it once per database and afterwards sends only the new ids.

    CITATIONS = Statement(lambda ids: Citation.objects.filter(claim_id__any_of=ids).values_list("id", ...))
    rows = CITATIONS.rows(claim_ids)

The rows are what ``list(build(ids))`` gives, converted by the same converters the ORM applies
(``tests/core/test_statements.py`` holds them equal). The build must take its ids only through
``__any_of`` lookups, each given the list it received; anything else in it must not change between
calls. Where the SQL depends on the number of ids (SQLite: ``IN (…)``) every call builds the query,
as the ORM would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.query import ValuesListIterable

# Stands for the ids while the statement is compiled: no id is this large (bigint's largest).
MARKER = 2**63 - 1


class Statement:
    def __init__(self, build: Callable[[list[int]], QuerySet]) -> None:
        self._build = build
        self._model: Any = None  # known at the first call (nothing is built at import)
        self._compiled: dict[str, tuple[str, list[Any], list[int], list[tuple[int, list, Any]]]] = {}
        self._lock = threading.Lock()

    def rows(self, ids: Iterable[int], *, using: str | None = None) -> list[tuple]:
        """``list(build(ids))``: the rows of the statement for these ids (none for no ids)."""
        ids = [int(pk) for pk in ids]
        if not ids:
            return []
        if self._model is None:
            self._model = self._build([MARKER]).model
        using = using or router.db_for_read(self._model)
        connection = connections[using]
        if connection.vendor != "postgresql":
            return list(self._build(ids).using(using))
        sql, constant, slots, converters = self._compiled_for(using)
        params = list(constant)
        for slot in slots:
            params[slot] = ids
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [_converted(row, converters, connection) for row in rows]
        return rows

    def _compiled_for(self, using: str) -> tuple[str, list[Any], list[int], list[tuple[int, list, Any]]]:
        compiled = self._compiled.get(using)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(using) or self._compile(using)
                self._compiled[using] = compiled
        return compiled

    def _compile(self, using: str) -> tuple[str, list[Any], list[int], list[tuple[int, list, Any]]]:
        queryset = self._build([MARKER]).using(using)
        if queryset._iterable_class is not ValuesListIterable:
            raise ValueError("A Statement's build must give rows of values_list (tuples, not flat).")
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        slots = [index for index, param in enumerate(params) if param == [MARKER]]
        stray = [param for param in params if param == MARKER or (isinstance(param, list) and param != [MARKER])]
        if not slots or any(param == MARKER or MARKER in param for param in stray):
            raise ValueError("A Statement's build must take its ids through __any_of lookups only.")
        selected = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        converters = [
            (position, functions, expression)
            for position, (functions, expression) in compiler.get_converters(selected).items()
        ]
        return sql, list(params), slots, converters


def _converted(row: tuple, converters: list[tuple[int, list, Any]], connection: Any) -> tuple:
    values = list(row)
    for position, functions, expression in converters:
        value = values[position]
        for function in functions:
            value = function(value, expression, connection)
        values[position] = value
    return tuple(values)
