"""Create, update and delete editors' relations between claims (automatic ones are refused)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from claims.models import Claim, Relation
from claims.services.recompute import _settle
from claims.services.validation import _refuse_auto, relation_validate
from core.services import apply_fields


@transaction.atomic
def relation_create(*, claim: Claim, target: Claim, stance: str, note: str = "") -> Relation:
    """An editor's relation. One with the same claim, target and stance as an automatic one replaces it."""
    relation = Relation(claim=claim, target=target, stance=stance, note=note or "")  # cleaned by relation_validate
    relation_validate(relation)
    automatic = Relation.objects.filter(claim=claim, target=target, stance=stance, origin=Relation.Origin.AUTO).first()
    if automatic is not None:
        automatic.origin = Relation.Origin.EDITOR
        automatic.note = relation.note
        automatic.save()
        relation = automatic
    else:
        relation.save()
    _settle({claim.pk, target.pk})
    return relation


@transaction.atomic
def relation_update(*, relation: Relation, **fields: Any) -> Relation:
    relation = Relation.objects.select_for_update().get(pk=relation.pk)
    _refuse_auto(relation)
    before = {relation.claim_id, relation.target_id}
    changed = apply_fields(relation, fields, ("claim", "target", "stance", "note"))
    relation_validate(relation, changed)
    # Moved onto an automatic relation's (claim, target, stance): the editor's replaces it.
    Relation.objects.filter(
        claim_id=relation.claim_id, target_id=relation.target_id, stance=relation.stance, origin=Relation.Origin.AUTO
    ).exclude(pk=relation.pk).delete()
    relation.save()
    _settle(before | {relation.claim_id, relation.target_id})
    return relation


@transaction.atomic
def relation_delete(*, relation: Relation) -> None:
    _refuse_auto(relation)
    ends = {relation.claim_id, relation.target_id}
    relation.delete()
    _settle(ends)
