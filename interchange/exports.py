"""Claims out as CSV, GeoJSON and JSON Lines: pure row building plus generators that stream.

The generators take a queryset (already filtered by ``ClaimFilter``) and walk it with
``.iterator(chunk_size=…)``, so memory stays flat whatever the number of rows; with ``as_of``
the flags of each chunk are replaced by the flags as they stood on that date (rule 9).
The columns are documented in docs/import-export.md.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from claims.filters import claims_apply_as_of
from claims.models import Claim
from claims.selectors import claim_cited

CHUNK_SIZE = 500
UrlFor = Callable[[Claim], str]

# (column, description): the CSV export, one row per claim.
CSV_COLUMNS: list[tuple[str, str]] = [
    ("id", "Fogwatch claim id"),
    ("url", "The claim in the API"),
    ("claimed_on", "Date the claim was made (YYYY-MM-DD)"),
    ("kind", "control, casualties, attack, advance, statement or other"),
    ("summary", "One sentence: what is claimed"),
    ("quote", "Verbatim quote, if any"),
    ("language", "Language of the quote"),
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
    ("status", "retracted, superseded, confirmed, refuted, contested, corroborated or unverified"),
    ("contested", "true/false"),
    ("corroborated", "true/false"),
    ("unverified", "true/false"),
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


def export_queryset() -> QuerySet[Claim]:
    """Claims with what an export row needs: actors, the place, citations with reports and sources."""
    return claim_cited()


def _batched(items: Iterable[Claim], size: int) -> Iterator[list[Claim]]:
    batch: list[Claim] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def iterate_claims(
    queryset: QuerySet[Claim],
    *,
    as_of: date | None = None,
    known: dict | None = None,
    chunk_size: int | None = None,
    keyset: bool = True,
) -> Iterator[Claim]:
    """Walk the queryset a chunk at a time; with ``as_of`` each chunk gets the flags as they stood on
    that date.

    ``keyset`` (the default): in id order, each chunk one query ``… AND id > <last id> ORDER BY id
    LIMIT n`` — no cursor is held open between chunks, so it works behind a transaction pooler and
    on a replica. Otherwise the queryset's own order through ``.iterator(chunk_size=n)`` (a
    server-side cursor on PostgreSQL).
    """
    size = chunk_size or CHUNK_SIZE
    if keyset:
        batches: Iterable[list[Claim]] = _keyset_batches(queryset, size)
    else:
        batches = _batched(queryset.iterator(chunk_size=size), size)
    for batch in batches:
        yield from claims_apply_as_of(batch, as_of, known)
        for claim in batch:
            _release(claim)


def _keyset_batches(queryset: QuerySet[Claim], size: int) -> Iterator[list[Claim]]:
    ordered = queryset.order_by("pk")
    last = None
    while True:
        page = ordered if last is None else ordered.filter(pk__gt=last)
        batch = list(page[:size])
        if not batch:
            return
        last = batch[-1].pk
        yield batch
        if len(batch) < size:
            return


def _release(claim: Claim) -> None:
    """Break the reference cycles a prefetch makes (claim → citations → claim), so a finished chunk is
    freed at once rather than when the cyclic garbage collector next runs: memory stays flat."""
    for citation in getattr(claim, "_prefetched_objects_cache", {}).get("citations", []):
        citation._state.fields_cache.clear()
    claim._prefetched_objects_cache = {}
    claim._state.fields_cache.clear()


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _safe(value: str) -> str:
    """Text a spreadsheet would run as a formula is prefixed with an apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _brief(obj: Any) -> dict[str, Any] | None:
    return {"id": obj.pk, "slug": obj.slug, "name": obj.name} if obj is not None else None


def csv_row(claim: Claim, url_for: UrlFor) -> list[Any]:
    citations = list(claim.citations.all())
    location = claim.location
    bloc = claim.claimant.bloc if claim.claimant.bloc_id else None
    values: dict[str, Any] = {
        "id": claim.pk,
        "url": url_for(claim),
        "claimed_on": _iso(claim.claimed_on),
        "kind": claim.kind,
        "summary": _safe(claim.summary),
        "quote": _safe(claim.quote),
        "language": claim.language,
        "claimant_id": claim.claimant_id,
        "claimant": _safe(claim.claimant.name),
        "claimant_bloc": _safe(bloc.name) if bloc else "",
        "spokesperson": _safe(claim.spokesperson.name) if claim.spokesperson else "",
        "subject_id": claim.subject_id or "",
        "subject": _safe(claim.subject.name) if claim.subject else "",
        "location_id": claim.location_id or "",
        "location": _safe(location.name) if location else "",
        "latitude": location.latitude if location and location.latitude is not None else "",
        "longitude": location.longitude if location and location.longitude is not None else "",
        "location_precision": claim.location_precision,
        "event_start": _iso(claim.event_start) or "",
        "event_end": _iso(claim.event_end) or "",
        "date_precision": claim.date_precision,
        "count_min": "" if claim.count_min is None else claim.count_min,
        "count_max": "" if claim.count_max is None else claim.count_max,
        "status": claim.status,
        "contested": str(claim.contested).lower(),
        "corroborated": str(claim.corroborated).lower(),
        "unverified": str(claim.unverified).lower(),
        "verdict": claim.verdict,
        "verdict_on": _iso(claim.verdict_on) or "",
        "reason_codes": " ".join(r.get("code", "") for r in claim.reasons or []),
        "reasons": _safe(" | ".join(r.get("text", "") for r in claim.reasons or [])),
        "report_ids": " ".join(str(c.report_id) for c in citations),
        "report_urls": " ".join(c.report.url for c in citations if c.report.url),
        "sources": _safe(" | ".join(dict.fromkeys(c.report.source.name for c in citations))),
        "external_id": claim.external_id or "",
        "created_at": _iso(claim.created_at),
        "updated_at": _iso(claim.updated_at),
    }
    return [values[name] for name in CSV_HEADER]


def csv_lines(claims: Iterable[Claim], url_for: UrlFor) -> Iterator[str]:
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
    for claim in claims:
        writer.writerow(csv_row(claim, url_for))
        yield flush()


def claim_record(claim: Claim, url_for: UrlFor) -> dict[str, Any]:
    """One claim as a self-contained JSON object (the JSON Lines dump)."""
    location = claim.location
    record: dict[str, Any] = {
        "id": claim.pk,
        "url": url_for(claim),
        "claimant": _brief(claim.claimant),
        "spokesperson": _brief(claim.spokesperson),
        "claimed_on": _iso(claim.claimed_on),
        "kind": claim.kind,
        "summary": claim.summary,
        "quote": claim.quote,
        "language": claim.language,
        "subject": _brief(claim.subject),
        "location": (
            {**_brief(location), "latitude": location.latitude, "longitude": location.longitude}  # type: ignore[dict-item]
            if location
            else None
        ),
        "location_precision": claim.location_precision,
        "event_start": _iso(claim.event_start),
        "event_end": _iso(claim.event_end),
        "date_precision": claim.date_precision,
        "count_min": claim.count_min,
        "count_max": claim.count_max,
        "citations": [
            {
                "report": {
                    "id": c.report_id,
                    "title": c.report.title,
                    "url": c.report.url,
                    "published_at": _iso(c.report.published_at),
                    "source": _brief(c.report.source),
                },
                "quote": c.quote,
            }
            for c in claim.citations.all()
        ],
        "verdict": claim.verdict,
        "verdict_rationale": claim.verdict_rationale,
        "verdict_on": _iso(claim.verdict_on),
        "status": claim.status,
        "contested": claim.contested,
        "corroborated": claim.corroborated,
        "unverified": claim.unverified,
        "reasons": claim.reasons,
        "external_id": claim.external_id,
        "created_at": _iso(claim.created_at),
        "updated_at": _iso(claim.updated_at),
    }
    as_of = getattr(claim, "_as_of", None)
    if as_of is not None:
        record["as_of"] = _iso(as_of)
    return record


def jsonl_lines(claims: Iterable[Claim], url_for: UrlFor) -> Iterator[str]:
    for claim in claims:
        yield json.dumps(claim_record(claim, url_for), ensure_ascii=False, separators=(",", ":")) + "\n"


def has_point(claim: Claim) -> bool:
    loc = claim.location
    return loc is not None and loc.latitude is not None and loc.longitude is not None


def geojson_feature(claim: Claim, url_for: UrlFor) -> dict[str, Any]:
    """A Point feature (RFC 7946: [longitude, latitude]) with the claim's status, flags and reasons."""
    location = claim.location
    assert location is not None and location.latitude is not None and location.longitude is not None
    return {
        "type": "Feature",
        "id": claim.pk,
        "geometry": {"type": "Point", "coordinates": [location.longitude, location.latitude]},
        "properties": {
            "id": claim.pk,
            "url": url_for(claim),
            "summary": claim.summary,
            "kind": claim.kind,
            "claimed_on": _iso(claim.claimed_on),
            "claimant": claim.claimant.name,
            "claimant_id": claim.claimant_id,
            "subject": claim.subject.name if claim.subject else None,
            "subject_id": claim.subject_id,
            "location": location.name,
            "location_id": location.pk,
            "location_precision": claim.location_precision,
            "event_start": _iso(claim.event_start),
            "event_end": _iso(claim.event_end),
            "date_precision": claim.date_precision,
            "count_min": claim.count_min,
            "count_max": claim.count_max,
            "status": claim.status,
            "contested": claim.contested,
            "corroborated": claim.corroborated,
            "unverified": claim.unverified,
            "verdict": claim.verdict or None,
            "reasons": claim.reasons,
        },
    }


def geojson_chunks(claims: Iterable[Claim], url_for: UrlFor) -> Iterator[str]:
    """A FeatureCollection, streamed feature by feature; claims without coordinates are left out."""
    yield '{"type":"FeatureCollection","features":['
    first = True
    for claim in claims:
        if not has_point(claim):
            continue
        yield ("" if first else ",") + json.dumps(geojson_feature(claim, url_for), ensure_ascii=False)
        first = False
    yield "]}\n"
