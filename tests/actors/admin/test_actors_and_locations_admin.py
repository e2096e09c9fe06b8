"""Actors and places in the admin: parent changes go through the services (bloc moves recompute)."""

from datetime import date

import pytest
from django.urls import reverse

from actors.models import Actor
from core.admin import ServiceAdmin
from locations.models import Location
from tests.factories import ActorFactory, ClaimFactory, LocationFactory, RelationFactory
from tests.support.admin import form_errors

pytestmark = pytest.mark.django_db


def actor_data(actor, **changes):
    data = {
        "name": actor.name,
        "slug": actor.slug,
        "kind": actor.kind,
        "parent": actor.parent_id or "",
        "aliases": ", ".join(actor.aliases),
        "description": actor.description,
    }
    if actor.is_party:
        data["is_party"] = "on"
    data.update({k: ("" if v is None else getattr(v, "pk", v)) for k, v in changes.items()})
    return data


def test_an_editor_adds_an_actor_with_a_slug_made_from_the_name_and_aliases(editor_client, world):
    response = editor_client.post(
        reverse("admin:actors_actor_add"),
        {"name": "Baghlan militias", "slug": "", "kind": "militia", "parent": "", "aliases": "Andarab fighters, , x"},
    )

    assert response.status_code == 302, form_errors(response)
    actor = Actor.objects.get(name="Baghlan militias")
    assert actor.slug == "baghlan-militias"
    assert actor.aliases == ["Andarab fighters", "x"]
    assert actor.bloc_id == actor.pk  # a root is its own bloc: the service set it
    assert actor.history.get().history_user.username == "editor"


def test_a_parent_change_in_the_admin_moves_the_bloc_and_recomputes_the_flags(editor_client, world):
    # Reuters supports the NRF's claim: independent, so the claim is corroborated.
    reuters = ActorFactory(name="Reuters", kind="media")
    nrf_claim = ClaimFactory(claimant=world.nrf, citations=[{"report": world.report}])
    RelationFactory(
        claim=ClaimFactory(claimant=reuters, claimed_on=date(2021, 9, 3), citations=[{"report": world.report}]),
        target=nrf_claim,
        stance="supports",
    )
    nrf_claim.refresh_from_db()
    assert nrf_claim.status == "corroborated"

    # An editor files Reuters under the resistance: the support becomes an echo.
    response = editor_client.post(
        reverse("admin:actors_actor_change", args=[reuters.pk]), actor_data(reuters, parent=world.resistance)
    )

    assert response.status_code == 302, form_errors(response)
    reuters.refresh_from_db()
    assert reuters.parent == world.resistance and reuters.bloc_id == world.resistance.pk
    nrf_claim.refresh_from_db()
    assert nrf_claim.status == "unverified" and nrf_claim.corroborated is False
    page = editor_client.get(reverse("admin:actors_actor_change", args=[reuters.pk]))
    assert "Afghan resistance" in page.content.decode()  # the bloc, shown read-only


def test_a_parent_loop_is_a_form_error_and_nothing_moves(editor_client, world):
    response = editor_client.post(
        reverse("admin:actors_actor_change", args=[world.resistance.pk]),
        actor_data(world.resistance, parent=world.dashti),
    )

    assert response.status_code == 200
    assert "loop" in " ".join(form_errors(response)["parent"])
    world.resistance.refresh_from_db()
    assert world.resistance.parent_id is None


def test_a_refused_actor_delete_names_what_references_it(editor_client, world):
    ClaimFactory(claimant=world.taliban, summary="Taliban claim.", citations=[{"report": world.report}])

    response = editor_client.post(reverse("admin:actors_actor_delete", args=[world.taliban.pk]), {"post": "yes"})

    assert response.status_code == 200
    assert "Cannot delete actor" in response.content.decode()
    assert Actor.objects.filter(pk=world.taliban.pk).exists()


def test_a_delete_the_service_refuses_is_a_message_not_a_500(editor_client, world, monkeypatch):
    """Should the confirmation page miss a reference (a row added meanwhile), the service still refuses."""
    ClaimFactory(claimant=world.taliban, summary="Taliban claim.", citations=[{"report": world.report}])
    monkeypatch.setattr(ServiceAdmin, "get_deleted_objects", lambda self, objs, request: ([], {}, set(), []))

    response = editor_client.post(
        reverse("admin:actors_actor_delete", args=[world.taliban.pk]), {"post": "yes"}, follow=True
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing was deleted" in text and "Taliban claim." in text
    assert Actor.objects.filter(pk=world.taliban.pk).exists()


def test_an_unreferenced_actor_is_deleted_through_the_service(editor_client, world):
    response = editor_client.post(reverse("admin:actors_actor_delete", args=[world.dashti.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Actor.objects.filter(pk=world.dashti.pk).exists()


def test_actor_autocomplete_finds_actors_by_alias(editor_client, world):
    from actors.services import actor_update

    actor_update(actor=world.taliban, aliases=["Islamic Emirate"])

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": "emirate", "app_label": "claims", "model_name": "claim", "field_name": "claimant"},
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Taliban"]


def test_a_location_parent_change_and_bad_coordinates(editor_client, world):
    parwan = LocationFactory(name="Parwan", kind="province")
    url = reverse("admin:locations_location_change", args=[world.shattal.pk])
    data = {
        "name": "Shattal",
        "slug": world.shattal.slug,
        "kind": "town",
        "parent": parwan.pk,
        "latitude": "35.2",
        "longitude": "69.4",
        "aliases": "Shotul",
        "description": "",
    }

    response = editor_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    world.shattal.refresh_from_db()
    assert world.shattal.parent == parwan and world.shattal.path == f"/{parwan.pk}/{world.shattal.pk}/"
    assert world.shattal.aliases == ["Shotul"]

    response = editor_client.post(url, {**data, "latitude": "95"})
    assert response.status_code == 200
    assert "latitude" in form_errors(response)
    world.shattal.refresh_from_db()
    assert world.shattal.latitude == 35.2

    response = editor_client.post(
        reverse("admin:locations_location_change", args=[parwan.pk]),
        {"name": "Parwan", "slug": parwan.slug, "kind": "province", "parent": world.shattal.pk, "aliases": ""},
    )
    assert response.status_code == 200
    assert "parent" in form_errors(response)
    assert Location.objects.get(pk=parwan.pk).parent_id is None


def test_reverting_an_actor_from_its_history_goes_through_the_service(editor_client, world):
    from actors.services import actor_update

    actor_update(actor=world.mujahid, name="Z. Mujahid")
    first = world.mujahid.history.earliest()
    url = reverse("admin:actors_actor_simple_history", args=[world.mujahid.pk, first.history_id])

    assert editor_client.get(url).status_code == 200
    response = editor_client.post(url, actor_data(world.mujahid, name="Zabihullah Mujahid"))

    assert response.status_code == 302, form_errors(response)
    world.mujahid.refresh_from_db()
    assert world.mujahid.name == "Zabihullah Mujahid"
    assert world.mujahid.bloc_id == world.taliban.pk
    assert world.mujahid.history.count() == 3

    # A revert the service refuses (a loop) is a form error, not a 500.
    response = editor_client.post(
        reverse(
            "admin:actors_actor_simple_history", args=[world.taliban.pk, world.taliban.history.earliest().history_id]
        ),
        actor_data(world.taliban, parent=world.mujahid),
    )
    assert response.status_code == 200
    assert "parent" in form_errors(response)


def test_the_admin_stores_text_cleaned_and_refuses_invisible_only_text_as_a_form_error(editor_client, world):
    response = editor_client.post(
        reverse("admin:actors_actor_add"),
        {
            "name": "\u200bBazarak e\u0301lders\ufeff",
            "slug": "",
            "kind": "other",
            "parent": "",
            "aliases": "Shotul\u200b",
        },
    )
    assert response.status_code == 302, form_errors(response)
    actor = Actor.objects.get(slug="bazarak-elders")
    assert (actor.name, actor.aliases) == ("Bazarak \u00e9lders", ["Shotul"])

    response = editor_client.post(
        reverse("admin:actors_actor_add"),
        {"name": "\u200b\u200d\u2060", "slug": "", "kind": "other", "parent": "", "aliases": ""},
    )
    assert response.status_code == 200
    assert "only invisible characters" in " ".join(form_errors(response)["name"])
    assert not Actor.objects.filter(slug="actor").exists()
