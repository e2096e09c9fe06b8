"""Reads of claims: the facts the flag rules need, neighbourhoods, and page querysets."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connections, router
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.lookups import StartsWith

from actors.models import Actor
from claims import flags
from claims.auto_relations import PropositionFacts
from claims.models import QUOTE_FIELDS, Citation, Claim, Conflict, FlagChangeRecord, Relation
from core.access import editor_shown
from core.statements import Statement
from core.tree import TreeNode, subtree_q
from core.versions import cached_for_version
from locations.models import Location

FACT_FIELDS = (
    "id",
    "claimant_id",
    "claimant__bloc_id",
    "claimed_on",
    "claimant__name",
    "spokesperson__name",
    "verdict",
    "verdict_on",
)
PROPOSITION_FIELDS = (
    "id",
    "kind",
    "claimed_on",
    "claimant__bloc_id",
    "subject_id",
    "subject__bloc_id",
    "location_id",
    "event_start",
    "event_end",
    "count_min",
    "count_max",
    "count_unit",
)
INERTING = (Relation.Stance.RETRACTS, Relation.Stance.SUPERSEDES)


def best_reliability_subquery() -> Subquery:
    """The best (A first) reliability among the sources of the reports citing the claim (``OuterRef("pk")``);
    NULL when it cites none (the rules read that as F)."""
    return Subquery(
        Citation.objects.filter(claim_id=OuterRef("pk"))
        .order_by("report__source__reliability")
        .values("report__source__reliability")[:1]
    )


# The statements a write's recompute runs for its claims, compiled once (core/statements.py).
CLAIM_FACTS = Statement(
    lambda ids: (
        Claim.objects.filter(pk__any_of=ids)
        .annotate(best_reliability=best_reliability_subquery())
        .values_list(*FACT_FIELDS, "best_reliability")
    )
)
RESPONSES = Statement(  # the relations a claim's flags read: those it receives, and its contradictions
    lambda ids: Relation.objects.filter(
        Q(target_id__any_of=ids) | Q(claim_id__any_of=ids, stance=Relation.Stance.CONTRADICTS)
    ).values_list("claim_id", "target_id", "stance")
)
INERTINGS = Statement(  # the retractions and supersessions of these claims
    lambda ids: Relation.objects.filter(target_id__any_of=ids, stance__in=INERTING).values_list(
        "claim_id", "target_id", "stance"
    )
)
ENDS = Statement(  # both ends of every relation touching these claims
    lambda ids: Relation.objects.filter(Q(claim_id__any_of=ids) | Q(target_id__any_of=ids)).values_list(
        "claim_id", "target_id"
    )
)


def claim_facts(ids: Iterable[int]) -> dict[int, flags.ClaimFacts]:
    return {
        row[0]: flags.ClaimFacts(
            id=row[0],
            claimant_id=row[1],
            bloc_id=row[2] or row[1],
            claimed_on=row[3],
            claimant_name=row[4] or "",
            spokesperson_name=row[5] or "",
            verdict=row[6] or "",
            verdict_on=row[7],
            reliability=flags.best_reliability([row[8]]),
        )
        for row in CLAIM_FACTS.rows(ids)
    }


def flag_inputs(targets: Iterable[int]) -> tuple[dict[int, flags.ClaimFacts], list[flags.RelationFacts]]:
    """Everything ``flags.evaluate`` needs for ``targets``: their relations, the claims on the other end,
    and the retractions and supersessions of those claims (which make them inert)."""
    targets = set(targets)
    first = [flags.RelationFacts(*row) for row in RESPONSES.rows(targets)]
    responders = {r.claim_id for r in first} | {r.target_id for r in first}
    others = responders - targets
    second = [flags.RelationFacts(*row) for row in INERTINGS.rows(others)]
    ids = targets | responders | {r.claim_id for r in second}
    return claim_facts(ids), first + second


def neighbour_ids(ids: Iterable[int]) -> set[int]:
    """Claims on the other end of any relation with these claims."""
    ids = set(ids)
    return {end for pair in ENDS.rows(ids) for end in pair} - ids


def affected_ids(ids: Iterable[int]) -> set[int]:
    """The claims whose flags may change when these claims change: two hops through relations
    (a claim's flags depend on its neighbours' blocs and on whether they are inert, and whether a
    neighbour is inert depends on the claims that retract or supersede it)."""
    ids = set(ids)
    if not ids:
        return ids
    using = router.db_for_read(Relation)
    if connections[using].vendor != "postgresql":
        first = neighbour_ids(ids)
        return ids | first | neighbour_ids(first)
    # Both hops in one statement (a write's recompute runs this once per write).
    with connections[using].cursor() as cursor:
        cursor.execute(TWO_HOPS_SQL, {"ids": sorted(ids)})
        return ids | {row[0] for row in cursor.fetchall()}


# The claims at the ends of the relations touching %(ids)s (the first hop), and at the ends of the
# relations touching those (the second): both hops served by the indexes on claim_id and on target_id
# (the second hop's ids as an array, which the planner looks up by index; ``IN (SELECT …)`` scans).
TWO_HOPS_SQL = """
WITH first AS (
    SELECT unnest(ARRAY[r.claim_id, r.target_id]) AS id
    FROM claims_relation r
    WHERE r.claim_id = ANY(%(ids)s::bigint[]) OR r.target_id = ANY(%(ids)s::bigint[])
), hop AS (
    SELECT ARRAY(SELECT DISTINCT id FROM first) AS ids
)
SELECT id FROM first
UNION
SELECT unnest(ARRAY[r.claim_id, r.target_id])
FROM claims_relation r, hop
WHERE r.claim_id = ANY(hop.ids) OR r.target_id = ANY(hop.ids)
"""


def proposition_facts(q: Q) -> list[PropositionFacts]:
    return list(map(PropositionFacts._make, Claim.objects.filter(q).values_list(*PROPOSITION_FIELDS)))


PROPOSITIONS = Statement(lambda ids: Claim.objects.filter(pk__any_of=ids).values_list(*PROPOSITION_FIELDS))


def propositions_of(ids: Iterable[int]) -> list[PropositionFacts]:
    """``proposition_facts`` of these claims (by a statement compiled once)."""
    return list(map(PropositionFacts._make, PROPOSITIONS.rows(ids)))


def flags_as_of(ids: Iterable[int], as_of: date) -> dict[int, flags.Flags]:
    """Flags of these claims as they stood on ``as_of`` (claims made later are absent)."""
    ids = list(ids)  # read twice: an iterator would be empty the second time
    facts, relations = flag_inputs(ids)
    return flags.evaluate(ids, facts, relations, as_of=as_of)


def claim_list() -> QuerySet[Claim]:
    """Claims with everything a row of a page's claim table shows (actors and place), in one query."""
    return Claim.objects.select_related("claimant", "spokesperson", "subject", "location", "claimant__bloc")


def claim_cited() -> QuerySet[Claim]:
    """Claims with their citations, reports and sources as well (exports, one claim's page)."""
    return claim_list().prefetch_related(
        Prefetch("citations", queryset=Citation.objects.select_related("report__source"))
    )


def claim_detail() -> QuerySet[Claim]:
    return claim_cited().prefetch_related(
        Prefetch(
            "relations_made",
            queryset=Relation.objects.select_related("target__claimant", "target__spokesperson"),
        ),
        Prefetch(
            "relations_received",
            queryset=Relation.objects.select_related("claim__claimant", "claim__spokesperson"),
        ),
    )


def relation_list() -> QuerySet[Relation]:
    """Relations with both claims and their claimants, in a constant number of queries."""
    return Relation.objects.select_related("claim__claimant", "target__claimant")


def as_of_sensitive_ids(as_of: date) -> set[int]:
    """Claims made by ``as_of`` whose flags then may differ from the stored (current) ones; for
    every other claim made by then, the stored flags are the as-of flags (rule 9 needs no
    evaluation).

    A claim's flags depend only on its own verdict, its neighbours through relations, and whether
    those neighbours are inert. So they can differ on ``as_of`` only for a claim whose verdict does
    not count yet, that is related to a claim made later, or that is related to a claim whose
    inertness differs then (a false verdict not counting yet, or a retraction or supersession made
    later). Responses follow what they answer closely, so the set is small for any date.
    """
    not_yet = Q(verdict_on__isnull=True) | Q(verdict_on__gt=as_of)
    verdicts = Claim.objects.filter(not_yet, verdict__in=Claim.Verdict.values)
    ids = set(verdicts.filter(claimed_on__lte=as_of).values_list("pk", flat=True))
    # One scan of the relations, whose rows carry the dates of both ends: those crossing the date
    # (and, to be safe, any whose dates are not filled in yet).
    crossing = Relation.objects.filter(
        Q(claim_on__gt=as_of, target_on__lte=as_of)
        | Q(target_on__gt=as_of, claim_on__lte=as_of)
        | Q(claim_on__isnull=True)
        | Q(target_on__isnull=True)
    ).values_list("claim_id", "target_id", "stance", "claim_on")
    inert_differs = set(verdicts.filter(verdict=Claim.Verdict.FALSE).values_list("pk", flat=True))
    for claim_id, target_id, stance, claim_on in crossing:
        if claim_on is None:
            ids.update((claim_id, target_id))
            inert_differs.add(target_id)
            continue
        ids.add(target_id if claim_on > as_of else claim_id)
        if stance in INERTING and claim_on > as_of:
            inert_differs.add(target_id)
    if inert_differs:
        for claim_id, target_id in Relation.objects.filter(
            Q(claim_id__any_of=list(inert_differs)) | Q(target_id__any_of=list(inert_differs))
        ).values_list("claim_id", "target_id"):
            ids.update((claim_id, target_id))
    return ids


def stored_flags_q(
    *,
    status: Iterable[str] | None = None,
    contested: bool | None = None,
    corroborated: bool | None = None,
    unverified: bool | None = None,
    grade: Iterable[str] | None = None,
    credibility_max: int | str | None = None,
) -> Q:
    """A filter on the stored status, flags and grade (``grade`` and ``credibility_max`` read the one
    indexed ``grade`` column: the digits up to the maximum, spelled out)."""
    q = Q()
    if status:
        q &= Q(status__in=list(status))
    grades = flags.grades_matching(grade, credibility_max)
    if grades is not None:
        q &= Q(grade__in=sorted(grades))
    for name, wanted in (("contested", contested), ("corroborated", corroborated), ("unverified", unverified)):
        if wanted is not None:
            q &= Q(**{name: wanted})
    return q


def claim_event_rows(ids: Iterable[int]) -> list[dict]:
    """What an event about a claim's flags tells: its status, flags and reasons, with the claimant's
    bloc and the place's tree path (for subscriptions filtered by bloc or place)."""
    rows = Claim.objects.filter(pk__in=list(ids)).values(
        "id",
        "status",
        "contested",
        "corroborated",
        "unverified",
        "reasons",
        "claimant_id",
        "claimant__bloc_id",
        "location__path",
    )
    return [
        {
            "id": row["id"],
            "status": row["status"],
            "contested": row["contested"],
            "corroborated": row["corroborated"],
            "unverified": row["unverified"],
            "reasons": row["reasons"],
            "bloc_id": row["claimant__bloc_id"] or row["claimant_id"],
            "location_path": row["location__path"] or "",
        }
        for row in rows
    ]


def reason_summaries(reasons: Iterable[dict]) -> dict[int, str]:
    """The summary of each claim these reasons name (``reason["claim"]``), in one query: what tells two
    reasons apart whose sentences read the same (the same actor responding twice on one day)."""
    ids = {reason["claim"] for reason in reasons if reason.get("claim")}
    return dict(Claim.objects.filter(pk__in=ids).values_list("id", "summary")) if ids else {}


HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


# A citation's fields in its history: its report, and its quote with language and translation.
CITATION_HISTORY = ("report", *QUOTE_FIELDS)

# Written by the flag recompute, never by the editor who saved a version: left out of every diff.
HISTORY_DERIVED = ("status", "contested", "corroborated", "unverified", "reasons", "grade")


def claim_history(claim: Claim, *, viewer: Any = None) -> list[dict[str, Any]]:
    """The recorded versions of the claim and of its citations, newest first, as ``viewer`` (the user
    reading; None: the public) may see them. Each entry: ``id``, ``object`` (claim or citation),
    ``when``, ``type`` (created, changed, deleted), ``user`` (who made it, ``core.access.editor_shown``:
    named to staff only, "an editor" to everyone else; None for a command or import), ``reason``,
    ``changes`` (``{field, old, new}``; foreign keys as ids) and, for the claim's own versions,
    ``status`` (the stored status of that version).

    An entry shows only what its author changed: the derived fields (status, flags, reasons) are
    written by the recompute, often because of another claim, and a version stores them as they
    stood before its own recompute, so they are left out of the diffs; a version that changed none
    of the claim's own fields is not listed. A changed citation shows the fields that changed."""
    entries = []
    previous = None
    for record in claim.history.select_related("history_user").order_by("history_date", "history_id"):
        changes: list[dict[str, Any]] = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=HISTORY_DERIVED)
            changes = [{"field": c.field, "old": c.old, "new": c.new} for c in delta.changes]
        previous = record
        if record.history_type == "~" and not changes and not record.history_change_reason:
            continue
        entries.append(_history_entry(record, "claim", changes, viewer, status=record.status))
    citations = Citation.history.filter(claim_id=claim.pk).select_related("history_user")
    last: dict[int, Any] = {}
    for record in citations.order_by("history_date", "history_id"):
        removed = record.history_type == "-"
        before = last.get(record.id)
        last[record.id] = record
        if record.history_type == "~" and before is not None:
            changes = [
                {"field": c.field, "old": c.old, "new": c.new}
                for c in record.diff_against(before, included_fields=CITATION_HISTORY).changes
            ]
            if not changes:
                continue
        else:
            changes = [
                {"field": name, "old": value if removed else None, "new": None if removed else value}
                for name, value in (("report", record.report_id), *((n, getattr(record, n)) for n in QUOTE_FIELDS))
                if name in ("report", "quote") or (value and (name != "translation_language" or record.translation))
            ]
        entries.append(_history_entry(record, "citation", changes, viewer))
    entries.sort(key=lambda e: (e["when"], e["object"] == "citation", e["id"]), reverse=True)
    return entries


def flag_history(claim: Claim) -> list[dict[str, Any]]:
    """The claim's flag history (``FlagChangeRecord``), in one query, newest first (by the day each
    change took effect, then when it was written): ``id``, ``when`` (written), ``effective_on``,
    ``old`` (null for the claim's first state), ``new`` and ``cause`` (``kind``, ``id``, ``text``)."""
    records = FlagChangeRecord.objects.filter(claim_id=claim.pk).order_by("-effective_on", "-at", "-id")
    return [
        {
            "kind": "flags",
            "id": record.id,
            "when": record.at,
            "effective_on": record.effective_on,
            "old": record.old,
            "new": record.new,
            "cause": {"kind": record.cause, "id": record.cause_id, "text": record.cause_text},
        }
        for record in records
    ]


def _history_entry(record: Any, kind: str, changes: list[dict[str, Any]], viewer: Any, **more: Any) -> dict[str, Any]:
    return {
        "id": record.history_id,
        "object": kind,
        "when": record.history_date,
        "type": HISTORY_TYPES.get(record.history_type, record.history_type),
        "user": editor_shown(record.history_user, viewer),
        "reason": record.history_change_reason,
        "changes": changes,
        **more,
    }


# The columns of a control claim in the timeline: its brief (API), its fact (``claims.timeline``)
# and what ``claims.as_of.rows_as_of`` needs to give its flags on a date.
CONTROL_BRIEF_VALUES = (
    "id",
    "claimed_on",
    "claimant_id",
    "claimant__slug",
    "claimant__name",
    "subject_id",
    "subject__slug",
    "subject__name",
    "subject__bloc_id",
    "event_start",
    "event_end",
    "status",
    "contested",
    "corroborated",
    "unverified",
)


def event_window_q(start: date | None, end: date | None) -> Q:
    """Claims whose event window [``event_start``, ``event_end`` or ``event_start``] overlaps
    ``start``–``end`` (bounds included, either open when ``None``); a claim without an event date when
    its ``claimed_on`` lies in it. Served by the ``(location, kind, event_start)`` index."""
    q = Q()
    if start is not None:
        q &= (
            Q(event_end__gte=start)
            | Q(event_end__isnull=True, event_start__gte=start)
            | Q(event_start__isnull=True, claimed_on__gte=start)
        )
    if end is not None:
        q &= Q(event_start__lte=end) | Q(event_start__isnull=True, claimed_on__lte=end)
    return q


def control_window_rows(
    location: Any, *, start: date | None = None, end: date | None = None, as_of: date | None = None
) -> QuerySet:
    """The control claims on a place whose event window overlaps ``start``–``end`` (made by ``as_of``),
    oldest event first (undated last), as rows of ``CONTROL_BRIEF_VALUES``: one query, whatever the
    window. Every claim that says something about a day of the window is among them, so the
    timeline computed from them is right up to the window's edges."""
    claims = Claim.objects.filter(event_window_q(start, end), location=location, kind=Claim.Kind.CONTROL)
    if as_of is not None:
        claims = claims.filter(claimed_on__lte=as_of)
    return claims.order_by(F("event_start").asc(nulls_last=True), "claimed_on", "id").values(*CONTROL_BRIEF_VALUES)


# -- conflicts -----------------------------------------------------------------------------------


def conflict_list() -> QuerySet[Conflict]:
    """Conflicts with their places and parties, in a constant number of queries."""
    return Conflict.objects.prefetch_related(
        Prefetch("places", queryset=Location.objects.order_by("name", "id")),
        Prefetch("parties", queryset=Actor.objects.order_by("name", "id")),
    )


def conflict_claims_q(conflict: Conflict) -> Q:
    """The claims that belong to ``conflict`` (DESIGN.md, "Scope"), as one filter: no claim is read.

    - place: the claim's location is one of the conflict's places or below one (its path starts
      with a place's path); a claim without a location belongs when its claimant's bloc is the bloc
      of one of the parties;
    - period: the event window (``event_start`` to ``event_end``, or the one day) overlaps
      ``start``–``end`` (open when ``end`` is empty); without an event date, ``claimed_on`` lies in it.

    The places and parties are read by subqueries of the same statement, so the filter follows the
    conflict as it is stored; only ``start`` and ``end`` are taken from the object.
    """
    places = Location.objects.filter(conflicts=conflict.pk)
    covered = Location.objects.filter(Exists(places.filter(StartsWith(OuterRef("path"), F("path")))))
    party_blocs = Actor.objects.filter(conflicts=conflict.pk).values("bloc_id")
    where = Q(location__in=covered) | Q(location__isnull=True, claimant__bloc_id__in=party_blocs)
    event = Q(event_end__gte=conflict.start) | Q(event_end__isnull=True, event_start__gte=conflict.start)
    claimed = Q(event_start__isnull=True, claimed_on__gte=conflict.start)
    if conflict.end is not None:
        event &= Q(event_start__lte=conflict.end)
        claimed &= Q(claimed_on__lte=conflict.end)
    return where & (event | claimed)


def conflicts_claims_q(conflicts: Iterable[Conflict]) -> Q:
    """Claims of any of these conflicts."""
    q = Q(pk__in=[])
    for conflict in conflicts:
        q |= conflict_claims_q(conflict)
    return q


# -- claim counts of a page of places, actors or sources -----------------------------------------


@dataclass(frozen=True)
class TreeCount:
    """Claims of one node of a tree: its own (``own``), and its own with those of every node below
    it (``subtree``: the number ``/claims/?location=`` or ``?claimant=`` lists for it)."""

    own: int = 0
    subtree: int = 0


def _scoped_claims(conflicts: Sequence[Conflict]) -> QuerySet[Claim]:
    claims = Claim.objects.all()
    return claims.filter(conflicts_claims_q(conflicts)) if conflicts else claims


def _scope_key(conflicts: Sequence[Conflict]) -> tuple:
    """What the scope's filter reads from the objects (their places and parties it reads from the
    tables, whose every change moves the data version)."""
    return tuple(sorted((c.pk, str(c.start), str(c.end)) for c in conflicts))


def _topmost(nodes: Sequence[TreeNode]) -> list[TreeNode]:
    """The nodes not below another of them: their subtrees hold all the others'."""
    paths = sorted({node.path for node in nodes})
    kept: list[str] = []
    for path in paths:  # sorted, a path comes right after the paths above it
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    by_path = {node.path: node for node in nodes}
    return [by_path[path] for path in kept]


def _tree_counts(nodes: Sequence[TreeNode], field: str, conflicts: Sequence[Conflict]) -> dict[int, TreeCount]:
    """One statement for the page: the claims of each node in the subtrees of ``nodes``, rolled up
    along the paths in Python (each node of those subtrees is read once, however many of the page's
    rows lie above it).

    Of every claim: a correlated ``count(*)`` per node, which PostgreSQL answers from the index on
    ``field`` alone. Of some conflicts' claims, whose rows must be read to test the scope: one scan
    of the subtrees' claims grouped by node (a count per node would visit them in index order, and
    its estimated cost would have PostgreSQL compile the statement with JIT first, for seconds)."""
    wanted = {node.pk for node in nodes}
    model = type(nodes[0])
    subtree = model._default_manager.filter(subtree_q(_topmost(nodes)))
    claims = _scoped_claims(conflicts).order_by()
    rows: Iterable[tuple[str, int | None]]
    if conflicts:
        rows = (
            claims.filter(**{f"{field}__in": subtree.values("pk")})
            .values_list(f"{field}__path")
            .annotate(n=Count("*"))
            .values_list(f"{field}__path", "n")
        )
    else:
        per_node = claims.filter(**{field: OuterRef("pk")}).values(field).annotate(n=Count("*")).values("n")
        rows = subtree.order_by().annotate(n=Subquery(per_node, output_field=IntegerField())).values_list("path", "n")
    own: dict[int, int] = {}
    total: dict[int, int] = {}
    for path, n in rows:
        if not n:
            continue
        ids = [int(part) for part in path.strip("/").split("/") if part]
        if ids and ids[-1] in wanted:
            own[ids[-1]] = own.get(ids[-1], 0) + n
        for pk in ids:
            if pk in wanted:
                total[pk] = total.get(pk, 0) + n
    return {pk: TreeCount(own.get(pk, 0), total.get(pk, 0)) for pk in wanted}


def location_claim_counts(locations: Iterable[Location], conflicts: Sequence[Conflict] = ()) -> dict[int, TreeCount]:
    """For each place (a page of them): claims about it, and about it and every place below it; of
    the conflicts' claims only when ``conflicts`` are given. Cached under the data version."""
    locations = list(locations)
    if not locations:
        return {}
    key = (sorted(node.pk for node in locations), _scope_key(conflicts))
    return cached_for_version("location-claim-counts", key, lambda: _tree_counts(locations, "location", conflicts))


def actor_claim_counts(actors: Iterable[Actor], conflicts: Sequence[Conflict] = ()) -> dict[int, TreeCount]:
    """For each actor (a page of them): claims made by it, and by it and every actor below it in its
    bloc's tree; of the conflicts' claims only when ``conflicts`` are given. Cached under the data
    version."""
    actors = list(actors)
    if not actors:
        return {}
    key = (sorted(node.pk for node in actors), _scope_key(conflicts))
    return cached_for_version("actor-claim-counts", key, lambda: _tree_counts(actors, "claimant", conflicts))


def source_claim_counts(sources: Iterable[Any], conflicts: Sequence[Conflict] = ()) -> dict[int, int]:
    """For each source (a page of them): the claims cited from its reports, each claim once (the
    number ``/claims/?source=`` lists); of the conflicts' claims only when ``conflicts`` are given.
    One grouped statement for the page, cached under the data version."""
    ids = sorted({source.pk for source in sources})
    if not ids:
        return {}

    def compute() -> dict[int, int]:
        citations = Citation.objects.filter(report__source_id__any_of=ids)
        if conflicts:
            citations = citations.filter(claim_id__in=_scoped_claims(conflicts).values("pk"))
        rows = (
            citations.order_by()
            .values_list("report__source_id")
            .annotate(n=Count("claim_id", distinct=True))
            .values_list("report__source_id", "n")
        )
        found = dict(rows)
        return {pk: found.get(pk, 0) for pk in ids}

    return cached_for_version("source-claim-counts", (ids, _scope_key(conflicts)), compute)
