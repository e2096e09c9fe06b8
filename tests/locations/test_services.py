"""Location services: trees without loops, coordinates in range, slugs, refused deletes."""

import pytest
from django.core.exceptions import ValidationError

from core.services import ReferencedError
from locations.models import Location
from locations.selectors import location_subtree_q
from locations.services import location_create, location_delete, location_update
from tests.factories import ActorFactory, ClaimFactory, LocationFactory

pytestmark = pytest.mark.django_db


def stored():
    return list(Location.objects.order_by("pk").values())


@pytest.fixture
def tree():
    afghanistan = LocationFactory(name="Afghanistan", kind="country")
    parwan = LocationFactory(name="Parwan", kind="province", parent=afghanistan)
    shattal = LocationFactory(name="Shattal", kind="town", parent=parwan)
    return afghanistan, parwan, shattal


def test_paths_follow_the_parent_chain_and_moves(tree):
    afghanistan, parwan, shattal = tree
    assert Location.objects.get(pk=shattal.pk).path == f"/{afghanistan.pk}/{parwan.pk}/{shattal.pk}/"
    panjshir = LocationFactory(name="Panjshir", parent=afghanistan)
    location_update(location=shattal, parent=panjshir)
    assert Location.objects.get(pk=shattal.pk).path == f"/{afghanistan.pk}/{panjshir.pk}/{shattal.pk}/"


@pytest.mark.parametrize("new_parent", [0, 1, 2], ids=["own_child_grandchild", "own_child", "itself"])
def test_a_parent_chain_may_not_loop(tree, new_parent):
    afghanistan = tree[0]
    parent = [tree[2], tree[1], tree[0]][new_parent]
    before = stored()
    with pytest.raises(ValidationError) as error:
        location_update(location=afghanistan, parent=parent)
    assert "parent" in error.value.message_dict
    assert stored() == before


def test_a_loop_is_refused_even_with_a_location_object_from_before_a_move():
    a, b = LocationFactory(name="A"), LocationFactory(name="B")
    stale_b = b
    location_update(location=b, parent=a)
    before = stored()
    with pytest.raises(ValidationError) as error:
        location_update(location=a, parent=stale_b)
    assert "parent" in error.value.message_dict
    assert stored() == before


@pytest.mark.parametrize(
    "coordinates,field",
    [
        pytest.param(dict(latitude=90.5), "latitude", id="latitude_above_90"),
        pytest.param(dict(latitude=-91), "latitude", id="latitude_below_minus_90"),
        pytest.param(dict(longitude=180.01), "longitude", id="longitude_above_180"),
        pytest.param(dict(longitude=-200), "longitude", id="longitude_below_minus_180"),
    ],
)
def test_coordinates_out_of_range_are_refused(coordinates, field):
    with pytest.raises(ValidationError) as error:
        location_create(name="Shattal", **coordinates)
    assert field in error.value.message_dict
    assert not Location.objects.exists()


def test_coordinates_at_the_limits_are_accepted():
    place = location_create(name="Edge", latitude=-90, longitude=180)
    assert (place.latitude, place.longitude) == (-90, 180)


def test_coordinates_out_of_range_on_update_keep_the_stored_ones():
    place = location_create(name="Shattal", latitude=35.13, longitude=69.27)
    with pytest.raises(ValidationError):
        location_update(location=place, latitude=135.13)
    assert Location.objects.get(pk=place.pk).latitude == 35.13


def test_slug_is_made_from_the_name_and_made_unique():
    slugs = [location_create(name="Pul-e-Hesar").slug for _ in range(3)]
    assert slugs == ["pul-e-hesar", "pul-e-hesar-2", "pul-e-hesar-3"]


def test_a_slug_already_taken_is_refused():
    location_create(name="Panjshir")
    with pytest.raises(ValidationError) as error:
        location_create(name="Panjsher", slug="panjshir")
    assert "slug" in error.value.message_dict
    assert Location.objects.count() == 1


def test_aliases_are_kept_as_alternate_spellings():
    place = location_create(name="Shattal", aliases=["Shotul", " Shutul ", "Shotul"])
    assert Location.objects.get(pk=place.pk).aliases == ["Shotul", "Shutul"]


def test_deleting_a_place_with_claims_about_it_is_refused():
    place = LocationFactory(name="Shattal")
    actor = ActorFactory()
    claim = ClaimFactory(kind="control", subject=actor, location=place)
    before = stored()
    with pytest.raises(ReferencedError) as refused:
        location_delete(location=place)
    assert f"#{claim.pk}" in str(refused.value)
    assert stored() == before


def test_deleting_a_place_with_places_below_it_is_refused(tree):
    before = stored()
    with pytest.raises(ReferencedError) as refused:
        location_delete(location=tree[1])
    assert "Shattal" in str(refused.value)
    assert stored() == before


def test_an_unreferenced_place_is_deleted(tree):
    location_delete(location=tree[2])
    assert not Location.objects.filter(pk=tree[2].pk).exists()


def test_a_tree_is_as_deep_as_its_users_make_it():
    """The path column is text: a chain of 150 places (far past 255 characters of ids) is stored, a
    subtree moved under its deepest place keeps every path right, and subtree filters still find it."""
    depth = 150
    chain = [LocationFactory(name="Level 1")]
    for level in range(2, depth + 1):
        chain.append(location_create(name=f"Level {level}", kind="area", parent=chain[-1]))
    district = LocationFactory(name="District")
    village = LocationFactory(name="Village", parent=district)
    moved = location_update(location=district, parent=chain[-1])
    assert moved.path.count("/") == depth + 2 and len(moved.path) > 255
    village.refresh_from_db()
    assert village.path == f"{moved.path}{village.pk}/"
    assert village.path_ids[:depth] == [place.pk for place in chain]
    below_root = Location.objects.filter(location_subtree_q([chain[0]]))
    assert below_root.count() == depth + 2 and below_root.filter(pk=village.pk).exists()
    with pytest.raises(ValidationError) as error:
        location_update(location=chain[0], parent=village)  # the top under its own descendant: a loop
    assert "loop" in " ".join(error.value.message_dict["parent"])
