"""The claims services on PostgreSQL: flags are right the moment each write returns."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from actors.services import actor_update
from claims.models import Claim, Relation, Tombstone
from claims.selectors import flags_as_of
from claims.services import (
    claim_create,
    claim_delete,
    claim_set_verdict,
    claim_update,
    relation_create,
    relation_delete,
    relation_update,
)
from claims.services.recompute import auto_relations_refresh
from core.services import ReferencedError

pytestmark = pytest.mark.django_db


def fresh(claim: Claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


def state(claim: Claim) -> tuple[str, bool, bool, bool]:
    claim = fresh(claim)
    return claim.status, claim.contested, claim.corroborated, claim.unverified


def reason_codes(claim: Claim) -> list[str]:
    return [reason["code"] for reason in fresh(claim).reasons]


def autos() -> set[tuple[int, int, str]]:
    return set(Relation.objects.filter(origin="auto").values_list("claim_id", "target_id", "stance"))


UNVERIFIED = ("unverified", False, False, True)
CONTESTED = ("contested", True, False, True)
CORROBORATED = ("corroborated", False, True, False)


# --- claims ---------------------------------------------------------------------------------------


def test_new_claim_is_unverified_and_says_why(world, make_claim):
    claim = make_claim(world.taliban, spokesperson=world.mujahid)
    assert state(claim) == UNVERIFIED
    assert fresh(claim).reasons == [
        {
            "code": "no_independent_support",
            "claim": None,
            "actor": world.taliban.pk,
            "on": None,
            "text": "No claim by an actor independent of Taliban supports it",
        }
    ]


def test_claim_create_returns_the_claim_with_its_flags_and_citations(world, make_claim):
    claim = claim_create(
        claimant=world.taliban,
        claimed_on=date(2021, 9, 2),
        kind="statement",
        summary="  Fighters entered the valley.  ",
        citations=[{"report": world.report, "quote": " entered "}],
    )
    assert claim.status == "unverified" and claim.reasons
    assert claim.summary == "Fighters entered the valley."
    assert list(claim.citations.values_list("report_id", "quote")) == [(world.report.pk, "entered")]


def test_denial_from_another_bloc_contests_the_claim(world, make_claim):
    capture = make_claim(world.taliban, spokesperson=world.mujahid)
    denial = make_claim(world.nrf, day=3, spokesperson=world.dashti)
    relation_create(claim=denial, target=capture, stance="denies")
    assert state(capture) == CONTESTED
    assert fresh(capture).reasons[0] == {
        "code": "denied_by",
        "claim": denial.pk,
        "actor": world.nrf.pk,
        "on": "2021-09-03",
        "text": "Denied by National Resistance Front (Fahim Dashti) on 2021-09-03",
    }
    assert state(denial) == UNVERIFIED


def test_deleting_the_denial_relation_uncontests_the_claim(world, make_claim):
    capture = make_claim(world.taliban)
    relation = relation_create(claim=make_claim(world.nrf, day=3), target=capture, stance="denies")
    relation_delete(relation=relation)
    assert state(capture) == UNVERIFIED
    assert reason_codes(capture) == ["no_independent_support"]


def test_changing_a_relation_from_denies_to_supports_corroborates(world, make_claim):
    claim = make_claim(world.taliban)
    relation = relation_create(claim=make_claim(world.reuters, day=3), target=claim, stance="denies")
    relation_update(relation=relation, stance="supports")
    assert state(claim) == CORROBORATED


def test_retargeting_a_relation_recomputes_both_targets(world, make_claim):
    first, second = make_claim(world.taliban), make_claim(world.taliban)
    relation = relation_create(claim=make_claim(world.nrf, day=3), target=first, stance="denies")
    relation_update(relation=relation, target=second)
    assert state(first) == UNVERIFIED
    assert state(second) == CONTESTED


def test_contradiction_contests_both_claims(world, make_claim):
    capture = make_claim(world.taliban)
    passes = make_claim(world.nrf, day=3)
    relation_create(claim=passes, target=capture, stance="contradicts")
    assert state(capture) == CONTESTED
    assert state(passes) == CONTESTED
    assert fresh(passes).reasons[0]["claim"] == capture.pk


def test_support_from_another_bloc_corroborates(world, make_claim):
    claim = make_claim(world.taliban)
    relation_create(claim=make_claim(world.reuters, day=3), target=claim, stance="supports")
    assert state(claim) == CORROBORATED
    assert reason_codes(claim) == ["supported_by"]


def test_support_from_same_bloc_is_an_echo(world, make_claim):
    passes = make_claim(world.nrf)
    relation_create(claim=make_claim(world.republic, day=3), target=passes, stance="supports")
    assert state(passes) == UNVERIFIED


def test_changing_the_claimant_into_the_targets_bloc_makes_a_denial_an_echo(world, make_claim):
    capture = make_claim(world.taliban)
    denial = make_claim(world.nrf, day=3)
    relation_create(claim=denial, target=capture, stance="denies")
    claim_update(claim=denial, claimant=world.mujahid)
    assert state(capture) == UNVERIFIED


def test_verdict_confirmed_then_cleared(world, make_claim):
    claim = make_claim(world.taliban)
    claim_set_verdict(claim=claim, verdict="confirmed", rationale="Satellite imagery.", verdict_on=date(2021, 9, 9))
    assert state(claim) == ("confirmed", False, False, False)
    assert reason_codes(claim) == ["verdict"]
    claim_set_verdict(claim=claim, verdict="")
    assert state(claim) == UNVERIFIED


@pytest.mark.parametrize("verdict", ["likely", "unproven", "unlikely"])
def test_other_verdicts_change_no_flag(world, make_claim, verdict):
    claim = make_claim(world.taliban)
    relation_create(claim=make_claim(world.nrf, day=3), target=claim, stance="denies")
    claim_set_verdict(claim=claim, verdict=verdict)
    assert state(claim) == CONTESTED
    assert fresh(claim).verdict == verdict


def test_verdict_false_on_the_denial_uncontests_the_claim_it_denies(world, make_claim):
    capture = make_claim(world.taliban)
    denial = make_claim(world.nrf, day=3)
    relation_create(claim=denial, target=capture, stance="denies")
    claim_set_verdict(claim=denial, verdict="false")
    assert state(denial)[0] == "refuted"
    assert state(capture) == UNVERIFIED


def test_retracting_a_denial_uncontests_the_claim_it_denied(world, make_claim):
    capture = make_claim(world.taliban)
    denial = make_claim(world.nrf, day=3)
    relation_create(claim=denial, target=capture, stance="denies")
    retraction = make_claim(world.dashti, day=5)
    relation_create(claim=retraction, target=denial, stance="retracts")
    assert state(denial)[0] == "retracted"
    assert state(capture) == UNVERIFIED


def test_superseding_a_claim_by_its_own_bloc(world, make_claim):
    first = make_claim(world.taliban, kind="casualties", subject=world.nrf, count_min=10, count_max=10)
    revised = make_claim(world.mujahid, day=4, kind="casualties", subject=world.nrf, count_min=20, count_max=20)
    relation_create(claim=revised, target=first, stance="supersedes")
    assert state(first)[0] == "superseded"
    assert reason_codes(first)[0] == "superseded_by"


def test_deleting_a_denying_claim_uncontests_and_leaves_a_tombstone(world, make_claim):
    capture = make_claim(world.taliban)
    denial = make_claim(world.nrf, day=3)
    relation_create(claim=denial, target=capture, stance="denies")
    denial_id = denial.pk
    claim_delete(claim=denial)
    assert not Claim.objects.filter(pk=denial_id).exists()
    assert not Relation.objects.filter(claim_id=denial_id).exists()
    assert Tombstone.objects.filter(claim_id=denial_id).count() == 1
    assert state(capture) == UNVERIFIED


def test_deleting_a_claim_targeted_by_an_editor_relation_is_refused_and_changes_nothing(world, make_claim):
    capture = make_claim(world.taliban)
    denial = make_claim(world.nrf, day=3)
    relation_create(claim=denial, target=capture, stance="denies")
    with pytest.raises(ReferencedError) as refused:
        claim_delete(claim=capture)
    assert f"#{denial.pk}" in str(refused.value)
    assert Claim.objects.filter(pk=capture.pk).exists()
    assert fresh(capture).citations.count() == 1
    assert Relation.objects.filter(claim=denial, target=capture).exists()
    assert not Tombstone.objects.exists()
    assert state(capture) == CONTESTED


# --- bloc moves -----------------------------------------------------------------------------------


def test_bloc_move_turns_a_support_into_an_echo_and_back(world, make_claim):
    passes = make_claim(world.nrf, kind="statement")
    flags_claim = make_claim(world.reuters, day=3)
    relation_create(claim=flags_claim, target=passes, stance="supports")
    assert state(passes) == CORROBORATED

    actor_update(actor=world.reuters, parent=world.resistance)
    assert state(passes) == UNVERIFIED

    actor_update(actor=world.reuters, parent=None)
    assert state(passes) == CORROBORATED


def test_moving_a_parent_moves_the_claims_of_its_members(world, make_claim):
    passes = make_claim(world.nrf)
    relation_create(claim=make_claim(world.dashti, day=3), target=passes, stance="supports")
    assert state(passes) == UNVERIFIED  # an echo: Dashti speaks for the NRF
    actor_update(actor=world.nrf, parent=world.taliban)  # NRF and Dashti move together
    assert state(passes) == UNVERIFIED
    actor_update(actor=world.dashti, parent=world.reuters)
    assert state(passes) == CORROBORATED


def test_renaming_an_actor_rewrites_the_reasons_that_name_it(world, make_claim):
    capture = make_claim(world.taliban)
    relation_create(claim=make_claim(world.nrf, day=3), target=capture, stance="denies")
    actor_update(actor=world.nrf, name="National Resistance Front of Afghanistan")
    assert fresh(capture).reasons[0]["text"] == "Denied by National Resistance Front of Afghanistan on 2021-09-03"


def test_renaming_a_claimant_rewrites_its_own_no_support_reason(world, make_claim):
    claim = make_claim(world.taliban)
    actor_update(actor=world.taliban, name="Islamic Emirate")
    assert fresh(claim).reasons[0]["text"] == "No claim by an actor independent of Islamic Emirate supports it"


def test_flags_as_of_accepts_any_iterable_of_ids(world, make_claim):
    capture = make_claim(world.taliban)
    relation_create(claim=make_claim(world.nrf, day=3), target=capture, stance="denies")
    as_of = flags_as_of(iter([capture.pk]), date(2021, 9, 3))
    assert as_of[capture.pk].contested


# --- automatic relations --------------------------------------------------------------------------


def control(make_claim, claimant, subject, place, day=2, **fields):
    fields.setdefault("event_start", date(2021, 9, 2))
    return make_claim(claimant, day=day, kind="control", subject=subject, location=place, **fields)


def test_control_claims_of_different_blocs_contradict_automatically(world, make_claim):
    taliban_hold = control(make_claim, world.taliban, world.taliban, world.shattal)
    nrf_hold = control(make_claim, world.nrf, world.nrf, world.shattal, day=3)
    assert autos() == {(nrf_hold.pk, taliban_hold.pk, "contradicts")}
    assert state(taliban_hold) == CONTESTED
    assert state(nrf_hold) == CONTESTED


def test_control_claims_of_one_side_support_each_other_automatically(world, make_claim):
    nrf_hold = control(make_claim, world.nrf, world.nrf, world.shattal)
    wire = control(make_claim, world.reuters, world.republic, world.shattal, day=3)
    assert autos() == {(nrf_hold.pk, wire.pk, "supports"), (wire.pk, nrf_hold.pk, "supports")}
    assert state(nrf_hold) == CORROBORATED
    assert state(wire) == CORROBORATED


def test_automatic_relation_disappears_when_windows_no_longer_overlap_and_returns(world, make_claim):
    a = control(make_claim, world.taliban, world.taliban, world.shattal)
    b = control(make_claim, world.nrf, world.nrf, world.shattal, day=3)
    claim_update(claim=b, event_start=date(2021, 9, 3))
    assert autos() == set()
    assert state(a) == UNVERIFIED and state(b) == UNVERIFIED
    claim_update(claim=b, event_start=date(2021, 9, 1), event_end=date(2021, 9, 2))
    assert autos() == {(b.pk, a.pk, "contradicts")}
    assert state(a) == CONTESTED


def test_automatic_relation_disappears_when_the_kind_or_place_changes(world, make_claim):
    a = control(make_claim, world.taliban, world.taliban, world.shattal)
    b = control(make_claim, world.nrf, world.nrf, world.shattal, day=3)
    claim_update(claim=b, location=world.panjshir)
    assert autos() == set()
    claim_update(claim=b, location=world.shattal)
    assert autos() == {(b.pk, a.pk, "contradicts")}
    claim_update(claim=a, kind="statement")
    assert autos() == set()
    assert state(b) == UNVERIFIED


def test_automatic_relation_follows_a_bloc_move_of_the_subject(world, make_claim):
    a = control(make_claim, world.nrf, world.nrf, world.shattal)
    b = control(make_claim, world.reuters, world.republic, world.shattal, day=3)
    assert {stance for *_, stance in autos()} == {"supports"}
    actor_update(actor=world.republic, parent=world.taliban)
    assert autos() == {(b.pk, a.pk, "contradicts")}
    assert state(a) == CONTESTED


def test_automatic_relation_disappears_when_a_bloc_move_puts_both_claimants_in_one_bloc(world, make_claim):
    a = control(make_claim, world.taliban, world.taliban, world.shattal)
    b = control(make_claim, world.reuters, world.nrf, world.shattal, day=3)
    assert autos() == {(b.pk, a.pk, "contradicts")}
    actor_update(actor=world.reuters, parent=world.taliban)
    assert autos() == set()
    assert state(a) == UNVERIFIED


def test_automatic_contradiction_turns_around_when_the_claim_dates_change(world, make_claim):
    a = control(make_claim, world.taliban, world.taliban, world.shattal, day=2)
    b = control(make_claim, world.nrf, world.nrf, world.shattal, day=3)
    claim_update(claim=a, claimed_on=date(2021, 9, 4))
    assert autos() == {(a.pk, b.pk, "contradicts")}
    assert fresh(b).reasons[0]["on"] == "2021-09-04"


def test_deleting_a_claim_removes_its_automatic_relations(world, make_claim):
    a = control(make_claim, world.taliban, world.taliban, world.shattal)
    b = control(make_claim, world.nrf, world.nrf, world.shattal, day=3)
    claim_delete(claim=a)  # targeted only by an automatic relation: allowed
    assert autos() == set()
    assert state(b) == UNVERIFIED


def test_casualties_with_disjoint_figures_contradict_automatically(world, make_claim):
    common = dict(kind="casualties", subject=world.taliban, location=world.panjshir, event_start=date(2021, 8, 30))
    wire = make_claim(world.reuters, day=1, count_min=8, **common)
    taliban = make_claim(world.taliban, day=3, count_min=0, count_max=2, **common)
    assert autos() == {(taliban.pk, wire.pk, "contradicts")}
    claim_update(claim=taliban, count_max=None)
    assert autos() == set()


def test_editor_relation_replaces_the_automatic_one_and_its_deletion_brings_it_back(world, make_claim):
    a = control(make_claim, world.taliban, world.taliban, world.shattal)
    b = control(make_claim, world.nrf, world.nrf, world.shattal, day=3)
    relation = relation_create(claim=b, target=a, stance="contradicts", note="Checked by an editor.")
    assert Relation.objects.filter(claim=b, target=a).count() == 1
    assert fresh_relation(relation).origin == "editor"
    assert autos() == set()
    relation_delete(relation=relation)
    assert autos() == {(b.pk, a.pk, "contradicts")}
    assert state(a) == CONTESTED


def test_a_relation_write_settles_its_own_pair_and_leaves_every_other_automatic_relation_right(world, make_claim):
    """A relation's write refreshes the automatic relations between its two claims only (rule 7 decides
    each pair from its two claims): what it leaves is what a refresh of every claim would make."""
    a = control(make_claim, world.taliban, world.taliban, world.shattal)
    b = control(make_claim, world.nrf, world.nrf, world.shattal, day=3)
    c = control(make_claim, world.taliban, world.taliban, world.shattal, day=5)
    every = [a.pk, b.pk, c.pk]
    before = autos()
    assert (b.pk, a.pk, "contradicts") in before and (c.pk, b.pk, "contradicts") in before
    relation = relation_create(claim=a, target=b, stance="contradicts")  # covers b → a, the other way
    assert autos() == before - {(b.pk, a.pk, "contradicts")}
    assert auto_relations_refresh(every) == set()  # a full refresh finds nothing to change
    relation_update(relation=relation, target=c, stance="denies")  # off the pair: b → a comes back
    assert autos() == before
    assert auto_relations_refresh(every) == set()
    relation_delete(relation=relation)
    assert autos() == before
    assert state(b) == CONTESTED


def test_editor_contradiction_the_other_way_suppresses_the_automatic_one(world, make_claim):
    a = control(make_claim, world.taliban, world.taliban, world.shattal)
    b = control(make_claim, world.nrf, world.nrf, world.shattal, day=3)
    relation = relation_create(claim=a, target=b, stance="contradicts")
    assert autos() == set()
    assert set(Relation.objects.values_list("claim_id", "target_id", "origin")) == {(a.pk, b.pk, "editor")}
    assert state(a) == CONTESTED and state(b) == CONTESTED
    relation_delete(relation=relation)
    assert autos() == {(b.pk, a.pk, "contradicts")}


def test_editing_a_relation_into_an_automatic_ones_place_replaces_it(world, make_claim):
    a = control(make_claim, world.taliban, world.taliban, world.shattal)
    b = control(make_claim, world.nrf, world.nrf, world.shattal, day=3)
    relation = relation_create(claim=b, target=a, stance="denies")
    relation_update(relation=relation, stance="contradicts")
    assert set(Relation.objects.values_list("claim_id", "target_id", "stance", "origin")) == {
        (b.pk, a.pk, "contradicts", "editor")
    }
    assert state(a) == CONTESTED


def test_automatic_relations_cannot_be_changed_or_deleted_by_hand(world, make_claim):
    control(make_claim, world.taliban, world.taliban, world.shattal)
    control(make_claim, world.nrf, world.nrf, world.shattal, day=3)
    automatic = Relation.objects.get(origin="auto")
    with pytest.raises(ValidationError) as refused:
        relation_delete(relation=automatic)
    assert "origin" in refused.value.message_dict
    with pytest.raises(ValidationError):
        relation_update(relation=automatic, stance="denies")
    assert Relation.objects.filter(pk=automatic.pk, stance="contradicts", origin="auto").exists()


def fresh_relation(relation: Relation) -> Relation:
    return Relation.objects.get(pk=relation.pk)


# --- updated_at -----------------------------------------------------------------------------------


def updated(claim: Claim):
    return fresh(claim).updated_at


def test_updated_at_moves_when_flags_change_and_not_otherwise(world, make_claim):
    capture = make_claim(world.taliban)
    denial = make_claim(world.nrf, day=3)
    bystander = make_claim(world.reuters)
    before = {c.pk: updated(c) for c in (capture, denial, bystander)}

    relation = relation_create(claim=denial, target=capture, stance="denies")
    assert updated(capture) > before[capture.pk]  # now contested
    assert updated(denial) == before[denial.pk]  # its own flags did not change
    assert updated(bystander) == before[bystander.pk]

    contested_at = updated(capture)
    relation_update(relation=relation, note="From the RT article.")
    assert updated(capture) == contested_at  # same flags, same reasons

    relation_delete(relation=relation)
    assert updated(capture) > contested_at


def test_editing_a_responder_moves_the_targets_updated_at_only_when_its_reasons_change(world, make_claim):
    capture = make_claim(world.taliban)
    denial = make_claim(world.nrf, day=3)
    relation_create(claim=denial, target=capture, stance="denies")
    before = updated(capture)
    claim_update(claim=denial, summary="The NRF denies any advance, in other words.")
    assert updated(capture) == before
    claim_update(claim=denial, claimed_on=date(2021, 9, 4))
    assert updated(capture) > before
    assert fresh(capture).reasons[0]["text"].endswith("on 2021-09-04")


def test_updated_at_moves_on_a_bloc_move_that_changes_flags(world, make_claim):
    passes = make_claim(world.nrf)
    relation_create(claim=make_claim(world.reuters, day=3), target=passes, stance="supports")
    bystander = make_claim(world.taliban)
    before, bystander_before = updated(passes), updated(bystander)
    actor_update(actor=world.reuters, parent=world.resistance)
    assert updated(passes) > before
    assert updated(bystander) == bystander_before
