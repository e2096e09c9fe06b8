"""Create, update and delete editors' relations between claims (automatic ones are refused)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from claims import causes
from claims.models import Claim, Relation
from claims.services.claims import claim_label
from claims.services.recompute import _settle
from claims.services.validation import _refuse_auto, relation_validate
from core.services import apply_fields


@transaction.atomic
def relation_create(*, claim: Claim, target: Claim, stance: str, note: str = "") -> Relation:
    """An editor's relation. One with the same claim, target and stance as an automatic one replaces it."""
    relation = Relation(claim=claim, target=target, stance=stance, note=note or "")  # cleaned by relation_validate
    same = relation_validate(relation)
    automatic = next((other for other in same if other.origin == Relation.Origin.AUTO), None)
    if automatic is not None:
        automatic.origin = Relation.Origin.EDITOR
        automatic.note = relation.note
        automatic.claim, automatic.target = claim, target  # the same rows, as the caller read them
        automatic.save()
        relation = automatic
    else:
        relation.save()
    with causes.recording(_relation_cause(causes.RELATION_CREATED, relation, claim)):
        _settle({claim.pk, target.pk}, among_only=True)
    return relation


NOUNS = {
    Relation.Stance.DENIES: "Denial",
    Relation.Stance.CONTRADICTS: "Contradiction",
    Relation.Stance.SUPPORTS: "Support",
    Relation.Stance.RETRACTS: "Retraction",
    Relation.Stance.SUPERSEDES: "Supersession",
}
DONE = {causes.RELATION_CREATED: "", causes.RELATION_UPDATED: " (changed)", causes.RELATION_DELETED: " removed"}


def _relation_cause(kind: str, relation: Relation, claim: Claim) -> causes.Cause:
    """ "Denial by National Resistance Front (Fahim Dashti) on 2021-09-03: claim #3 denies claim #2",
    effective the day the responding claim was made."""
    noun = NOUNS.get(relation.stance, relation.stance)  # type: ignore[call-overload]
    text = (
        f"{noun} by {claim_label(claim)} on {claim.claimed_on.isoformat()}{DONE[kind]}: "
        f"claim #{relation.claim_id} {relation.stance} claim #{relation.target_id}"
    )
    return causes.Cause(kind, relation.pk, text, on=claim.claimed_on if kind == causes.RELATION_CREATED else None)


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
    with causes.recording(_relation_cause(causes.RELATION_UPDATED, relation, relation.claim)):
        _settle(before | {relation.claim_id, relation.target_id}, among_only=True)
    return relation


@transaction.atomic
def relation_delete(*, relation: Relation) -> None:
    _refuse_auto(relation)
    ends = {relation.claim_id, relation.target_id}
    cause = _relation_cause(causes.RELATION_DELETED, relation, relation.claim)
    relation.delete()
    with causes.recording(cause):
        _settle(ends, among_only=True)
