"""The conflicts admin: added and changed through the services, listed with a link to its claims."""

from datetime import date

import pytest

from claims.models import Conflict
from tests.factories import ConflictFactory
from tests.support.admin import form_errors

pytestmark = pytest.mark.django_db


def conflict_data(world, **overrides):
    data = {
        "name": "Panjshir 2021",
        "slug": "",
        "start": "2021-08-15",
        "end": "",
        "description": "",
        "places": [world.shattal.pk],
        "parties": [world.taliban.pk, world.nrf.pk],
    }
    data.update(overrides)
    return data


def test_an_editor_adds_a_conflict_through_the_service(editor_client, world):
    response = editor_client.post("/admin/claims/conflict/add/", conflict_data(world))
    assert response.status_code == 302, form_errors(response)
    conflict = Conflict.objects.get()
    assert conflict.slug == "panjshir-2021"  # made by the service from the name
    assert list(conflict.places.all()) == [world.shattal]
    assert set(conflict.parties.all()) == {world.taliban, world.nrf}


def test_an_end_before_the_start_is_shown_on_the_field_and_nothing_is_written(editor_client, world):
    response = editor_client.post("/admin/claims/conflict/add/", conflict_data(world, end="2021-08-01"))
    assert response.status_code == 200
    assert "end" in form_errors(response)
    assert not Conflict.objects.exists()


def test_the_list_searches_and_links_to_the_claims(editor_client, world):
    ConflictFactory(name="Panjshir 2021", start=date(2021, 8, 15), places=[world.shattal])
    ConflictFactory(name="Somewhere else", start=date(2022, 1, 1))
    response = editor_client.get("/admin/claims/conflict/", {"q": "panjshir"})
    html = response.content.decode()
    assert "Panjshir 2021" in html and "Somewhere else" not in html
    assert 'href="/claims/?conflict=panjshir-2021"' in html
    assert "Shattal" in html


def test_an_editor_deletes_a_conflict(editor_client, world):
    conflict = ConflictFactory(places=[world.shattal])
    response = editor_client.post(f"/admin/claims/conflict/{conflict.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Conflict.objects.exists()


def test_the_admin_refuses_to_delete_a_place_a_conflict_covers_and_says_which(editor_client, world):
    conflict = ConflictFactory(name="Panjshir 2021", places=[world.shattal])
    response = editor_client.post(f"/admin/locations/location/{world.shattal.pk}/delete/", {"post": "yes"}, follow=True)
    assert "Panjshir 2021" in response.content.decode()
    assert list(conflict.places.all()) == [world.shattal]
