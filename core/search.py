"""Word search over a few text columns and a JSON list of aliases (the lists of places, actors and
sources): every word of the query must appear, case-insensitively, in one of them.

The columns of a row are read as one text, a line each, so a word (which never holds whitespace)
cannot match across two of them; an alias list is read element by element (PostgreSQL's
``jsonb_array_elements_text``, SQLite's ``json_each``), so a word in any script matches the alias as
written, never the JSON text around it (quotes, commas, ``\\u`` escapes). Case folding is the
database's: PostgreSQL's ``upper()`` under the database's locale (any script under a UTF-8 locale
such as ``C.UTF-8``); SQLite folds ASCII letters only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Func, QuerySet, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.db.models.lookups import IContains

SEARCH_MAX_LENGTH = 200  # characters of a ``q``; longer is a form error (400), not a slow scan
SEPARATOR = "\n"


class AliasText(Func):
    """The strings of a JSON array, a line each (a value that is not an array reads as nothing)."""

    arity = 1
    output_field = TextField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        # Any other database: the JSON text itself (the words still match; so may its punctuation).
        return Cast(self.source_expressions[0], TextField()).as_sql(compiler, connection)

    def _twice(self, compiler: Any, connection: Any, template: str) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return template.format(value=sql), [*params, *params]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        return self._twice(
            compiler,
            connection,
            "(SELECT string_agg(alias, E'\\n') FROM jsonb_array_elements_text("
            "CASE WHEN jsonb_typeof({value}) = 'array' THEN {value} ELSE '[]'::jsonb END) AS alias)",
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(SELECT group_concat(value, char(10)) FROM json_each({sql}))", params


def search_text(*fields: str, aliases: str | None = None) -> Func:
    """The text a search reads: the fields and (``aliases``, a JSON list) each alias, a line each."""
    parts: list[Any] = []
    for name in fields:
        if parts:
            parts.append(Value(SEPARATOR))
        parts.append(Coalesce(name, Value(""), output_field=TextField()))
    if aliases:
        parts += [Value(SEPARATOR), Coalesce(AliasText(aliases), Value(""), output_field=TextField())]
    return Concat(*parts, output_field=TextField()) if len(parts) > 1 else parts[0]


def search_words(value: str | None) -> list[str]:
    """The words of a query: split on whitespace of any script, duplicates dropped, order kept."""
    return list(dict.fromkeys((value or "").split()))


def filter_words(qs: QuerySet, value: str | None, *fields: str, aliases: str | None = None) -> QuerySet:
    """Rows in which every word of ``value`` appears (case-insensitively) in one of the fields or aliases."""
    words = search_words(value)
    if not words:
        return qs
    text = search_text(*fields, aliases=aliases)
    for word in words:
        qs = qs.filter(IContains(text, word))
    return qs
