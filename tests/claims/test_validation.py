"""Every validation rule of the claims services: a ValidationError naming its field, nothing written."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actors.services import actor_update
from claims.models import Citation, Claim, Relation
from claims.services import claim_create, claim_set_verdict, claim_update, relation_create, relation_update

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Claim.objects.order_by("pk").values()),
        list(Citation.objects.order_by("pk").values()),
        list(Relation.objects.order_by("pk").values()),
    )


def refused(field: str, write, *args, **kwargs) -> str:
    """Run a write that must be refused for ``field``; check nothing changed; return the message."""
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        write(*args, **kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert snapshot() == before
    return " ".join(error.value.message_dict[field])


def valid_fields(world, **overrides):
    fields = dict(
        claimant=world.taliban,
        claimed_on=date(2021, 9, 2),
        kind="statement",
        summary="Fighters entered the valley.",
        citations=[{"report": world.report}],
    )
    fields.update(overrides)
    return fields


def test_the_valid_baseline_is_accepted(world):
    assert claim_create(**valid_fields(world)).pk


@pytest.mark.parametrize(
    "field,overrides",
    [
        pytest.param("citations", dict(citations=[]), id="no_citation"),
        pytest.param("citations", dict(citations=None), id="citations_missing"),
        pytest.param("summary", dict(summary="   "), id="blank_summary"),
        pytest.param("count_max", dict(count_min=12, count_max=11), id="count_min_above_count_max"),
        pytest.param("count_min", dict(count_min=-1), id="negative_count_min"),
        pytest.param("count_max", dict(count_max=-5), id="negative_count_max"),
        pytest.param(
            "event_end",
            dict(event_start=date(2021, 9, 2), event_end=date(2021, 9, 1)),
            id="event_end_before_start",
        ),
        pytest.param("event_end", dict(event_end=date(2021, 9, 1)), id="event_end_without_start"),
        pytest.param("kind", dict(kind="rumour"), id="unknown_kind"),
        pytest.param("claimed_on", dict(claimed_on=None), id="no_claimed_on"),
    ],
)
def test_claim_create_refuses_bad_input(world, field, overrides):
    refused(field, claim_create, **valid_fields(world, **overrides))


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param(dict(count_min=5, count_max=2), id="counts"),
        pytest.param(dict(event_start=date(2021, 9, 3), event_end=date(2021, 9, 1)), id="window"),
    ],
)
def test_a_broken_row_rule_is_reported_once_on_its_field(world, overrides):
    with pytest.raises(ValidationError) as error:
        claim_create(**valid_fields(world, **overrides))
    assert len(error.value.message_dict) == 1


def test_claimed_on_in_the_future_is_refused(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    message = refused("claimed_on", claim_create, **valid_fields(world, claimed_on=tomorrow))
    assert "future" in message


def test_claimed_today_is_accepted(world):
    assert claim_create(**valid_fields(world, claimed_on=timezone.localdate())).pk


def test_spokesperson_outside_the_claimants_bloc_is_refused(world):
    message = refused("spokesperson", claim_create, **valid_fields(world, spokesperson=world.dashti))
    assert "Fahim Dashti" in message and "Taliban" in message


def test_spokesperson_from_another_branch_of_the_same_bloc_is_accepted(world):
    claim = claim_create(**valid_fields(world, claimant=world.republic, spokesperson=world.dashti))
    assert claim.spokesperson == world.dashti


def test_spokesperson_check_reads_the_bloc_as_it_is_now(world):
    """The caller's actor objects may predate a bloc move; the check uses the stored blocs."""
    stale_reuters = world.reuters
    actor_update(actor=world.reuters, parent=world.taliban)
    claim = claim_create(**valid_fields(world, claimant=world.taliban, spokesperson=stale_reuters))
    assert claim.spokesperson_id == world.reuters.pk
    actor_update(actor=world.reuters, parent=None)
    refused("spokesperson", claim_create, **valid_fields(world, claimant=world.taliban, spokesperson=world.reuters))


def test_a_later_bloc_move_does_not_invalidate_a_claims_spokesperson(world):
    claim = claim_create(**valid_fields(world, spokesperson=world.mujahid))
    actor_update(actor=world.mujahid, parent=None)
    updated = claim_update(claim=claim, summary="Fighters entered the valley on 1 September.")
    assert updated.summary.endswith("1 September.")
    refused("spokesperson", claim_update, claim=claim, spokesperson=world.dashti)


@pytest.mark.parametrize(
    "overrides,missing",
    [
        pytest.param(dict(kind="control", location="shattal"), "subject", id="control_without_subject"),
        pytest.param(dict(kind="control", subject="taliban"), "location", id="control_without_location"),
        pytest.param(dict(kind="casualties", location="shattal"), "subject", id="casualties_without_subject"),
    ],
)
def test_structured_kinds_need_their_fields(world, overrides, missing):
    overrides = {k: getattr(world, v) if k in ("subject", "location") else v for k, v in overrides.items()}
    refused(missing, claim_create, **valid_fields(world, **overrides))


def test_casualties_without_a_place_are_accepted(world):
    claim = claim_create(**valid_fields(world, kind="casualties", subject=world.nrf, count_min=8))
    assert claim.count_max is None


def test_claim_update_refuses_bad_input_and_keeps_the_stored_claim(world):
    claim = claim_create(**valid_fields(world, kind="casualties", subject=world.nrf, count_min=5, count_max=10))
    refused("count_max", claim_update, claim=claim, count_min=20)
    refused("citations", claim_update, claim=claim, citations=[])
    refused("subject", claim_update, claim=claim, subject=None)
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.count_min, stored.count_max, stored.subject_id) == (5, 10, world.nrf.pk)
    assert stored.citations.count() == 1


def test_claim_update_refuses_derived_fields(world):
    claim = claim_create(**valid_fields(world))
    refused("status", claim_update, claim=claim, status="confirmed")


# --- relations ------------------------------------------------------------------------------------


@pytest.fixture
def pair(world, make_claim):
    return make_claim(world.taliban), make_claim(world.nrf, day=3)


def test_a_claim_cannot_relate_to_itself(pair):
    capture, _ = pair
    refused("target", relation_create, claim=capture, target=capture, stance="denies")


def test_a_duplicate_relation_is_refused(pair):
    capture, denial = pair
    relation_create(claim=denial, target=capture, stance="denies")
    message = refused("stance", relation_create, claim=denial, target=capture, stance="denies")
    assert "already" in message


def test_an_unknown_stance_is_refused(pair):
    capture, denial = pair
    refused("stance", relation_create, claim=denial, target=capture, stance="mocks")


@pytest.mark.parametrize("stance", ["retracts", "supersedes"])
def test_retracting_or_superseding_across_blocs_is_refused(pair, stance):
    capture, denial = pair
    message = refused("stance", relation_create, claim=denial, target=capture, stance=stance)
    assert "bloc" in message


@pytest.mark.parametrize("stance", ["retracts", "supersedes"])
def test_retracting_or_superseding_within_a_bloc_is_accepted(world, make_claim, stance):
    first = make_claim(world.nrf)
    relation = relation_create(claim=make_claim(world.dashti, day=4), target=first, stance=stance)
    assert relation.pk


def test_changing_a_relation_into_a_retraction_across_blocs_is_refused(pair):
    capture, denial = pair
    relation = relation_create(claim=denial, target=capture, stance="denies")
    refused("stance", relation_update, relation=relation, stance="retracts")
    assert Relation.objects.get(pk=relation.pk).stance == "denies"


def test_a_later_bloc_move_does_not_invalidate_a_retraction(world, make_claim):
    first = make_claim(world.republic)
    relation = relation_create(claim=make_claim(world.nrf, day=4), target=first, stance="retracts")
    actor_update(actor=world.republic, parent=None)
    relation_update(relation=relation, note="Retracted on the NRF channel.")
    assert Relation.objects.get(pk=relation.pk).note == "Retracted on the NRF channel."


def test_an_unknown_verdict_is_refused(world):
    claim = claim_create(**valid_fields(world))
    refused("verdict", claim_set_verdict, claim=claim, verdict="plausible")


def test_a_verdict_date_needs_a_verdict(world):
    claim = claim_create(**valid_fields(world))
    refused("verdict_on", claim_update, claim=claim, verdict_on=date(2021, 9, 10))


def test_a_verdict_date_in_the_future_is_refused(world):
    claim = claim_create(**valid_fields(world))
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused("verdict_on", claim_set_verdict, claim=claim, verdict="confirmed", verdict_on=tomorrow)
    assert Claim.objects.get(pk=claim.pk).status == "unverified"


def test_blank_external_ids_do_not_collide(world):
    first = claim_create(**valid_fields(world, external_id=""))
    second = claim_create(**valid_fields(world, external_id="  "))
    assert (first.external_id, second.external_id) == (None, None)


def test_a_taken_external_id_is_refused(world):
    claim_create(**valid_fields(world, external_id="acled:AFG123"))
    refused("external_id", claim_create, **valid_fields(world, external_id="acled:AFG123"))
