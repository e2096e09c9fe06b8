"""The ``conflict`` claim filter: the API list, the HTML list and the CSV export give the same claims;
an unknown conflict is a 400 naming it; the filtered list runs a constant number of queries. (The
conflicts resource itself runs through the contract in tests/core/api/test_contract.py.)"""

import csv
import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ConflictFactory, LocationFactory


@pytest.fixture
def scoped(world, make_claim):
    """A conflict over Panjshir fought by the Taliban from 15 August 2021, and claims in and out of it."""
    conflict = ConflictFactory(
        name="Panjshir 2021", start=date(2021, 8, 15), places=[world.panjshir], parties=[world.taliban]
    )
    inside = {
        make_claim(world.taliban, location=world.panjshir).pk,
        make_claim(world.nrf, day=3, location=LocationFactory(name="Bazarak", parent=world.panjshir)).pk,
        make_claim(world.mujahid, day=4).pk,  # no place: the claimant is in a party's bloc
    }
    outside = {
        make_claim(world.taliban, location=world.shattal).pk,  # another place
        make_claim(world.nrf, day=5).pk,  # no place, not a party's bloc
        make_claim(world.taliban, location=world.panjshir, event_start=date(2021, 8, 1)).pk,  # before it
    }
    return conflict, inside, outside


def api_ids(api, **params) -> set[int]:
    response = api.get("/api/v1/claims/", params)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_the_api_list_filters_by_conflict_slug_or_id(scoped, api):
    conflict, inside, _ = scoped
    assert api_ids(api, conflict=conflict.slug) == inside
    assert api_ids(api, conflict=str(conflict.pk)) == inside


def test_the_conflict_filter_combines_with_the_others(scoped, world, api):
    conflict, inside, _ = scoped
    assert api_ids(api, conflict=conflict.slug, claimant="nrf") == inside - api_ids(api, claimant="taliban")


def test_several_conflicts_give_the_claims_of_any(scoped, world, make_claim, api):
    conflict, inside, _ = scoped
    other = ConflictFactory(name="Parwan", start=date(2021, 8, 15), places=[world.parwan])
    in_parwan = make_claim(world.taliban, day=6, location=world.shattal).pk
    assert api_ids(api, conflict=f"{conflict.slug},{other.slug}") == inside | {
        in_parwan,
        *api_ids(api, conflict=other.slug),
    }


def test_an_unknown_conflict_is_a_400_naming_it(scoped, api):
    response = api.get("/api/v1/claims/", {"conflict": "atlantis-1999"})
    assert response.status_code == 400
    assert "conflict" in response.json()
    assert "atlantis-1999" in response.json()["conflict"][0]


def test_the_html_list_and_the_csv_export_give_the_same_claims(scoped, api, client):
    conflict, inside, _ = scoped
    html = client.get("/claims/", {"conflict": conflict.slug})
    assert html.status_code == 200
    page = html.content.decode()
    listed = {int(pk) for pk in re.findall(r'href="/claims/(\d+)/"', page)}
    assert listed == inside
    assert f'value="{conflict.slug}"' in page  # the form keeps the choice
    assert f"/api/v1/claims/export.csv?conflict={conflict.slug}" in page  # and the export link carries it
    export = api.get("/api/v1/claims/export.csv", {"conflict": conflict.slug})
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert {int(row["id"]) for row in rows} == inside
    assert api.get("/api/v1/claims/export.jsonl", {"conflict": "nowhere"}).status_code == 400


def test_the_html_list_says_an_unknown_conflict_is_unknown(scoped, client):
    response = client.get("/claims/", {"conflict": "atlantis-1999"})
    assert response.status_code == 400
    assert "atlantis-1999" in response.content.decode()


def test_the_filtered_list_runs_a_constant_number_of_queries(scoped, world, make_claim, api):
    conflict, _, _ = scoped
    path = f"/api/v1/claims/?conflict={conflict.slug}"
    with CaptureQueriesContext(connection) as first:
        assert api.get(path).status_code == 200
    for day in range(1, 30):
        make_claim(world.taliban, day=day, location=world.panjshir, citations=[{"report": world.report}])
    with CaptureQueriesContext(connection) as later:
        response = api.get(path)
    assert len(response.json()["results"]) == 32
    assert len(later) == len(first)


def test_the_conflicts_resource_lists_places_parties_and_a_link_to_its_claims(scoped, world, api):
    conflict, inside, _ = scoped
    body = api.get(f"/api/v1/conflicts/{conflict.pk}/").json()
    assert body["places"] == [{"id": world.panjshir.pk, "slug": "panjshir", "name": "Panjshir"}]
    assert [p["slug"] for p in body["parties"]] == ["taliban"]
    assert body["claims_url"].endswith(f"/api/v1/claims/?conflict={conflict.slug}")
    assert {row["id"] for row in api.get(body["claims_url"]).json()["results"]} == inside
    assert api.get("/api/v1/conflicts/", {"place": "panjshir"}).json()["count"] == 1
    assert api.get("/api/v1/conflicts/", {"party": "nrf"}).json()["count"] == 0


def test_deleting_a_place_a_conflict_covers_is_a_409_naming_the_conflict(scoped, world, token_api):
    conflict, _, _ = scoped
    response = token_api.delete(f"/api/v1/locations/{world.panjshir.pk}/")
    assert response.status_code == 409
    assert response.json()["referenced_by"] == [{"type": "conflict", "id": conflict.pk, "name": "Panjshir 2021"}]
    assert "Panjshir 2021" in response.json()["detail"]
    assert list(conflict.places.all()) == [world.panjshir]


def test_deleting_a_party_of_a_conflict_is_a_409(scoped, world, token_api):
    conflict, _, _ = scoped
    response = token_api.delete(f"/api/v1/actors/{world.taliban.pk}/")
    assert response.status_code == 409
    assert {"type": "conflict", "id": conflict.pk, "name": "Panjshir 2021"} in response.json()["referenced_by"]
    assert list(conflict.parties.all()) == [world.taliban]
