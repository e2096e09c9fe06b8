"""Claim text search: the one meaning of ``q`` for the API, the pages and the exports (docs/search.md).

``search_claims(queryset, text)`` keeps the claims in which every word of ``text`` is found, in any
order, in the summary, the quote or its translation, a citation's quote or its translation, a cited
report's title, the names and aliases of the claimant, spokesperson and subject, or the names and
aliases of the place and the places above it.

On PostgreSQL each claim has a search vector (``claims.models.ClaimSearch``, kept by triggers:
``claims`` migrations 0011 and 0015, the latter adding the translations). A query word matches a
word of the vector that equals it or starts with it (words of 4+ letters), or one of the few words
of the vocabulary (``SearchWord``) spelled like it (pg_trgm similarity ≥ ``SIMILARITY``, about as
long: a variant, not a longer word): ``Panjsher`` finds Panjshir, ``Artemovsk`` Artemivsk. The
claims come best first (``ts_rank_cd``, the whole phrase as typed first of all), then newest claimed
first, when at most ``RANK_LIMIT`` claims have the words; a broader search comes newest claimed
first, as the list without q (``_terms``); an explicit ``ordering=`` always wins. Elsewhere (SQLite)
the match is simpler: every word, casefolded, is a substring of one of those fields, and the order
is the list's own.

Bad input is refused by ``SearchField`` (the form field of the ``q`` filter) with a message the
filter reports under ``q``: more than ``MAX_CHARS`` characters, more than ``MAX_WORDS`` words, no
letter or digit at all, a NUL character. Operators of any syntax (``&``, ``|``, ``!``, ``:*``,
``'``, ``.*(``) mean nothing: the words are taken out of the text and quoted, never parsed as a query.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.db import connections
from django.db.models import BooleanField, Exists, F, FloatField, Func, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.lookups import Contains, StartsWith

from core.versions import cached_for_version

MAX_CHARS = 200
MAX_WORDS = 10
# Similar spellings: pg_trgm similarity to the query word at least this, the best few at most.
SIMILARITY = 0.45
MAX_SIMILAR = 5
# Words this long or longer (and without digits) also match as a prefix and by similar spelling.
MIN_FUZZY = 4
# A search that more claims than this match comes newest claimed first, not ranked (rank_claims).
RANK_LIMIT = 5000
CONFIG = "fogwatch_search"

WORD_CHAR = re.compile(r"[^\W_]")
EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


# -- the q field ---------------------------------------------------------------------------------


def query_words(text: str) -> list[str]:
    """The words of a query as the simple match (and the limits) count them: the text split at
    spaces, punctuation trimmed from each end, casefolded; pieces without a letter or digit dropped."""
    words = []
    for piece in text.split():
        word = EDGE_PUNCTUATION.sub("", piece).casefold()
        if word and WORD_CHAR.search(word):
            words.append(word)
    return words


class SearchField(forms.CharField):
    """The ``q`` text: stripped; at most ``MAX_CHARS`` characters and ``MAX_WORDS`` words, and at
    least one letter or digit. (forms.CharField already refuses a NUL character.)"""

    default_error_messages = {
        "too_long": "At most %(limit)d characters (this has %(length)d).",
        "too_many_words": "At most %(limit)d words (this has %(count)d).",
        "no_words": "Nothing to search for: give at least one word of letters or digits.",
    }

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("maxlength", str(MAX_CHARS))

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        if len(value) > MAX_CHARS:
            raise forms.ValidationError(
                self.error_messages["too_long"], code="too_long", params={"limit": MAX_CHARS, "length": len(value)}
            )
        words = query_words(value)
        if not words:
            raise forms.ValidationError(self.error_messages["no_words"], code="no_words")
        if len(words) > MAX_WORDS:
            raise forms.ValidationError(
                self.error_messages["too_many_words"],
                code="too_many_words",
                params={"limit": MAX_WORDS, "count": len(words)},
            )
        return value


# -- the search ----------------------------------------------------------------------------------


def search_claims(queryset: QuerySet, text: str) -> QuerySet:
    """The claims of ``queryset`` that have every word of ``text`` (see the module's docstring). On
    PostgreSQL the queryset carries the alias ``search_rank`` for ``rank_claims`` to order by."""
    text = (text or "").strip()
    if not text:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        return _full_text(queryset, text)
    return simple_search(queryset, query_words(text))


def rank_claims(queryset: QuerySet) -> QuerySet:
    """A searched queryset best match first, then newest claimed first (PostgreSQL, a narrow search:
    see ``_full_text``); any other queryset unchanged."""
    if "search_rank" not in queryset.query.annotations:
        return queryset
    return queryset.order_by("-search_rank", "-claimed_on", "-id")


# PostgreSQL: the query's words (as the search configuration reads them), each with the words of the
# vocabulary spelled like it; and the whole text as a phrase query. One round trip.
EXPAND_SQL = f"""
SELECT q.lexeme,
       ARRAY(
           SELECT v.word FROM claims_searchword v
           WHERE char_length(q.lexeme) >= %(min_fuzzy)s AND q.lexeme !~ '[0-9]'
             AND v.word %% q.lexeme AND v.word <> q.lexeme AND similarity(v.word, q.lexeme) >= %(similarity)s
             AND abs(char_length(v.word) - char_length(q.lexeme)) <= greatest(1, char_length(q.lexeme) / 4)
           ORDER BY similarity(v.word, q.lexeme) DESC, v.word
           LIMIT %(max_similar)s
       ),
       phraseto_tsquery('{CONFIG}', %(text)s)::text
FROM unnest(to_tsvector('{CONFIG}', %(text)s)) AS q
ORDER BY q.positions[1], q.lexeme
"""


def _quoted(lexeme: str) -> str:
    """A lexeme as a tsquery operand: quoted, so no character of it is an operator."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _fuzzy(lexeme: str) -> bool:
    return len(lexeme) >= MIN_FUZZY and not any(ch.isdigit() for ch in lexeme)


def tsqueries(text: str, using: str = "default") -> tuple[str, str] | None:
    """``(match, phrase)``, the two tsqueries (as text) of a search on PostgreSQL; None when the text
    has no word the search configuration keeps."""
    params: dict[str, Any] = {
        "text": text,
        "min_fuzzy": MIN_FUZZY,
        "similarity": SIMILARITY,
        "max_similar": MAX_SIMILAR,
    }
    with connections[using].cursor() as cursor:
        cursor.execute(EXPAND_SQL, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    groups = []
    for lexeme, similar, _phrase in rows:
        # The word itself beside its prefix form: the same matches, but the planner then estimates
        # from the word's statistics (a prefix alone is guessed at 2% of the claims).
        alternatives = [_quoted(lexeme)] + ([_quoted(lexeme) + ":*"] if _fuzzy(lexeme) else [])
        alternatives += [_quoted(word) for word in similar]
        groups.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(groups), rows[0][2]


class _TsQuery(Func):
    template = "%(expressions)s::tsquery"
    output_field = TextField()


class _Matches(Func):
    """``vector @@ query``."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _Relevance(Func):
    """``ts_rank_cd`` (cover density, scaled into 0–1) plus 1 where the whole phrase occurs."""

    output_field = FloatField()

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        vector, match, phrase = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"(ts_rank_cd({vector[0]}, {match[0]}, 32) + ({vector[0]} @@ {phrase[0]})::int)"
        return sql, [*vector[1], *match[1], *vector[1], *phrase[1]]


def _full_text(queryset: QuerySet, text: str) -> QuerySet:
    terms = _terms(text, queryset.db)
    if not terms:
        return queryset.none()
    match, phrase, narrow = terms
    queryset = queryset.filter(_Matches(F("search__vector"), _TsQuery(Value(match))))
    if not narrow:
        return queryset
    relevance = _Relevance(F("search__vector"), _TsQuery(Value(match)), _TsQuery(Value(phrase)))
    return queryset.alias(search_rank=relevance)


NARROW_SQL = "SELECT count(*) FROM (SELECT 1 FROM claims_claimsearch WHERE vector @@ %s::tsquery LIMIT %s) AS s"


def _terms(text: str, using: str) -> tuple[str, str, bool] | tuple[()]:
    """``(match, phrase, narrow)`` for the text, or ``()`` when it has no word; cached under the data
    version (core/versions.py): the words' similar spellings and the count below change only with
    the data.

    ``narrow``: at most ``RANK_LIMIT`` claims have the words (whatever the other filters). Ranking
    reads the vector of every claim that has them, so a broader search comes newest claimed first,
    as the list does without q."""

    def compute() -> tuple[str, str, bool] | tuple[()]:
        queries = tsqueries(text, using=using)
        if queries is None:
            return ()
        match, phrase = queries
        with connections[using].cursor() as cursor:
            cursor.execute(NARROW_SQL, [match, RANK_LIMIT + 1])
            narrow = cursor.fetchone()[0] <= RANK_LIMIT
        return match, phrase, narrow

    parts = (text, RANK_LIMIT, SIMILARITY, MAX_SIMILAR, MIN_FUZZY)
    return cached_for_version("search-terms", parts, compute, using=using)


# -- the simple match (SQLite, and any database without the search vectors) -----------------------


class Fold(Func):
    """Casefolded text: Python's ``str.casefold`` on SQLite (registered by ``register_sqlite_functions``;
    SQLite's own LOWER knows ASCII only), LOWER elsewhere."""

    function = "LOWER"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="fogwatch_casefold", **extra)


class Names(Func):
    """A name and its aliases as one text (``fogwatch_names``: SQL on PostgreSQL, Python on SQLite)."""

    function = "fogwatch_names"
    output_field = TextField()


def _casefold(value: Any) -> str | None:
    return None if value is None else str(value).casefold()


def _names(name: Any, aliases: Any) -> str:
    parts = [str(name or "")]
    try:
        value = json.loads(aliases) if isinstance(aliases, str | bytes) else aliases
    except ValueError:
        value = aliases
    if isinstance(value, list):
        parts += [str(v) for v in value]
    elif value is not None:
        parts.append(str(value))
    return " ".join(parts)


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created``: give SQLite the functions the simple match calls."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("fogwatch_casefold", 1, _casefold, deterministic=True)
        connection.connection.create_function("fogwatch_names", 2, _names, deterministic=True)


def _word_q(word: str) -> Q:
    from actors.models import Actor
    from claims.models import Citation
    from locations.models import Location

    def has(expression: Any) -> Contains:
        return Contains(Fold(expression), word)

    cited = Citation.objects.filter(Q(has(F("quote"))) | Q(has(F("translation"))) | Q(has(F("report__title")))).values(
        "claim_id"
    )
    actors = Actor.objects.filter(has(Names(F("name"), F("aliases")))).values("pk")
    # A place matches when it or a place above it is named so: its path starts with that place's path.
    named_above = Location.objects.filter(has(Names(F("name"), F("aliases")))).filter(
        Q(pk=OuterRef("pk")) | (~Q(path="") & Q(StartsWith(OuterRef("path"), F("path"))))
    )
    places = Location.objects.filter(Exists(named_above)).values("pk")
    return (
        Q(has(F("summary")))
        | Q(has(F("quote")))
        | Q(has(F("translation")))
        | Q(pk__in=cited)
        | Q(claimant__in=actors)
        | Q(spokesperson__in=actors)
        | Q(subject__in=actors)
        | Q(location__in=places)
    )


def simple_search(queryset: QuerySet, words: list[str]) -> QuerySet:
    """Every word (casefolded) a substring of the summary, the quote or its translation, a citation's
    quote or its translation, a cited report's title, a name or alias of the claimant, spokesperson
    or subject, or of the place or a place above it. No ranking: the queryset's order stays."""
    if not words:
        return queryset.none()
    condition = Q()
    for word in dict.fromkeys(words):
        condition &= _word_q(word)
    return queryset.filter(condition)


__all__ = [
    "MAX_CHARS",
    "MAX_WORDS",
    "SearchField",
    "query_words",
    "rank_claims",
    "register_sqlite_functions",
    "search_claims",
    "simple_search",
    "tsqueries",
]
