"""The map of claims (/map/) and its data (/map/data.json): content on the Panjshir example, the
claim list's filters (conflict included), places without coordinates, bad input, query counts."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils.html import escape

from claims.models import Claim
from locations.models import Location
from tests.factories import ClaimFactory, ConflictFactory, LocationFactory
from tests.support.queries import queries_for
from web.views.map import share_of

pytestmark = pytest.mark.django_db

CONFLICT = "taliban-nrf-panjshir-2021"


def map_data(html: str) -> dict:
    return json.loads(re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S).group(1))


def by_slug(data: dict) -> dict[str, dict]:
    return {place["slug"]: place for place in data["places"]}


def test_share_of_contested_claims():
    assert share_of(5, 0) == "none"
    assert share_of(5, 2) == "some"
    assert share_of(4, 2) == "most"
    assert share_of(1, 1) == "most"


def test_the_data_has_one_entry_per_place_with_its_counts_on_the_example(client, panjshir):
    response = client.get("/map/data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["claims"] == Claim.objects.count() == 14
    assert data["contested"] == 3
    assert data["unplaced"] == {"claims": 0, "contested": 0}
    assert data["as_of"] is None
    places = by_slug(data)
    # Most claims first; the places the example's claims name, and only those.
    assert [p["slug"] for p in data["places"]][:1] == ["panjshir"]
    assert set(places) == {"panjshir", "shattal", "deh-salah", "banu", "pul-e-hesar"}
    panjshir_place = Location.objects.get(slug="panjshir")
    assert places["panjshir"] == {
        "id": panjshir_place.pk,
        "slug": "panjshir",
        "name": "Panjshir",
        "kind": "Province",
        "lat": 35.31,
        "lon": 69.52,
        "claims": 7,
        "contested": 2,
        "share": "some",
        "claims_with_places_below": 7,
        "url": "/locations/panjshir/",
        "list_url": "/claims/?location=panjshir",
    }
    assert (places["shattal"]["claims"], places["shattal"]["contested"], places["shattal"]["share"]) == (1, 1, "most")
    assert (places["banu"]["claims"], places["banu"]["contested"], places["banu"]["share"]) == (2, 0, "none")


def test_the_data_takes_the_claim_lists_filters_and_keeps_them_in_its_links(client, panjshir):
    data = client.get("/map/data.json", {"conflict": CONFLICT, "status": "contested"}).json()
    assert (data["claims"], data["contested"]) == (3, 3)
    places = by_slug(data)
    assert set(places) == {"panjshir", "shattal"}
    assert places["panjshir"]["claims"] == 2
    assert places["panjshir"]["list_url"] == f"/claims/?conflict={CONFLICT}&status=contested&location=panjshir"
    # The list behind the link shows the same claims.
    listed = client.get(places["panjshir"]["list_url"])
    assert listed.status_code == 200
    assert "2 claims" in listed.content.decode()


def test_a_location_filter_is_replaced_by_the_place_in_the_links(client, panjshir):
    data = client.get("/map/data.json", {"location": "baghlan", "kind": "control"}).json()
    assert set(by_slug(data)) == {"deh-salah", "banu", "pul-e-hesar"}
    assert by_slug(data)["banu"]["list_url"] == "/claims/?kind=control&location=banu"


def test_the_conflict_scopes_the_data(client, panjshir):
    elsewhere = ConflictFactory(
        name="Elsewhere 2022", start=date(2022, 1, 1), places=[Location.objects.get(slug="afghanistan")]
    )
    ClaimFactory(
        claimant=panjshir["taliban-capture"].claimant,
        claimed_on=date(2022, 3, 2),
        location=Location.objects.get(slug="parwan"),
        summary="The Taliban hold Parwan.",
    )
    assert client.get("/map/data.json").json()["claims"] == 15
    data = client.get("/map/data.json", {"conflict": elsewhere.slug}).json()
    assert data["claims"] == 1
    assert [(p["slug"], p["claims"], p["contested"]) for p in data["places"]] == [("parwan", 1, 0)]
    assert data["places"][0]["list_url"] == "/claims/?conflict=elsewhere-2022&location=parwan"


def test_a_place_with_claims_below_it_says_how_many_its_list_shows(client, db):
    province = LocationFactory(name="Province", slug="province", kind="province", latitude=35.0, longitude=69.0)
    town = LocationFactory(name="Town", slug="town", parent=province, latitude=35.1, longitude=69.1)
    ClaimFactory(location=province)
    ClaimFactory(location=town)
    ClaimFactory(location=town)
    places = by_slug(client.get("/map/data.json").json())
    assert (places["province"]["claims"], places["province"]["claims_with_places_below"]) == (1, 3)
    assert (places["town"]["claims"], places["town"]["claims_with_places_below"]) == (2, 2)


def test_places_without_coordinates_and_claims_without_a_place_are_kept(client, place):
    nowhere = LocationFactory(name="Nowhere", slug="nowhere")
    ClaimFactory(location=place)
    ClaimFactory(location=nowhere)
    ClaimFactory(location=None)
    data = client.get("/map/data.json").json()
    assert by_slug(data)["nowhere"]["lat"] is None and by_slug(data)["nowhere"]["lon"] is None
    assert data["unplaced"] == {"claims": 1, "contested": 0}
    assert data["claims"] == 3

    html = client.get("/map/").content.decode()
    assert [p["slug"] for p in map_data(html)["places"]] == ["testville"]  # only places with coordinates
    unlocated = html.split('id="unlocated-h"')[1].split("</section>")[0]
    assert '<a href="/locations/nowhere/">Nowhere</a>' in unlocated
    assert "Testville" not in unlocated
    table = html.split('id="places-h"')[1].split("</table>")[0]
    assert '<a href="/locations/nowhere/">Nowhere</a>' in table
    assert '<a href="/locations/testville/">Testville</a>' in table
    assert "1 claim names no place" in html


def test_as_of_counts_the_claims_contested_on_that_date(client, panjshir):
    # On 2 Sep 2021 nobody had answered yet: the Taliban's claims were unverified.
    data = client.get("/map/data.json", {"as_of": "2021-09-02"}).json()
    assert data["as_of"] == "2021-09-02"
    assert data["contested"] == 0
    assert by_slug(data)["panjshir"]["claims"] == 2  # made by then: the capture and Reuters' eight killed
    assert by_slug(data)["shattal"]["share"] == "none"
    later = client.get("/map/data.json", {"as_of": "2021-09-03"}).json()
    assert later["contested"] == 3


def test_the_map_page_shows_the_places_in_a_table_and_the_map_data(client, panjshir, settings):
    settings.FOGWATCH_TILE_URL = ""
    response = client.get("/map/", {"conflict": CONFLICT})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Map of claims" in html
    assert "14 claims (3 contested) about 5 places" in html
    data = map_data(html)
    assert data["tiles"] == ""
    assert data["basemap"] == {"countries": "/static/basemap/countries.json", "admin1": "/static/basemap/admin1.json"}
    assert [p["slug"] for p in data["places"]][0] == "panjshir"
    table = html.split('id="places-h"')[1].split("</table>")[0]
    assert f'<a href="/claims/?conflict={CONFLICT}&amp;location=panjshir">7</a>' in table
    assert 'class="legend-dot fw-place-most"' in table  # Shattal: its one claim contested
    for script in ("vendor/leaflet/leaflet.js", "vendor/leaflet.markercluster/leaflet.markercluster.js"):
        assert f"/static/{script}" in html
    assert "/static/js/claims_map.js" in html and "/static/js/basemap.js" in html
    assert f'href="/claims/?conflict={CONFLICT}">in the claim list</a>' in html
    assert f'href="/map/data.json?conflict={CONFLICT}">' in html


def test_the_basemap_and_the_map_libraries_are_static_files():
    """Installed by `npm ci` and built by `npm run basemap` (the Makefile), found by the static
    finders (settings STATICFILES_DIRS): what collectstatic copies and the live server serves."""
    for path in (
        "basemap/countries.json",
        "basemap/admin1.json",
        "vendor/leaflet.markercluster/leaflet.markercluster.js",
        "vendor/leaflet.markercluster/MarkerCluster.css",
        "vendor/topojson-client/topojson-client.min.js",
    ):
        assert finders.find(path), path
    countries = json.loads(Path(finders.find("basemap/countries.json")).read_text())
    names = {g["properties"]["name"] for g in countries["objects"]["countries"]["geometries"]}
    assert "Afghanistan" in names
    admin1_path = Path(finders.find("basemap/admin1.json"))
    assert admin1_path.stat().st_size < 4_000_000  # simplified at install time
    admin1 = json.loads(admin1_path.read_text())
    divisions = [g["properties"] for g in admin1["objects"]["admin1"]["geometries"]]
    afghan = {p["name"] for p in divisions if p["a3"] == "AFG"}
    assert {"Badakhshan", "Baghlan", "Parwan", "Kabul"} <= afghan
    assert len(afghan) >= 30


def test_the_nav_links_the_map_and_keeps_the_conflict(client, panjshir):
    html = client.get("/", {"conflict": CONFLICT}).content.decode()
    assert f'<a href="/map/?conflict={CONFLICT}">Map</a>' in html
    page = client.get("/map/", {"conflict": CONFLICT}).content.decode()
    assert f'<a href="/map/?conflict={CONFLICT}" aria-current="page">Map</a>' in page
    assert f'<a href="/claims/?conflict={CONFLICT}">Claims</a>' in page


def test_bad_filters_give_the_claim_lists_errors(client, panjshir):
    response = client.get("/map/", {"kind": "bogus", "location": "atlantis", "conflict": "nowhere"})
    assert response.status_code == 400
    html = response.content.decode()
    listed = client.get("/claims/", {"kind": "bogus", "location": "atlantis", "conflict": "nowhere"})
    assert listed.status_code == 400
    summary = re.compile(r'<div class="form-errors" role="alert">.*?</div>', re.S)
    errors = summary.search(html).group(0)
    assert errors == summary.search(listed.content.decode()).group(0)
    assert "No location with the id or slug “atlantis”." in errors
    assert "No map: the filters above have errors." in html
    assert 'id="map-data"' not in html
    assert 'aria-invalid="true"' in html

    data = client.get("/map/data.json", {"kind": "bogus", "location": "atlantis"})
    assert data.status_code == 400
    assert set(data.json()) == {"kind", "location"}
    assert data.json()["location"] == ["No location with the id or slug “atlantis”."]
    assert client.get("/map/data.json", {"as_of": "yesterday"}).status_code == 400


def test_empty_fields_are_dropped_from_the_address(client, db):
    response = client.get("/map/?q=&kind=&conflict=x&location=")
    assert response.status_code == 302
    assert response["Location"] == "/map/?conflict=x"


def test_no_claims_no_map(client, db):
    html = client.get("/map/").content.decode()
    assert "No claims match these filters." in html
    assert 'id="map-data"' not in html


def test_names_are_escaped_in_the_table_and_the_json(client, db):
    payload = '<script>alert("x")</script>'
    ClaimFactory(location=LocationFactory(name=f"Place {payload}", slug="payload", latitude=1.0, longitude=2.0))
    html = client.get("/map/").content.decode()
    assert payload not in html
    assert escape(f"Place {payload}") in html


def test_the_map_runs_constant_queries(client, place):
    ClaimFactory(location=place)
    few = queries_for(client, "/map/data.json?status=unverified")
    few_page = queries_for(client, "/map/?status=unverified")
    for i in range(12):
        town = LocationFactory(parent=place, latitude=35.0 + i / 10, longitude=69.0)
        ClaimFactory(location=town)
        ClaimFactory(location=town)
    ClaimFactory(location=LocationFactory())  # no coordinates
    ClaimFactory(location=None)
    assert queries_for(client, "/map/data.json?status=unverified") == few
    assert queries_for(client, "/map/?status=unverified") == few_page


def test_the_place_page_map_has_the_offline_basemap(client, panjshir, settings):
    settings.FOGWATCH_TILE_URL = ""
    html = client.get("/locations/panjshir/").content.decode()
    data = map_data(html)
    assert data["tiles"] == ""
    assert data["basemap"]["admin1"] == "/static/basemap/admin1.json"
    assert "/static/vendor/topojson-client/topojson-client.min.js" in html
    assert "/static/js/basemap.js" in html
