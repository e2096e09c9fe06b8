"""The floor: the API's first benchmarked query (``/api/v1/claims/?status=contested&page_size=50``) as a
minimal WSGI app, for gunicorn (``gunicorn bench.floor:app``) with the same workers as the API.

No framework: psycopg2 (one connection per worker, opened on the first request and reused), the
same filter and order as the API (``status``, newest ``claimed_on`` first, then ``id``), the same
envelope (``count``, ``next``, ``previous``, ``results``) and, per claim, the same fields as the
API's list: the claim's own columns, claimant/spokesperson/subject/location as ``{id, slug, name}``,
citations with their report and source, the relations it makes and receives with the claim at the
other end. The page is one query, its nested rows aggregated in SQL.

The least work that gives the API's answer, count caching included: the API caches a list's count
under the data version (``core/versions.py``: one ``SELECT version FROM fogwatch_data_version`` per
request, then its process's cache), and so does the floor, in a dict of its worker keyed by the
version and the statuses; it counts only when the version has changed. JSON is written by orjson, as
the API's is.

``fields=`` (the API's sparse fields) takes the claim's own columns (``id``, ``status``,
``claimed_on``, ``summary`` …): then the page is those columns alone, in the API's order, with the
same envelope; another name is a 400.

Environment: ``FLOOR_DATABASE_URL`` (or ``DATABASE_URL``), a libpq URL.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

import orjson
import psycopg2
import psycopg2.extras

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50
STATUSES = {"retracted", "superseded", "confirmed", "refuted", "contested", "corroborated", "unverified"}

COUNT_SQL = "SELECT count(*) FROM claims_claim c WHERE c.status = ANY(%(statuses)s)"
VERSION_SQL = "SELECT version FROM fogwatch_data_version"
MAX_CACHED_COUNTS = 1000

# The claim's own columns, in the order of the API's claim: what ``fields=`` may name here.
FLAT_FIELDS = (
    "id",
    "claimed_on",
    "kind",
    "summary",
    "quote",
    "language",
    "translation",
    "translation_language",
    "translated_by",
    "translated_at",
    "event_start",
    "event_end",
    "date_precision",
    "count_min",
    "count_max",
    "count_unit",
    "verdict",
    "verdict_rationale",
    "verdict_on",
    "external_id",
    "location_precision",
    "status",
    "contested",
    "corroborated",
    "unverified",
    "grade",
)
FLAT_SQL = """
SELECT {columns}
  FROM claims_claim c
 WHERE c.status = ANY(%(statuses)s)
 ORDER BY c.claimed_on DESC, c.id DESC
 LIMIT %(limit)s OFFSET %(offset)s
"""

BRIEF_ACTOR = "json_build_object('id', {a}.id, 'slug', {a}.slug, 'name', {a}.name)"

PAGE_SQL = f"""
SELECT c.id, c.claimed_on, c.kind, c.summary, c.quote, c.language, c.translation, c.translation_language,
       c.translated_by, c.translated_at, c.event_start, c.event_end,
       c.date_precision, c.count_min, c.count_max, c.count_unit, c.verdict, c.verdict_rationale, c.verdict_on,
       c.external_id, c.location_precision, c.status, c.contested, c.corroborated, c.unverified,
       c.reasons, c.grade, c.created_at, c.updated_at,
       ca.id, ca.slug, ca.name, sp.id, sp.slug, sp.name, su.id, su.slug, su.name, lo.id, lo.slug, lo.name,
       (SELECT json_agg(json_build_object(
                   'id', ci.id, 'quote', ci.quote, 'language', ci.language, 'translation', ci.translation,
                   'translation_language', ci.translation_language, 'translated_by', ci.translated_by,
                   'translated_at', ci.translated_at, 'report_id', r.id, 'title', r.title, 'url', r.url,
                   'published_at', r.published_at, 'source', {BRIEF_ACTOR.format(a="s")},
                   'reliability', s.reliability) ORDER BY ci.id)
          FROM claims_citation ci
          JOIN sources_report r ON r.id = ci.report_id
          JOIN sources_source s ON s.id = r.source_id
         WHERE ci.claim_id = c.id) AS citations,
       (SELECT json_agg(json_build_object(
                   'id', rel.id, 'stance', rel.stance, 'origin', rel.origin, 'note', rel.note,
                   'other', t.id, 'summary', t.summary, 'claimed_on', t.claimed_on,
                   'claimant', {BRIEF_ACTOR.format(a="ta")}) ORDER BY rel.id)
          FROM claims_relation rel
          JOIN claims_claim t ON t.id = rel.target_id
          JOIN actors_actor ta ON ta.id = t.claimant_id
         WHERE rel.claim_id = c.id) AS relations_made,
       (SELECT json_agg(json_build_object(
                   'id', rel.id, 'stance', rel.stance, 'origin', rel.origin, 'note', rel.note,
                   'other', o.id, 'summary', o.summary, 'claimed_on', o.claimed_on,
                   'claimant', {BRIEF_ACTOR.format(a="oa")}) ORDER BY rel.id)
          FROM claims_relation rel
          JOIN claims_claim o ON o.id = rel.claim_id
          JOIN actors_actor oa ON oa.id = o.claimant_id
         WHERE rel.target_id = c.id) AS relations_received
  FROM claims_claim c
  JOIN actors_actor ca ON ca.id = c.claimant_id
  LEFT JOIN actors_actor sp ON sp.id = c.spokesperson_id
  LEFT JOIN actors_actor su ON su.id = c.subject_id
  LEFT JOIN locations_location lo ON lo.id = c.location_id
 WHERE c.status = ANY(%(statuses)s)
 ORDER BY c.claimed_on DESC, c.id DESC
 LIMIT %(limit)s OFFSET %(offset)s
"""

_connection: Any = None
# (data version, statuses) -> count, as the API's cache under the data version.
_counts: dict[tuple[Any, tuple[str, ...]], int] = {}


def _connect() -> Any:
    global _connection
    if _connection is None or _connection.closed:
        dsn = os.environ.get("FLOOR_DATABASE_URL") or os.environ["DATABASE_URL"]
        _connection = psycopg2.connect(dsn)
        _connection.autocommit = True
        with _connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
    return _connection


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _brief(pk: Any, slug: Any, name: Any) -> dict[str, Any] | None:
    return None if pk is None else {"id": pk, "slug": slug, "name": name}


def _relations(rows: list[dict[str, Any]] | None, base: str, other: str) -> list[dict[str, Any]]:
    return [
        {
            "id": r["id"],
            "url": f"{base}/api/v1/relations/{r['id']}/",
            "stance": r["stance"],
            "origin": r["origin"],
            "note": r["note"],
            other: {
                "id": r["other"],
                "url": f"{base}/api/v1/claims/{r['other']}/",
                "summary": r["summary"],
                "claimed_on": r["claimed_on"],
                "claimant": r["claimant"],
            },
        }
        for r in rows or []
    ]


def _claim(row: tuple, base: str) -> dict[str, Any]:
    (
        pk,
        claimed_on,
        kind,
        summary,
        quote,
        language,
        translation,
        translation_language,
        translated_by,
        translated_at,
        event_start,
        event_end,
        date_precision,
        count_min,
        count_max,
        count_unit,
        verdict,
        verdict_rationale,
        verdict_on,
        external_id,
        location_precision,
        status,
        contested,
        corroborated,
        unverified,
        reasons,
        grade,
        created_at,
        updated_at,
        *briefs,
        citations,
        made,
        received,
    ) = row
    return {
        "id": pk,
        "url": f"{base}/api/v1/claims/{pk}/",
        "claimant": _brief(*briefs[0:3]),
        "spokesperson": _brief(*briefs[3:6]),
        "claimed_on": _iso(claimed_on),
        "kind": kind,
        "summary": summary,
        "quote": quote,
        "language": language,
        "translation": translation,
        "translation_language": translation_language,
        "translated_by": translated_by,
        "translated_at": _iso(translated_at),
        "subject": _brief(*briefs[6:9]),
        "location": _brief(*briefs[9:12]),
        "event_start": _iso(event_start),
        "event_end": _iso(event_end),
        "date_precision": date_precision,
        "count_min": count_min,
        "count_max": count_max,
        "count_unit": count_unit,
        "verdict": verdict,
        "verdict_rationale": verdict_rationale,
        "verdict_on": _iso(verdict_on),
        "external_id": external_id,
        "location_precision": location_precision,
        "citations": [
            {
                "id": c["id"],
                "report": {
                    "id": c["report_id"],
                    "api_url": f"{base}/api/v1/reports/{c['report_id']}/",
                    "title": c["title"],
                    "url": c["url"],
                    "published_at": c["published_at"] and c["published_at"].replace("+00:00", "Z"),
                    "source": c["source"],
                    "reliability": c["reliability"],
                },
                "quote": c["quote"],
                "language": c["language"],
                "translation": c["translation"],
                "translation_language": c["translation_language"],
                "translated_by": c["translated_by"],
                "translated_at": c["translated_at"] and c["translated_at"].replace("+00:00", "Z"),
            }
            for c in citations or []
        ],
        "status": status,
        "contested": contested,
        "corroborated": corroborated,
        "unverified": unverified,
        "reasons": reasons,
        "grade": grade,
        "as_of": None,
        "relations_made": _relations(made, base, "target"),
        "relations_received": _relations(received, base, "claim"),
        "created_at": _iso(created_at),
        "updated_at": _iso(updated_at),
    }


def _count(cursor: Any, query: dict[str, Any]) -> int:
    """The count, read again only when the data version has changed (the API's rule)."""
    cursor.execute(VERSION_SQL)
    row = cursor.fetchone()
    key = (None if row is None else row[0], tuple(sorted(set(query["statuses"]))))
    if key[0] is not None and key in _counts:
        return _counts[key]
    cursor.execute(COUNT_SQL, query)
    count = cursor.fetchone()[0]
    if key[0] is not None:
        if len(_counts) >= MAX_CACHED_COUNTS:
            _counts.clear()
        _counts[key] = count
    return count


def _fields(value: str | None) -> tuple[str, ...] | None:
    if not value:
        return None
    names = value.split(",")
    if set(names) - set(FLAT_FIELDS):
        raise ValueError(names)
    return tuple(name for name in FLAT_FIELDS if name in names)


def _respond(start_response: Any, status: str, body: dict[str, Any]) -> list[bytes]:
    data = orjson.dumps(body)
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def _positive(value: str | None, default: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(value)
    return int(value)


def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    if environ.get("PATH_INFO") not in ("/claims/", "/api/v1/claims/"):
        return _respond(start_response, "404 Not Found", {"detail": "Not found."})
    params = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    statuses = [s for s in params.get("status", "").split(",") if s]
    try:
        page = _positive(params.get("page"), 1)
        size = min(_positive(params.get("page_size"), DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
        if not statuses or set(statuses) - STATUSES:
            raise ValueError(statuses)
        fields = _fields(params.get("fields"))
    except ValueError:
        return _respond(
            start_response, "400 Bad Request", {"detail": "status (known values) is required; fields: own columns."}
        )
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    base = f"{environ.get('wsgi.url_scheme', 'http')}://{host}"
    query = {"statuses": statuses, "limit": size, "offset": (page - 1) * size}
    connection = _connect()
    try:
        with connection.cursor() as cursor:
            count = _count(cursor, query)
            if fields is None:
                cursor.execute(PAGE_SQL, query)
            else:
                cursor.execute(FLAT_SQL.format(columns=", ".join(f"c.{name}" for name in fields)), query)
            rows = cursor.fetchall()
    except psycopg2.Error:
        connection.close()
        raise

    def link(number: int) -> str:
        return f"{base}{environ['PATH_INFO']}?" + urlencode({**params, "page": number})

    return _respond(
        start_response,
        "200 OK",
        {
            "count": count,
            "next": link(page + 1) if page * size < count else None,
            "previous": link(page - 1) if page > 1 else None,
            "results": [_claim(row, base) for row in rows]
            if fields is None
            else [dict(zip(fields, map(_iso, row), strict=True)) for row in rows],
        },
    )
