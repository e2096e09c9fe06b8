"""Create, update and delete claims with their citations; flags are right when each returns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims import causes
from claims.models import Citation, Claim, Relation, Tombstone
from claims.selectors import affected_ids
from claims.services.recompute import _settle, claims_recompute
from claims.services.validation import (
    CLAIM_EDITABLE,
    QUOTE_FIELDS,
    CitationInput,
    _clean_citations,
    claim_validate,
)
from core.services import ReferencedError, apply_fields, delete_or_refuse


def _write_citations(claim: Claim, citations: Sequence[CitationInput]) -> None:
    for item in citations:
        Citation.objects.create(claim=claim, report=item.report, **item.quote_values())  # cleaned by _clean_citations


def _report_id(item: CitationInput) -> Any:
    return getattr(item.report, "pk", item.report)


def _sync_citations(claim: Claim, citations: Sequence[CitationInput]) -> bool:
    """Make the claim's citations these, touching only what differs: a citation given by ``id`` (or,
    without one, the first left with the same report, the same quote preferred) keeps its row and is
    updated in place when its report or a quote field changed; the rest are created or deleted. An unchanged
    citation is not written at all (no new id, no history entry). Returns whether anything was written."""
    existing = {c.pk: c for c in claim.citations.order_by("id")}
    kept: dict[int, CitationInput] = {}
    pending = []
    for item in citations:
        if item.id is not None and item.id in existing and item.id not in kept:
            kept[item.id] = item
        else:
            pending.append(item)
    unmatched = []
    for item in pending:
        free = [c for c in existing.values() if c.pk not in kept and c.report_id == _report_id(item)]
        same = next((c for c in free if c.quote == item.quote), None) or (free[0] if free else None)
        if same is None:
            unmatched.append(item)
        else:
            kept[same.pk] = item
    written = False
    gone = [pk for pk in existing if pk not in kept]
    if gone:
        for citation in Citation.objects.filter(pk__in=gone):
            citation.delete()  # one by one: each removal is a history entry
        written = True
    for pk, item in kept.items():
        citation = existing[pk]
        wanted = item.quote_values()
        if citation.report_id != _report_id(item) or any(getattr(citation, k) != v for k, v in wanted.items()):
            citation.report = item.report
            for name, value in wanted.items():
                setattr(citation, name, value)
            citation.save(update_fields=["report", *QUOTE_FIELDS])
            written = True
    if unmatched:
        _write_citations(claim, unmatched)
        written = True
    return written


@transaction.atomic
def claim_create(*, citations: Iterable[CitationInput | dict[str, Any]] | None = None, **fields: Any) -> Claim:
    """Create a claim with its citations; its flags (and its neighbours') are right on return."""
    claim = Claim()
    cited = _clean_citations(citations) or []
    apply_fields(claim, fields, CLAIM_EDITABLE)
    claim_validate(claim, cited)
    claim.save()
    _write_citations(claim, cited)
    text = f"Claim #{claim.pk} made by {claim_label(claim)} on {claim.claimed_on.isoformat()}"
    with causes.recording(causes.Cause(causes.CLAIM_CREATED, claim.pk, text, on=claim.claimed_on, created=claim.pk)):
        _settle({claim.pk})
    claim.refresh_from_db()
    return claim


def claim_label(claim: Claim) -> str:
    """ "National Resistance Front (Fahim Dashti)": the claimant, and who spoke for it."""
    name = claim.claimant.name
    spokesperson = claim.spokesperson.name if claim.spokesperson_id and claim.spokesperson else ""
    return f"{name} ({spokesperson})" if spokesperson and spokesperson != name else name


VERDICT_FIELDS = ("verdict", "verdict_rationale", "verdict_on")


def _edit_cause(claim: Claim, changed: set[str]) -> causes.Cause:
    """A verdict edit (only verdict fields changed) or an edit of the claim."""
    if changed and changed <= set(VERDICT_FIELDS):
        word = claim.get_verdict_display().lower() if claim.verdict else "none"
        when = f" on {claim.verdict_on.isoformat()}" if claim.verdict_on else ""
        return causes.Cause(
            causes.VERDICT, claim.pk, f"Verdict on claim #{claim.pk}: {word}{when}", on=claim.verdict_on
        )
    return causes.Cause(causes.CLAIM_UPDATED, claim.pk, f"Claim #{claim.pk} edited")


@transaction.atomic
def claim_update(
    *, claim: Claim, citations: Iterable[CitationInput | dict[str, Any]] | None = None, **fields: Any
) -> Claim:
    """Update a claim; ``citations``, when given, becomes its citation set (``_sync_citations``: rows
    that stay the same are not touched). A claim none of whose own fields changed is not saved (no
    history entry); when only its citations changed, its ``updated_at`` still moves."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    before = set(Relation.objects.filter(Q(claim=claim) | Q(target=claim)).values_list("claim_id", "target_id"))
    stored = {name: claim.serializable_value(name) for name in CLAIM_EDITABLE}
    cited = _clean_citations(citations)
    changed = apply_fields(claim, fields, CLAIM_EDITABLE)
    claim_validate(claim, cited, changed)
    if cited is None and not claim.citations.exists():
        raise ValidationError({"citations": "A claim needs at least one citation: the report where it was made."})
    own = {name for name, value in stored.items() if claim.serializable_value(name) != value}
    own_changed = bool(own)
    if own_changed:
        claim.save()
    if cited is not None and _sync_citations(claim, cited):
        own.add("citations")
        if not own_changed:
            Claim.objects.filter(pk=claim.pk).update(updated_at=timezone.now())
    with causes.recording(_edit_cause(claim, own)):
        _settle({claim.pk}, extra={end for pair in before for end in pair})
    claim.refresh_from_db()
    return claim


def claim_set_verdict(*, claim: Claim, verdict: str, rationale: str = "", verdict_on: date | None = None) -> Claim:
    return claim_update(claim=claim, verdict=verdict, verdict_rationale=rationale, verdict_on=verdict_on)


@transaction.atomic
def claim_delete(*, claim: Claim) -> None:
    """Delete a claim and the relations it makes. Refused while another claim's editor relation
    targets it (delete or change that relation first)."""
    answering = list(Relation.objects.filter(target=claim, origin=Relation.Origin.EDITOR).select_related("claim"))
    if answering:
        raise ReferencedError(claim, answering)
    neighbours = affected_ids({claim.pk}) - {claim.pk}
    Relation.objects.filter(target=claim, origin=Relation.Origin.AUTO).delete()
    claim_id, external_id = claim.pk, claim.external_id or ""
    text = f"Claim #{claim_id} by {claim_label(claim)} of {claim.claimed_on.isoformat()} deleted"
    delete_or_refuse(claim)
    Tombstone.objects.create(claim_id=claim_id, external_id=external_id, deleted_at=timezone.now())
    with causes.recording(causes.Cause(causes.CLAIM_DELETED, claim_id, text)):
        claims_recompute(affected_ids(neighbours) if neighbours else set())
