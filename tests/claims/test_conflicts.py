"""Conflicts: which claims belong (by place subtree, by party bloc, by period) and the services."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from actors.services import actor_delete
from claims.models import Claim, Conflict
from claims.selectors import conflict_claims_q
from claims.services import conflict_create, conflict_delete, conflict_update
from core.services import ReferencedError
from locations.models import Location
from locations.services import location_delete
from tests.factories import ConflictFactory, LocationFactory


def members(conflict: Conflict) -> set[int]:
    return set(Claim.objects.filter(conflict_claims_q(conflict)).values_list("pk", flat=True))


@pytest.fixture
def places(world):
    afghanistan = LocationFactory(name="Afghanistan", kind="country")
    panjshir = LocationFactory(name="Panjshir province", kind="province", parent=afghanistan)
    bazarak = LocationFactory(name="Bazarak", kind="town", parent=panjshir)
    parwan = LocationFactory(name="Parwan", kind="province", parent=afghanistan)
    return afghanistan, panjshir, bazarak, parwan


def test_a_claim_belongs_when_its_place_is_in_a_place_of_the_conflict(world, make_claim, places):
    afghanistan, panjshir, bazarak, parwan = places
    conflict = ConflictFactory(places=[panjshir], parties=[world.taliban])
    inside = make_claim(world.taliban, location=panjshir)
    below = make_claim(world.nrf, location=bazarak)
    beside = make_claim(world.taliban, location=parwan)
    above = make_claim(world.taliban, location=afghanistan)
    assert members(conflict) == {inside.pk, below.pk}
    assert beside.pk not in members(conflict) and above.pk not in members(conflict)


def test_a_place_whose_id_merely_starts_alike_is_not_below(world, make_claim, db):
    # Paths are ids: the subtree of /7/ must not take in /70/ (the path /70/ is written by hand, as
    # the place with id 70 would have it).
    first = LocationFactory(name="First")
    lookalike = LocationFactory(name="Lookalike")
    Location.objects.filter(pk=lookalike.pk).update(path=f"/{first.pk}0/")
    claim = make_claim(world.taliban, location=lookalike)
    assert claim.pk not in members(ConflictFactory(places=[first]))


def test_a_claim_without_a_place_belongs_when_its_claimant_is_in_a_partys_bloc(world, make_claim, places):
    _, panjshir, _, _ = places
    conflict = ConflictFactory(places=[panjshir], parties=[world.nrf])  # the NRF's bloc: the resistance
    spokesman = make_claim(world.dashti)
    republic = make_claim(world.republic)  # same bloc as the NRF
    taliban = make_claim(world.taliban)
    reuters = make_claim(world.reuters)
    assert members(conflict) == {spokesman.pk, republic.pk}
    assert not {taliban.pk, reuters.pk} & members(conflict)


def test_a_claim_with_a_place_outside_is_not_taken_in_by_its_claimants_bloc(world, make_claim, places):
    _, panjshir, _, parwan = places
    conflict = ConflictFactory(places=[panjshir], parties=[world.taliban])
    assert make_claim(world.taliban, location=parwan).pk not in members(conflict)


def test_the_event_window_overlapping_the_period_counts_not_the_claim_date(world, make_claim, places):
    _, panjshir, _, _ = places
    conflict = ConflictFactory(places=[panjshir], start=date(2021, 8, 15), end=date(2021, 9, 10))
    ends_inside = make_claim(
        world.taliban, location=panjshir, event_start=date(2021, 8, 1), event_end=date(2021, 8, 15)
    )
    starts_inside = make_claim(
        world.taliban, location=panjshir, event_start=date(2021, 9, 10), event_end=date(2021, 9, 20)
    )
    spans = make_claim(world.taliban, location=panjshir, event_start=date(2021, 8, 1), event_end=date(2021, 10, 1))
    one_day = make_claim(world.taliban, location=panjshir, event_start=date(2021, 8, 20))
    before = make_claim(world.taliban, location=panjshir, event_start=date(2021, 8, 1), event_end=date(2021, 8, 14))
    after = make_claim(world.taliban, day=2, location=panjshir, event_start=date(2021, 9, 11))
    # Claimed inside the period, but about an event before it: it does not belong.
    old_event = make_claim(world.taliban, day=1, location=panjshir, event_start=date(2021, 7, 1))
    assert members(conflict) == {ends_inside.pk, starts_inside.pk, spans.pk, one_day.pk}
    assert not {before.pk, after.pk, old_event.pk} & members(conflict)


def test_without_an_event_date_the_claim_date_counts(world, make_claim, places):
    _, panjshir, _, _ = places
    conflict = ConflictFactory(places=[panjshir], start=date(2021, 9, 2), end=date(2021, 9, 3))
    on_start, on_end = (
        make_claim(world.taliban, day=2, location=panjshir),
        make_claim(world.nrf, day=3, location=panjshir),
    )
    before, after = make_claim(world.taliban, day=1, location=panjshir), make_claim(world.nrf, day=4, location=panjshir)
    assert members(conflict) == {on_start.pk, on_end.pk}
    assert not {before.pk, after.pk} & members(conflict)


def test_an_open_end_takes_in_everything_after_the_start(world, make_claim, places):
    _, panjshir, _, _ = places
    conflict = ConflictFactory(places=[panjshir], start=date(2021, 9, 2))
    late = make_claim(world.taliban, day=30, location=panjshir, event_start=date(2021, 9, 29))
    claimed_late = make_claim(world.nrf, day=28, location=panjshir)
    early = make_claim(world.nrf, day=1, location=panjshir)
    assert members(conflict) == {late.pk, claimed_late.pk}
    assert early.pk not in members(conflict)


def test_membership_is_one_query_whatever_the_number_of_claims(world, make_claim, places):
    _, panjshir, bazarak, _ = places
    conflict = ConflictFactory(places=[panjshir, bazarak], parties=[world.taliban, world.nrf])
    for day in range(1, 21):
        make_claim(world.taliban, day=day, location=bazarak if day % 2 else None)
    conflict = Conflict.objects.get(pk=conflict.pk)
    with CaptureQueriesContext(connection) as queries:
        found = members(conflict)
    assert len(queries) == 1
    assert len(found) == 20


def test_membership_follows_the_conflicts_places_as_stored(world, make_claim, places):
    _, panjshir, _, parwan = places
    conflict = ConflictFactory(places=[panjshir])
    claim = make_claim(world.taliban, location=parwan)
    assert claim.pk not in members(conflict)
    conflict_update(conflict=conflict, places=[panjshir, parwan])
    assert claim.pk in members(conflict)


# -- services ------------------------------------------------------------------------------------


def test_create_makes_the_slug_from_the_name_and_keeps_places_and_parties(world, places):
    _, panjshir, _, parwan = places
    conflict = conflict_create(
        name="Taliban–NRF, Panjshir 2021", start=date(2021, 8, 15), places=[panjshir, parwan], parties=[world.taliban]
    )
    assert conflict.slug == "talibannrf-panjshir-2021"
    assert set(conflict.places.all()) == {panjshir, parwan}
    assert list(conflict.parties.all()) == [world.taliban]
    assert conflict_create(name="Taliban–NRF, Panjshir 2021", start=date(2021, 8, 15)).slug.endswith("-2")


def test_update_without_places_or_parties_keeps_them(world, places):
    _, panjshir, _, _ = places
    conflict = ConflictFactory(places=[panjshir], parties=[world.taliban])
    conflict_update(conflict=conflict, description="The valley.")
    assert list(conflict.places.all()) == [panjshir]
    conflict_update(conflict=conflict, parties=[])
    assert not conflict.parties.exists()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"name": "  ", "start": date(2021, 8, 15)}, "name"),
        ({"name": "Backwards", "start": date(2021, 9, 1), "end": date(2021, 8, 1)}, "end"),
        ({"name": "Taken", "start": date(2021, 9, 1), "slug": "taken"}, "slug"),
        ({"name": "Bad slug", "start": date(2021, 9, 1), "slug": "not a slug"}, "slug"),
        ({"name": "Undated", "start": None}, "start"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(db, fields, field):
    ConflictFactory(name="Taken", slug="taken")
    with pytest.raises(ValidationError) as caught:
        conflict_create(**fields)
    assert field in caught.value.message_dict


def test_the_database_refuses_an_end_before_the_start(db):
    conflict = ConflictFactory(start=date(2021, 9, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Conflict.objects.filter(pk=conflict.pk).update(end=date(2021, 8, 1))


def test_delete_removes_the_conflict_and_leaves_claims_places_and_parties(world, make_claim, places):
    _, panjshir, _, _ = places
    claim = make_claim(world.taliban, location=panjshir)
    conflict = ConflictFactory(places=[panjshir], parties=[world.taliban])
    conflict_delete(conflict=conflict)
    assert not Conflict.objects.exists()
    assert Claim.objects.filter(pk=claim.pk).exists()
    panjshir.refresh_from_db()
    world.taliban.refresh_from_db()


def test_a_place_a_conflict_covers_is_not_deleted_and_the_refusal_names_the_conflict(places):
    _, panjshir, bazarak, _ = places
    conflict = ConflictFactory(name="Taliban–NRF, Panjshir 2021", places=[panjshir])
    with pytest.raises(ReferencedError) as refused:
        location_delete(location=panjshir)
    assert "Taliban–NRF, Panjshir 2021" in refused.value.message
    assert list(conflict.places.all()) == [panjshir]  # the link is still there
    location_delete(location=bazarak)  # a place below it is not itself in the conflict
    assert not Location.objects.filter(pk=bazarak.pk).exists()


def test_a_party_of_a_conflict_is_not_deleted(world):
    conflict = ConflictFactory(name="Panjshir 2021", parties=[world.nrf])
    with pytest.raises(ReferencedError, match="Panjshir 2021"):
        actor_delete(actor=world.nrf)
    assert list(conflict.parties.all()) == [world.nrf]
