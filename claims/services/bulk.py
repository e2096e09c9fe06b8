"""Creating many claims at once (dataset imports at scale): each claim built and checked as
``claim_create`` checks it, but without a query per claim; then the whole set written at once
(COPY on PostgreSQL, ``core.bulk``), with the creation history ``claim_create`` records, and the
automatic relations and flags settled once for the set.

The end state is the one ``claim_create`` called for each claim in turn leaves: the same claims and
citations, the same history rows (one ``+`` per claim and per citation, taken before the flags are
settled), the same automatic relations, flags, status and reasons. Search vectors and the data
version follow by their triggers, which COPY fires as an INSERT does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from actors.models import Actor
from claims import causes, flags
from claims.events import FlagChange
from claims.models import Citation, Claim
from claims.selectors import affected_ids
from claims.services.recompute import _settle, auto_relations_refresh, claims_recompute, record_flag_changes
from claims.services.validation import CLAIM_EDITABLE, CitationInput, _clean_citations, claim_validate
from core.bulk import insert_history, insert_rows, reserve_ids
from core.services import apply_fields
from sources.models import Report

NewClaim = tuple[Claim, list[CitationInput]]


def claim_prepare(*, citations: Iterable[CitationInput | dict[str, Any]] | None = None, **fields: Any) -> NewClaim:
    """A claim built and validated as ``claim_create`` would (``ValidationError`` naming the field),
    not written; no query (see ``claim_validate(set_wise=True)``)."""
    claim = Claim()
    cited = _clean_citations(citations) or []
    apply_fields(claim, fields, CLAIM_EDITABLE)
    claim_validate(claim, cited, set_wise=True)
    return claim, cited


@transaction.atomic
def claims_create_bulk(prepared: Sequence[NewClaim]) -> set[int]:
    """Write claims made by ``claim_prepare`` with their citations, all at once; then refresh the
    automatic relations and recompute the flags of every claim they affect, once. Returns the new
    claims' ids. An ``external_id`` already taken (one query for the set) refuses the whole set."""
    if not prepared:
        return set()
    claims = [claim for claim, _ in prepared]
    keys: list[str] = [claim.external_id for claim in claims if claim.external_id]
    taken: set[str] = (
        {str(k) for k in Claim.objects.filter(external_id__in=keys).values_list("external_id", flat=True)}
        if keys
        else set()
    )
    if taken or len(set(keys)) != len(keys):
        twice = sorted(taken or {k for k in keys if keys.count(k) > 1})
        raise ValidationError({"external_id": f"Already taken or given twice: {', '.join(twice[:5])}."})
    # On PostgreSQL the citations go in first, under ids reserved for their claims (the foreign key is
    # checked at commit): the search-vector triggers then write each claim's vector once, when the
    # claim goes in with its citations already there, instead of once without them and again with them.
    citations_first = connection.vendor == "postgresql"
    if citations_first:
        reserve_ids(Claim, claims)
    else:
        insert_rows(Claim, claims)
    citations = [
        Citation(claim=claim, report=item.report, **item.quote_values()) for claim, cited in prepared for item in cited
    ]
    insert_rows(Citation, citations)
    unsettled = None
    if citations_first:
        unsettled = _flags_alone(prepared)
        _set_flags(claims, unsettled, new=True)
        insert_rows(Claim, claims)
        _set_flags(claims, unsettled, new=False)  # the history as ``claim_create`` saves: flags not settled
    insert_history(Claim, claims)
    if unsettled:
        _set_flags(claims, unsettled, new=True)
    insert_history(Citation, citations)
    ids = {claim.pk for claim in claims}
    # The flag history records the new claims' first states as made by the import (an outer cause,
    # the import job's, wins), each taking effect the day its claim was made.
    made = causes.Cause(
        causes.IMPORT, None, f"Import of {len(claims)} claims", created_on={c.pk: c.claimed_on for c in claims}
    )
    with causes.recording(made):
        if not unsettled:
            _settle(ids)
            return ids
        # A new claim has no relation but the automatic ones its batch gives it: those the refresh added
        # (and their claims' neighbours) are recomputed; the rest keep the flags they went in with.
        changed = claims_recompute(affected_ids(auto_relations_refresh(ids)))
        # Their first state is recorded (and announced) here, as the recompute records the others'.
        quiet = {pk: change for pk, change in unsettled.items() if pk not in changed}
        if quiet:
            record_flag_changes(quiet)
    return ids


def _flags_alone(prepared: Sequence[NewClaim]) -> dict[int, FlagChange]:
    """Give the new claims (ids reserved, not yet written) the flags their own facts give them, with
    no relation (claimant, spokesperson, verdict, their sources' reliability: ``flags.evaluate``
    as the full recompute evaluates an unrelated claim). Written with these, most of an import's
    claims, which no relation touches, are not written a second time when the batch is settled:
    the recompute's UPDATE rewrites only what it changes. Returns each claim's change from the
    state a new claim has before its flags are settled."""
    claims = [claim for claim, _ in prepared]
    actor_ids = {claim.claimant_id for claim in claims} | {c.spokesperson_id for c in claims if c.spokesperson_id}
    actors = {
        pk: (bloc_id, name)
        for pk, bloc_id, name in Actor.objects.filter(pk__in=actor_ids).values_list("pk", "bloc_id", "name")
    }
    report_ids = {item.report.pk for _, cited in prepared for item in cited}
    reliability = dict(Report.objects.filter(pk__in=report_ids).values_list("pk", "source__reliability"))
    facts = {}
    for claim, cited in prepared:
        bloc_id, claimant_name = actors[claim.claimant_id]
        facts[claim.pk] = flags.ClaimFacts(
            id=claim.pk,
            claimant_id=claim.claimant_id,
            bloc_id=bloc_id or claim.claimant_id,
            claimed_on=claim.claimed_on,
            claimant_name=claimant_name or "",
            spokesperson_name=actors[claim.spokesperson_id][1] or "" if claim.spokesperson_id else "",
            verdict=claim.verdict or "",
            verdict_on=claim.verdict_on,
            reliability=flags.best_reliability(reliability.get(item.report.pk) for item in cited),
        )
    results = flags.evaluate(list(facts), facts, [])
    return {
        claim.pk: FlagChange(
            claim.status,
            results[claim.pk].status,
            (claim.contested, claim.corroborated, claim.unverified),
            (results[claim.pk].contested, results[claim.pk].corroborated, results[claim.pk].unverified),
            claim.grade,
            results[claim.pk].grade,
            claim.reasons,
            results[claim.pk].reasons_as_dicts(),
        )
        for claim in claims
    }


def _set_flags(claims: Sequence[Claim], changes: dict[int, FlagChange], *, new: bool) -> None:
    """Put each claim's new (or old) state of ``changes`` on it."""
    for claim in claims:
        change = changes[claim.pk]
        if new:
            claim.status, claim.grade, claim.reasons = change.new_status, change.new_grade, change.new_reasons
            claim.contested, claim.corroborated, claim.unverified = change.new_flags
        else:
            claim.status, claim.grade, claim.reasons = change.old_status, change.old_grade, change.old_reasons
            claim.contested, claim.corroborated, claim.unverified = change.old_flags
