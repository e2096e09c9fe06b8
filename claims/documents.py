"""The claim document: one builder that turns claim rows into what a claim is, for every reader.

A claim's document is the API's claim (``ClaimSerializer`` describes it: the schema, the writes)
built straight from rows: three ``values()`` queries for any number of claims (the claims with
their actors and place, their citations with report and source, and the relations at either end
with the claim opposite), no model object or DRF field per row. Dates and times stay Python
values; the API's JSON renderer writes them as ``ClaimSerializer`` would.

Every outward shape is a view of the document: the API list and detail (the document itself), the
control timeline (a brief of it: ``control_claim``), and in ``interchange``, CSV, GeoJSON, JSON
Lines and ClaimReview. Those need a few facts the API does not show (the claimant's kind and bloc,
the place's coordinates, the sources' homepages): ``ClaimDocuments(..., extra=True)`` adds them under ``extra``.
``tests/claims/test_documents.py`` holds the API shape to the serializer and every export to the
document.

``ClaimDocuments(..., fields=(...))`` builds only those top-level fields (the API's ``?fields=``,
``core.api.sparse``): the claim query reads only their columns (no join for an actor or place not
asked for), and the citations' and the relations' queries run only when those fields are asked for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.reverse import reverse

from actors.models import Actor
from claims.as_of import Flags, cited_by_then, flags_on, verdict_given_by
from claims.models import Citation, Claim, Relation
from claims.services.validation import CLAIM_EDITABLE, DERIVED, QUOTE_FIELDS
from core.statements import Statement
from locations.models import Location

SENTINEL = 987654321987654321

BRIEFS = ("claimant", "spokesperson", "subject", "location")
# The claim's own columns, in the order of ClaimSerializer's fields: the editable ones but the actors
# and the place (read as briefs).
OWN = tuple(name for name in CLAIM_EDITABLE if name not in BRIEFS)
CLAIM_VALUES = (
    "id",
    *OWN,
    *DERIVED,
    "created_at",
    "updated_at",
    *(f"{name}{part}" for name in BRIEFS for part in ("_id", "__slug", "__name")),
)
# The document's fields, in its order (ClaimSerializer's read fields).
FIELDS = (
    "id",
    "url",
    *CLAIM_EDITABLE,
    "citations",
    "status",
    "contested",
    "corroborated",
    "unverified",
    "reasons",
    "grade",
    "as_of",
    "relations_made",
    "relations_received",
    "created_at",
    "updated_at",
)
# The columns each field reads; as of a date the flags and the verdict also need AS_OF_COLUMNS.
COLUMNS: dict[str, tuple[str, ...]] = {
    **{name: ("id",) for name in FIELDS},
    **{name: (f"{name}_id", f"{name}__slug", f"{name}__name") for name in BRIEFS},
    **{name: (name,) for name in (*OWN, *DERIVED, "created_at", "updated_at")},
}
AS_OF_COLUMNS = ("claimed_on", "verdict", "verdict_on", "verdict_rationale")
RELATION_FIELDS = ("relations_made", "relations_received")
# What the exports need beyond the API's claim (``extra=True``).
EXTRA_VALUES = (
    "claimant__kind",
    "claimant__bloc_id",
    "claimant__bloc__slug",
    "claimant__bloc__name",
    "location__latitude",
    "location__longitude",
)
CITATION_VALUES = (
    "id",
    "claim_id",
    "report_id",
    "report__title",
    "report__url",
    "report__published_at",
    "report__source_id",
    "report__source__slug",
    "report__source__name",
    "report__source__reliability",
    "report__source__homepage",
    *QUOTE_FIELDS,
)
END_VALUES = ("id", "summary", "claimed_on", "claimant_id", "claimant__slug", "claimant__name")
RELATION_VALUES = (
    "id",
    "claim_id",
    "target_id",
    "stance",
    "origin",
    "note",
    *(f"claim__{name}" for name in END_VALUES[1:]),
    *(f"target__{name}" for name in END_VALUES[1:]),
)


def _names_statement(model: type[Actor] | type[Location]) -> Statement:
    return Statement(lambda ids: model.objects.filter(pk__any_of=ids).values_list("id", "slug", "name"))


# The statements a page of documents runs, compiled once (core/statements.py).
NAMES = {Actor: _names_statement(Actor), Location: _names_statement(Location)}
CITATIONS = Statement(
    lambda ids: Citation.objects.filter(claim_id__any_of=ids).order_by("id").values_list(*CITATION_VALUES)
)
RELATIONS = Statement(
    lambda ids: (
        Relation.objects.filter(Q(claim_id__any_of=ids) | Q(target_id__any_of=ids))
        .order_by("id")
        .values_list(*RELATION_VALUES)
    )
)


def _names(model: type[Actor] | type[Location], ids: set[int]) -> Iterable[tuple[int, str, str]]:
    return NAMES[model].rows(ids)


class ClaimDocuments:
    """Builds claim documents for a request (its host, scheme and format decide the links, as DRF's
    hyperlinked fields do); ``extra`` adds what the exports need beyond the API's claim."""

    def __init__(
        self,
        request: HttpRequest | None,
        format: str | None = None,
        *,
        extra: bool = False,
        fields: Sequence[str] | None = None,
    ):
        self._links = {
            name: self._link_template(name, request, format)
            for name in ("api:claim-detail", "api:report-detail", "api:relation-detail")
        }
        self.extra = extra
        # The site's time zone, looked up once (``timezone.localtime`` looks it up for every value).
        self._tz = timezone.get_current_timezone()
        if fields is not None and extra:
            raise ValueError("A claim document with extra has every field.")
        # None: every field; otherwise these, in the document's order.
        wanted = None if fields is None else set(fields)
        self.fields = None if wanted is None else tuple(name for name in FIELDS if name in wanted)

    def _local(self, value: datetime | None) -> datetime | None:
        """A time in the site's time zone, as DRF's ``DateTimeField`` shows it."""
        return None if value is None else value.astimezone(self._tz)

    def _quote(self, row: dict[str, Any]) -> dict[str, Any]:
        """The quote, its language and its translation (who made it, when), as the API shows them."""
        return {name: self._local(row[name]) if name == "translated_at" else row[name] for name in QUOTE_FIELDS}

    def wants(self, name: str) -> bool:
        return self.fields is None or name in self.fields

    @staticmethod
    def _link_template(view_name: str, request: HttpRequest | None, format: str | None) -> tuple[str, str]:
        url = reverse(view_name, kwargs={"pk": SENTINEL}, request=request, format=format)
        head, _, tail = url.partition(str(SENTINEL))
        return head, tail

    def _url(self, view_name: str, pk: int) -> str:
        head, tail = self._links[view_name]
        return f"{head}{pk}{tail}"

    # -- reading ----------------------------------------------------------------------------------

    @property
    def values(self) -> tuple[str, ...]:
        """The columns a claim row must have."""
        return (*CLAIM_VALUES, *EXTRA_VALUES) if self.extra else CLAIM_VALUES

    def for_rows(self, rows: list[dict], *, as_of: date | None = None, known: Any = None) -> list[dict]:
        """Rows of ``Claim.objects.values(*self.values)`` as documents (as of a date: with the flags
        then, leaving out the claims made later)."""
        return self.render(self.prepare(rows, as_of=as_of, known=known), as_of=as_of)

    def columns(self, as_of: date | None = None) -> tuple[str, ...]:
        """The columns the claim rows must have for the fields built (``values`` for every field)."""
        if self.fields is None:
            return self.values
        wanted = [column for name in self.fields for column in COLUMNS[name]]
        if as_of is not None:
            wanted.extend(AS_OF_COLUMNS)
        return tuple(dict.fromkeys(["id", *wanted]))

    def page_columns(self, as_of: date | None = None) -> tuple[str, ...]:
        """``columns`` without the actors' and the place's names: a page query that reads the claims
        table alone, which PostgreSQL plans in a fraction of the time a query joining four more
        tables takes (with a filter's subqueries, 28 ms against 1 ms); ``add_names`` fills them in."""
        return tuple(column for column in self.columns(as_of) if "__" not in column)

    def add_names(self, rows: list[dict]) -> list[dict]:
        """Rows of ``page_columns`` with the slug and name of each actor and place they refer to
        (``claimant__slug``, ``claimant__name`` …), read by one query on actors and one on places."""
        wanted = [name for name in BRIEFS if self.wants(name)]
        if not rows or not wanted:
            return rows
        actor_ids = {row[f"{name}_id"] for row in rows for name in wanted if name != "location"} - {None}
        place_ids = {row["location_id"] for row in rows} - {None} if "location" in wanted else set()
        names = {
            "actor": {pk: (slug, name) for pk, slug, name in _names(Actor, actor_ids)},
            "location": {pk: (slug, name) for pk, slug, name in _names(Location, place_ids)},
        }
        for row in rows:
            for name in wanted:
                slug, label = names["location" if name == "location" else "actor"].get(row[f"{name}_id"], (None, None))
                row[f"{name}__slug"], row[f"{name}__name"] = slug, label
        return rows

    def for_ids(self, ids: Sequence[int], *, as_of: date | None = None, known: Any = None) -> list[dict]:
        """The claims with these ids, in this order (ids of missing claims are skipped)."""
        rows = Claim.objects.filter(pk__in=list(ids)).values(*self.columns(as_of))
        by_id = {row["id"]: row for row in rows}
        return self.for_rows([by_id[pk] for pk in ids if pk in by_id], as_of=as_of, known=known)

    def prepare(self, rows: list[dict], *, as_of: date | None = None, known: Any = None) -> list[dict]:
        """The rows with their flags as of ``as_of`` (rule 9; the claims made later left out)."""
        return rows if as_of is None else self._apply_as_of(rows, as_of, known)

    def render(self, rows: list[dict], *, as_of: date | None = None) -> list[dict]:
        """Prepared rows as documents, their citations and relations read in two queries."""
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        citations = self._citations(ids, as_of) if self.wants("citations") else {}
        made, received = self._relations(ids, as_of) if any(map(self.wants, RELATION_FIELDS)) else ({}, {})
        if self.fields is not None:
            return [self._sparse(row, citations, made, received, as_of) for row in rows]
        return [self._claim(row, citations, made, received, as_of) for row in rows]

    @staticmethod
    def _apply_as_of(rows: list[dict], as_of: date, known: dict[int, Flags] | None) -> list[dict]:
        """Rule 9: the flags as they stood on ``as_of``; claims made later are left out, and a verdict
        not yet given then (``verdict_on`` later, or no ``verdict_on``) reads as no verdict."""
        then = flags_on(((row["id"], row["claimed_on"]) for row in rows), as_of, known)
        shown = []
        for row in rows:
            result = then.get(row["id"])
            if result is None:
                continue
            row.update(
                status=result.status,
                contested=result.contested,
                corroborated=result.corroborated,
                unverified=result.unverified,
                reasons=result.reasons_as_dicts(),
                grade=result.grade,
            )
            if row["verdict"] and not verdict_given_by(row["verdict_on"], as_of):
                row.update(verdict="", verdict_rationale="", verdict_on=None)
            shown.append(row)
        return shown

    def _citations(self, ids: list[int], as_of: date | None) -> dict[int, list[dict]]:
        """The citations of these claims; as of a date, only those whose report was published by then
        (or has no publication date)."""
        result: dict[int, list[dict]] = defaultdict(list)
        rows = CITATIONS.rows(ids)
        for pk, claim_id, report_id, title, url, published, source_id, slug, name, grade, home, *quote in rows:
            if as_of is not None and not cited_by_then(published, as_of):
                continue
            citation = {
                "id": pk,
                "report": {
                    "id": report_id,
                    "api_url": self._url("api:report-detail", report_id),
                    "title": title,
                    "url": url,
                    "published_at": self._local(published),
                    "source": {"id": source_id, "slug": slug, "name": name},
                    "reliability": grade,
                },
                **self._quote(dict(zip(QUOTE_FIELDS, quote, strict=True))),
            }
            if self.extra:
                citation["extra"] = {"source_homepage": home}
            result[claim_id].append(citation)
        return result

    def _relations(self, ids: list[int], as_of: date | None) -> tuple[dict[int, list[dict]], dict[int, list[dict]]]:
        made: dict[int, list[dict]] = defaultdict(list)
        received: dict[int, list[dict]] = defaultdict(list)
        wanted = set(ids)
        rows = RELATIONS.rows(ids)
        for pk, claim_id, target_id, stance, origin, note, *ends in rows:
            claim_end, target_end = ends[:5], ends[5:]
            head = {"id": pk, "url": self._url("api:relation-detail", pk), "stance": stance, "origin": origin}
            if claim_id in wanted and (as_of is None or target_end[1] <= as_of):
                made[claim_id].append({**head, "note": note, "target": self._brief_claim(target_id, *target_end)})
            if target_id in wanted and (as_of is None or claim_end[1] <= as_of):
                received[target_id].append({**head, "note": note, "claim": self._brief_claim(claim_id, *claim_end)})
        return made, received

    def control_claim(self, row: dict[str, Any]) -> dict[str, Any]:
        """A control claim in brief (the control timeline's claims), from a row of
        ``claims.selectors.CONTROL_BRIEF_VALUES``."""
        subject = row["subject_id"]
        return {
            "id": row["id"],
            "url": self._url("api:claim-detail", row["id"]),
            "claimant": {"id": row["claimant_id"], "slug": row["claimant__slug"], "name": row["claimant__name"]},
            "subject": None
            if subject is None
            else {"id": subject, "slug": row["subject__slug"], "name": row["subject__name"]},
            "event_start": row["event_start"],
            "event_end": row["event_end"],
            "status": row["status"],
            "contested": row["contested"],
        }

    def _brief_claim(
        self, pk: int, summary: str, claimed_on: date, actor_id: int, actor_slug: str, actor_name: str
    ) -> dict[str, Any]:
        return {
            "id": pk,
            "url": self._url("api:claim-detail", pk),
            "summary": summary,
            "claimed_on": claimed_on,
            "claimant": {"id": actor_id, "slug": actor_slug, "name": actor_name},
        }

    def _claim(
        self,
        row: dict[str, Any],
        citations: dict[int, list[dict]],
        made: dict[int, list[dict]],
        received: dict[int, list[dict]],
        as_of: date | None,
    ) -> dict[str, Any]:
        pk = row["id"]
        briefs = {
            name: None
            if row[f"{name}_id"] is None
            else {"id": row[f"{name}_id"], "slug": row[f"{name}__slug"], "name": row[f"{name}__name"]}
            for name in BRIEFS
        }
        document = {
            "id": pk,
            "url": self._url("api:claim-detail", pk),
            "claimant": briefs["claimant"],
            "spokesperson": briefs["spokesperson"],
            "claimed_on": row["claimed_on"],
            "kind": row["kind"],
            "summary": row["summary"],
            **self._quote(row),
            "subject": briefs["subject"],
            "location": briefs["location"],
            "event_start": row["event_start"],
            "event_end": row["event_end"],
            "date_precision": row["date_precision"],
            "count_min": row["count_min"],
            "count_max": row["count_max"],
            "count_unit": row["count_unit"],
            "verdict": row["verdict"],
            "verdict_rationale": row["verdict_rationale"],
            "verdict_on": row["verdict_on"],
            "external_id": row["external_id"],
            "location_precision": row["location_precision"],
            "citations": citations.get(pk, []),
            "status": row["status"],
            "contested": row["contested"],
            "corroborated": row["corroborated"],
            "unverified": row["unverified"],
            "reasons": [dict(reason) for reason in row["reasons"] or []],
            "grade": row["grade"],
            "as_of": as_of,
            "relations_made": made.get(pk, []),
            "relations_received": received.get(pk, []),
            "created_at": self._local(row["created_at"]),
            "updated_at": self._local(row["updated_at"]),
        }
        if self.extra:
            document["extra"] = self._extra(row)
        return document

    def _sparse(
        self,
        row: dict[str, Any],
        citations: dict[int, list[dict]],
        made: dict[int, list[dict]],
        received: dict[int, list[dict]],
        as_of: date | None,
    ) -> dict[str, Any]:
        """The fields asked for only (``self.fields``), each as ``_claim`` builds it."""
        pk = row["id"]
        document: dict[str, Any] = {}
        for name in self.fields or ():
            if name == "id":
                document[name] = pk
            elif name == "url":
                document[name] = self._url("api:claim-detail", pk)
            elif name in BRIEFS:
                ref = row[f"{name}_id"]
                document[name] = (
                    None if ref is None else {"id": ref, "slug": row[f"{name}__slug"], "name": row[f"{name}__name"]}
                )
            elif name == "citations":
                document[name] = citations.get(pk, [])
            elif name == "reasons":
                document[name] = [dict(reason) for reason in row["reasons"] or []]
            elif name == "as_of":
                document[name] = as_of
            elif name == "relations_made":
                document[name] = made.get(pk, [])
            elif name == "relations_received":
                document[name] = received.get(pk, [])
            elif name in ("created_at", "updated_at"):
                document[name] = self._local(row[name])
            else:
                document[name] = row[name]
        return document

    @staticmethod
    def _extra(row: dict[str, Any]) -> dict[str, Any]:
        bloc_id = row["claimant__bloc_id"]
        return {
            "claimant_kind": row["claimant__kind"],
            "claimant_bloc": None
            if bloc_id is None
            else {"id": bloc_id, "slug": row["claimant__bloc__slug"], "name": row["claimant__bloc__name"]},
            "latitude": row["location__latitude"],
            "longitude": row["location__longitude"],
        }
