"""Create, update and delete claims with their citations; flags are right when each returns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import Citation, Claim, Relation, Tombstone
from claims.selectors import affected_ids
from claims.services.recompute import _settle, claims_recompute
from claims.services.validation import CLAIM_EDITABLE, CitationInput, _clean_citations, claim_validate
from core.services import ReferencedError, apply_fields, delete_or_refuse


def _write_citations(claim: Claim, citations: Sequence[CitationInput]) -> None:
    for item in citations:
        Citation.objects.create(claim=claim, report=item.report, quote=item.quote)  # cleaned by _clean_citations


@transaction.atomic
def claim_create(*, citations: Iterable[CitationInput | dict[str, Any]] | None = None, **fields: Any) -> Claim:
    """Create a claim with its citations; its flags (and its neighbours') are right on return."""
    claim = Claim()
    cited = _clean_citations(citations) or []
    apply_fields(claim, fields, CLAIM_EDITABLE)
    claim_validate(claim, cited)
    claim.save()
    _write_citations(claim, cited)
    _settle({claim.pk})
    claim.refresh_from_db()
    return claim


@transaction.atomic
def claim_update(
    *, claim: Claim, citations: Iterable[CitationInput | dict[str, Any]] | None = None, **fields: Any
) -> Claim:
    """Update a claim; ``citations``, when given, replaces its citation set."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    before = set(Relation.objects.filter(Q(claim=claim) | Q(target=claim)).values_list("claim_id", "target_id"))
    cited = _clean_citations(citations)
    changed = apply_fields(claim, fields, CLAIM_EDITABLE)
    claim_validate(claim, cited, changed)
    if cited is None and not claim.citations.exists():
        raise ValidationError({"citations": "A claim needs at least one citation: the report where it was made."})
    claim.save()
    if cited is not None:
        claim.citations.all().delete()
        _write_citations(claim, cited)
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
    delete_or_refuse(claim)
    Tombstone.objects.create(claim_id=claim_id, external_id=external_id, deleted_at=timezone.now())
    claims_recompute(affected_ids(neighbours) if neighbours else set())
