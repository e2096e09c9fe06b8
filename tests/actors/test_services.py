"""Actor services: blocs, parent chains that never loop, slugs, refused deletes."""

import pytest
from django.core.exceptions import ValidationError

from actors.models import Actor
from actors.services import actor_create, actor_delete, actor_update
from core.services import ReferencedError
from sources.services import source_create
from tests.factories import ActorFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def stored():
    return list(Actor.objects.order_by("pk").values("pk", "name", "slug", "parent_id", "path", "bloc_id"))


def test_bloc_is_the_root_of_the_parent_chain():
    resistance = ActorFactory(name="Afghan resistance")
    nrf = ActorFactory(name="National Resistance Front", parent=resistance)
    dashti = ActorFactory(name="Fahim Dashti", parent=nrf)
    taliban = ActorFactory(name="Taliban")
    blocs = dict(Actor.objects.values_list("pk", "bloc_id"))
    assert blocs == {
        resistance.pk: resistance.pk,
        nrf.pk: resistance.pk,
        dashti.pk: resistance.pk,
        taliban.pk: taliban.pk,
    }


def test_moving_an_actor_moves_everything_below_it_into_the_new_bloc():
    resistance, taliban = ActorFactory(name="Afghan resistance"), ActorFactory(name="Taliban")
    nrf = ActorFactory(name="National Resistance Front", parent=resistance)
    dashti = ActorFactory(name="Fahim Dashti", parent=nrf)
    actor_update(actor=nrf, parent=taliban)
    dashti = Actor.objects.get(pk=dashti.pk)
    assert dashti.bloc_id == taliban.pk
    assert dashti.path == f"/{taliban.pk}/{nrf.pk}/{dashti.pk}/"
    actor_update(actor=nrf, parent=None)
    dashti = Actor.objects.get(pk=dashti.pk)
    assert (dashti.bloc_id, dashti.path) == (nrf.pk, f"/{nrf.pk}/{dashti.pk}/")


def test_an_actor_cannot_be_its_own_parent():
    taliban = ActorFactory(name="Taliban")
    before = stored()
    with pytest.raises(ValidationError) as error:
        actor_update(actor=taliban, parent=taliban)
    assert "parent" in error.value.message_dict
    assert stored() == before


def test_an_actor_cannot_move_below_its_own_member():
    resistance = ActorFactory(name="Afghan resistance")
    nrf = ActorFactory(name="National Resistance Front", parent=resistance)
    dashti = ActorFactory(name="Fahim Dashti", parent=nrf)
    before = stored()
    with pytest.raises(ValidationError) as error:
        actor_update(actor=resistance, parent=dashti)
    assert "loop" in " ".join(error.value.message_dict["parent"])
    assert stored() == before


def test_a_loop_is_refused_even_with_an_actor_object_from_before_a_move():
    a, b = ActorFactory(name="A"), ActorFactory(name="B")
    stale_b = b  # its path still says it is a root
    actor_update(actor=b, parent=a)
    before = stored()
    with pytest.raises(ValidationError) as error:
        actor_update(actor=a, parent=stale_b)
    assert "parent" in error.value.message_dict
    assert stored() == before


def test_a_new_member_of_a_moved_group_joins_its_current_bloc():
    taliban, nrf = ActorFactory(name="Taliban"), ActorFactory(name="National Resistance Front")
    stale_nrf = nrf
    actor_update(actor=nrf, parent=taliban)
    member = actor_create(name="Defector", parent=stale_nrf)
    assert (member.bloc_id, member.path) == (taliban.pk, f"/{taliban.pk}/{nrf.pk}/{member.pk}/")
    assert Actor.objects.get(pk=member.pk).bloc_id == taliban.pk


def test_slug_is_made_from_the_name_and_made_unique():
    first = actor_create(name="National Resistance Front")
    second = actor_create(name="National Resistance Front")
    third = actor_create(name="National  Resistance   Front!")
    assert [first.slug, second.slug, third.slug] == [
        "national-resistance-front",
        "national-resistance-front-2",
        "national-resistance-front-3",
    ]


def test_a_name_without_latin_letters_still_gets_a_slug():
    first, second = actor_create(name="طالبان"), actor_create(name="طالبان")
    assert first.slug and second.slug and first.slug != second.slug


def test_renaming_keeps_the_slug():
    actor = actor_create(name="NRF")
    assert actor_update(actor=actor, name="National Resistance Front").slug == "nrf"


def test_a_slug_already_taken_is_refused():
    actor_create(name="Taliban")
    before = stored()
    with pytest.raises(ValidationError) as error:
        actor_create(name="Islamic Emirate", slug="taliban")
    assert "slug" in error.value.message_dict
    assert stored() == before


def test_a_slug_that_is_not_a_slug_is_refused():
    with pytest.raises(ValidationError) as error:
        actor_create(name="Taliban", slug="the taliban!")
    assert "slug" in error.value.message_dict
    assert not Actor.objects.exists()


def test_aliases_are_trimmed_and_deduplicated():
    actor = actor_create(name="National Resistance Front", aliases=[" NRF ", "NRF", "", "NRFA"])
    assert Actor.objects.get(pk=actor.pk).aliases == ["NRF", "NRFA"]


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError) as error:
        actor_create(name="Taliban", bloc=None)
    assert "bloc" in error.value.message_dict


def test_deleting_an_actor_that_made_claims_is_refused():
    claim = ClaimFactory()
    before = stored()
    with pytest.raises(ReferencedError) as refused:
        actor_delete(actor=claim.claimant)
    assert f"#{claim.pk}" in str(refused.value)
    assert stored() == before


def test_deleting_an_actor_with_members_is_refused():
    taliban = ActorFactory(name="Taliban")
    ActorFactory(name="Zabihullah Mujahid", parent=taliban)
    before = stored()
    with pytest.raises(ReferencedError) as refused:
        actor_delete(actor=taliban)
    assert "Zabihullah Mujahid" in str(refused.value)
    assert stored() == before


def test_deleting_an_actor_that_owns_a_source_is_refused():
    reuters = ActorFactory(name="Reuters")
    source_create(name="Reuters", actor=reuters)
    with pytest.raises(ReferencedError):
        actor_delete(actor=reuters)
    assert Actor.objects.filter(pk=reuters.pk).exists()


def test_an_unreferenced_actor_is_deleted():
    actor = ActorFactory()
    actor_delete(actor=actor)
    assert not Actor.objects.filter(pk=actor.pk).exists()
