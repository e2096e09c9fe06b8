"""Claims out as CSV, GeoJSON and JSON Lines: each a view of the claim document
(``claims.documents``), streamed.

``iterate_documents`` walks a filtered queryset a chunk of ids at a time and builds each chunk's
documents in three queries (with ``as_of``, the flags as they stood then: rule 9), so memory stays
flat whatever the number of rows. ``csv_row``, ``jsonl_record`` and ``geojson_feature`` are pure
functions of one document. The columns are documented in docs/import-export.md.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from claims.documents import ClaimDocuments
from claims.models import Claim
from claims.services import QUOTE_FIELDS

CHUNK_SIZE = 500
Document = dict[str, Any]

# (column, description): the CSV export, one row per claim.
CSV_COLUMNS: list[tuple[str, str]] = [
    ("id", "Fogwatch claim id"),
    ("url", "The claim in the API"),
    ("claimed_on", "Date the claim was made (YYYY-MM-DD)"),
    ("kind", "control, casualties, attack, advance, statement or other"),
    ("summary", "One sentence: what is claimed"),
    ("quote", "Verbatim quote, if any"),
    ("language", "Language of the quote (BCP 47 code)"),
    ("translation", "The quote translated, if any"),
    ("translation_language", "Language of the translation (BCP 47 code; default en)"),
    ("translated_by", "Who translated the quote: a person's name, or machine:<engine>"),
    ("translated_at", "When the quote was translated (ISO 8601)"),
    ("claimant_id", "Actor id of the claimant"),
    ("claimant", "Claimant name"),
    ("claimant_bloc", "Name of the claimant's bloc (root of its parent chain)"),
    ("spokesperson", "Spokesperson name, if any"),
    ("subject_id", "Actor id of the subject"),
    ("subject", "Subject name (control: who holds the place; casualties: who suffered the losses)"),
    ("location_id", "Location id"),
    ("location", "Location name"),
    ("latitude", "Latitude of the location (decimal degrees)"),
    ("longitude", "Longitude of the location (decimal degrees)"),
    ("location_precision", "How precisely the place is known (e.g. ucdp_where_prec:1, acled_geo_precision:2)"),
    ("event_start", "First day of the event window"),
    ("event_end", "Last day of the event window (empty: the start day)"),
    ("date_precision", "day, week, month or approximate"),
    ("count_min", "Lowest count claimed"),
    ("count_max", "Highest count claimed (empty: open ended)"),
    (
        "count_unit",
        "What the count counts: killed, wounded, killed_or_wounded, captured, missing, displaced, "
        "positions, villages, vehicles, personnel or other (empty: not said)",
    ),
    ("status", "retracted, superseded, confirmed, refuted, contested, corroborated or unverified"),
    ("contested", "true/false"),
    ("corroborated", "true/false"),
    ("unverified", "true/false"),
    ("grade", "NATO/Admiralty grade: best source reliability A–F, then credibility 1–6 (e.g. B2)"),
    ("verdict", "Editorial verdict, if any"),
    ("verdict_on", "Date of the verdict"),
    ("reason_codes", "The reason codes, separated by spaces"),
    ("reasons", "The reasons as sentences, separated by ' | '"),
    ("report_ids", "Ids of the cited reports, separated by spaces"),
    ("report_urls", "URLs of the cited reports, separated by spaces"),
    ("sources", "Names of the sources cited, separated by ' | '"),
    ("external_id", "Key in an imported dataset (ucdp:<id>:<part>, acled:<event>:<part>, …)"),
    ("created_at", "When the claim was created (ISO 8601)"),
    ("updated_at", "When the claim last changed (ISO 8601)"),
]
CSV_HEADER = [name for name, _ in CSV_COLUMNS]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def iterate_documents(
    queryset: QuerySet[Claim],
    request: HttpRequest | None,
    *,
    as_of: date | None = None,
    known: dict | None = None,
    chunk_size: int | None = None,
    keyset: bool = True,
) -> Iterator[Document]:
    """The claim documents (with the exports' extra facts) of the queryset, a chunk at a time.

    ``keyset`` (the default): in id order, each chunk of ids one query ``… AND id > <last id> ORDER
    BY id LIMIT n``: no cursor is held open between chunks, so it works behind a transaction pooler
    and on a replica. Otherwise the queryset's own order through ``.iterator(chunk_size=n)`` (a
    server-side cursor on PostgreSQL)."""
    size = chunk_size or CHUNK_SIZE
    documents = ClaimDocuments(request, extra=True)
    chunks = _keyset_chunks(queryset, size) if keyset else _ordered_chunks(queryset, size)
    for ids in chunks:
        yield from documents.for_ids(ids, as_of=as_of, known=known)


def _keyset_chunks(queryset: QuerySet[Claim], size: int) -> Iterator[list[int]]:
    ordered = queryset.order_by("pk").values_list("pk", flat=True)
    last = None
    while True:
        page = ordered if last is None else ordered.filter(pk__gt=last)
        ids = list(page[:size])
        if not ids:
            return
        last = ids[-1]
        yield ids
        if len(ids) < size:
            return


def _ordered_chunks(queryset: QuerySet[Claim], size: int) -> Iterator[list[int]]:
    chunk: list[int] = []
    for pk in queryset.values_list("pk", flat=True).iterator(chunk_size=size):
        chunk.append(pk)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _iso(value: date | datetime | None) -> str | None:
    """ISO 8601; times in UTC (``+00:00``)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
    return value.isoformat()


def _safe(value: str) -> str:
    """Text a spreadsheet would run as a formula (it starts with ``= + - @``, a tab or a carriage
    return) is prefixed with an apostrophe (OWASP's advice for CSV injection)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _name(brief: dict[str, Any] | None) -> str:
    return brief["name"] if brief else ""


def _brief(brief: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if brief is None else {"id": brief["id"], "slug": brief["slug"], "name": brief["name"]}


def _blank(value: Any) -> Any:
    return "" if value is None else value


def _quote(quoted: dict[str, Any]) -> dict[str, Any]:
    """A claim's or a citation's quote, its language and its translation (who made it, when)."""
    return {name: _iso(quoted[name]) if name == "translated_at" else quoted[name] for name in QUOTE_FIELDS}


def csv_row(doc: Document) -> list[Any]:
    """One claim document as a CSV row (``CSV_HEADER``'s columns)."""
    citations = doc["citations"]
    extra = doc["extra"]
    location = doc["location"]
    reasons = doc["reasons"] or []
    values: dict[str, Any] = {
        "id": doc["id"],
        "url": doc["url"],
        "claimed_on": _iso(doc["claimed_on"]),
        "kind": doc["kind"],
        "summary": doc["summary"],
        "quote": doc["quote"],
        "language": doc["language"],
        "translation": doc["translation"],
        "translation_language": doc["translation_language"],
        "translated_by": doc["translated_by"],
        "translated_at": _iso(doc["translated_at"]) or "",
        "claimant_id": doc["claimant"]["id"],
        "claimant": doc["claimant"]["name"],
        "claimant_bloc": _name(extra["claimant_bloc"]),
        "spokesperson": _name(doc["spokesperson"]),
        "subject_id": doc["subject"]["id"] if doc["subject"] else "",
        "subject": _name(doc["subject"]),
        "location_id": location["id"] if location else "",
        "location": _name(location),
        "latitude": _blank(extra["latitude"]) if location else "",
        "longitude": _blank(extra["longitude"]) if location else "",
        "location_precision": doc["location_precision"],
        "event_start": _iso(doc["event_start"]) or "",
        "event_end": _iso(doc["event_end"]) or "",
        "date_precision": doc["date_precision"],
        "count_min": _blank(doc["count_min"]),
        "count_max": _blank(doc["count_max"]),
        "count_unit": doc["count_unit"],
        "status": doc["status"],
        "contested": str(doc["contested"]).lower(),
        "corroborated": str(doc["corroborated"]).lower(),
        "unverified": str(doc["unverified"]).lower(),
        "grade": doc["grade"],
        "verdict": doc["verdict"],
        "verdict_on": _iso(doc["verdict_on"]) or "",
        "reason_codes": " ".join(r.get("code", "") for r in reasons),
        "reasons": " | ".join(r.get("text", "") for r in reasons),
        "report_ids": " ".join(str(c["report"]["id"]) for c in citations),
        "report_urls": " ".join(c["report"]["url"] for c in citations if c["report"]["url"]),
        "sources": " | ".join(dict.fromkeys(c["report"]["source"]["name"] for c in citations)),
        "external_id": doc["external_id"] or "",
        "created_at": _iso(doc["created_at"]),
        "updated_at": _iso(doc["updated_at"]),
    }
    # Every text cell goes through the formula guard, whatever column it is in (numbers are numbers).
    return [_safe(values[name]) if isinstance(values[name], str) else values[name] for name in CSV_HEADER]


def csv_lines(documents: Iterable[Document]) -> Iterator[str]:
    """The header, then a line per claim (RFC 4180 quoting, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_HEADER)
    yield flush()
    for doc in documents:
        writer.writerow(csv_row(doc))
        yield flush()


def jsonl_record(doc: Document) -> dict[str, Any]:
    """One claim document as a self-contained JSON object (the JSON Lines dump): the document without
    its relations and API links, the place with its coordinates."""
    location = doc["location"]
    extra = doc["extra"]
    record: dict[str, Any] = {
        "id": doc["id"],
        "url": doc["url"],
        "claimant": _brief(doc["claimant"]),
        "spokesperson": _brief(doc["spokesperson"]),
        "claimed_on": _iso(doc["claimed_on"]),
        "kind": doc["kind"],
        "summary": doc["summary"],
        **_quote(doc),
        "subject": _brief(doc["subject"]),
        "location": (
            {**_brief(location), "latitude": extra["latitude"], "longitude": extra["longitude"]}  # type: ignore[dict-item]
            if location
            else None
        ),
        "location_precision": doc["location_precision"],
        "event_start": _iso(doc["event_start"]),
        "event_end": _iso(doc["event_end"]),
        "date_precision": doc["date_precision"],
        "count_min": doc["count_min"],
        "count_max": doc["count_max"],
        "count_unit": doc["count_unit"],
        "citations": [
            {
                "report": {
                    "id": c["report"]["id"],
                    "title": c["report"]["title"],
                    "url": c["report"]["url"],
                    "published_at": _iso(c["report"]["published_at"]),
                    "source": _brief(c["report"]["source"]),
                },
                **_quote(c),
            }
            for c in doc["citations"]
        ],
        "verdict": doc["verdict"],
        "verdict_rationale": doc["verdict_rationale"],
        "verdict_on": _iso(doc["verdict_on"]),
        "status": doc["status"],
        "contested": doc["contested"],
        "corroborated": doc["corroborated"],
        "unverified": doc["unverified"],
        "reasons": doc["reasons"],
        "grade": doc["grade"],
        "external_id": doc["external_id"],
        "created_at": _iso(doc["created_at"]),
        "updated_at": _iso(doc["updated_at"]),
    }
    if doc["as_of"] is not None:
        record["as_of"] = _iso(doc["as_of"])
    return record


def jsonl_lines(documents: Iterable[Document]) -> Iterator[str]:
    for doc in documents:
        yield json.dumps(jsonl_record(doc), ensure_ascii=False, separators=(",", ":")) + "\n"


def has_point(doc: Document) -> bool:
    return (
        doc["location"] is not None and doc["extra"]["latitude"] is not None and doc["extra"]["longitude"] is not None
    )


def geojson_feature(doc: Document) -> dict[str, Any]:
    """A Point feature (RFC 7946: [longitude, latitude]) with the claim's status, flags and reasons."""
    location = doc["location"]
    extra = doc["extra"]
    assert has_point(doc), f"claim #{doc['id']} has no coordinates"
    subject = doc["subject"]
    return {
        "type": "Feature",
        "id": doc["id"],
        "geometry": {"type": "Point", "coordinates": [extra["longitude"], extra["latitude"]]},
        "properties": {
            "id": doc["id"],
            "url": doc["url"],
            "summary": doc["summary"],
            "kind": doc["kind"],
            "claimed_on": _iso(doc["claimed_on"]),
            "claimant": doc["claimant"]["name"],
            "claimant_id": doc["claimant"]["id"],
            "subject": subject["name"] if subject else None,
            "subject_id": subject["id"] if subject else None,
            "location": location["name"],
            "location_id": location["id"],
            "location_precision": doc["location_precision"],
            "event_start": _iso(doc["event_start"]),
            "event_end": _iso(doc["event_end"]),
            "date_precision": doc["date_precision"],
            "count_min": doc["count_min"],
            "count_max": doc["count_max"],
            "count_unit": doc["count_unit"] or None,
            "status": doc["status"],
            "contested": doc["contested"],
            "corroborated": doc["corroborated"],
            "unverified": doc["unverified"],
            "verdict": doc["verdict"] or None,
            "reasons": doc["reasons"],
            "grade": doc["grade"],
        },
    }


def geojson_chunks(documents: Iterable[Document]) -> Iterator[str]:
    """A FeatureCollection, streamed feature by feature; claims without coordinates are left out."""
    yield '{"type":"FeatureCollection","features":['
    first = True
    for doc in documents:
        if not has_point(doc):
            continue
        yield ("" if first else ",") + json.dumps(geojson_feature(doc), ensure_ascii=False)
        first = False
    yield "]}\n"
