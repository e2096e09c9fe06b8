"""/api/v1/locations/, /actors/, /sources/: the claim counts of each object (own and with the
subtree), ``?conflict=`` scoping them, the word search ``?q=``, ``?slug=``, bad input, query counts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ActorFactory, ClaimFactory, ConflictFactory, LocationFactory, ReportFactory, SourceFactory


def rows(response) -> dict[str, dict]:
    assert response.status_code == 200, response.json()
    return {row["slug"]: row for row in response.json()["results"]}


def counts(response, *fields: str) -> dict[str, tuple]:
    return {slug: tuple(row[f] for f in fields) for slug, row in rows(response).items()}


@pytest.fixture
def claims(world, make_claim):
    """Claims about Shattal (2) and Parwan (1) and Panjshir (1); made by the NRF (2), Dashti (1) and
    the Taliban (1)."""
    make_claim(world.nrf, location=world.shattal)
    make_claim(world.dashti, location=world.shattal)
    make_claim(world.nrf, location=world.parwan, day=20)
    make_claim(world.taliban, location=world.panjshir)


def test_locations_have_their_own_and_their_subtree_counts(world, claims, api):
    found = counts(api.get("/api/v1/locations/"), "claim_count", "subtree_claim_count")
    assert found == {
        "afghanistan": (0, 4),
        "parwan": (1, 3),
        "shattal": (2, 2),
        "panjshir": (1, 1),
    }
    detail = api.get(f"/api/v1/locations/{world.parwan.pk}/").json()
    assert (detail["claim_count"], detail["subtree_claim_count"]) == (1, 3)
    # The subtree count is what the claim list filtered by the place holds.
    assert api.get("/api/v1/claims/", {"location": "parwan"}).json()["count"] == 3


def test_actors_count_the_claims_of_the_actors_below_them(world, claims, api):
    found = counts(api.get("/api/v1/actors/"), "claim_count", "subtree_claim_count")
    assert found["afghan-resistance"] == (0, 3)
    assert found["nrf"] == (2, 3)
    assert found["taliban"] == (1, 1)
    assert found["reuters"] == (0, 0)
    assert api.get("/api/v1/claims/", {"claimant": "afghan-resistance"}).json()["count"] == 3


def test_sources_count_each_claim_cited_from_them_once(world, claims, make_claim, api):
    second = ReportFactory(source=world.source)
    make_claim(world.nrf, citations=[{"report": world.report}, {"report": second}])
    other = SourceFactory(name="Wire", slug="wire")
    found = counts(api.get("/api/v1/sources/"), "claim_count", "report_count")
    assert found == {"rt": (5, 2), "wire": (0, 0)}
    assert api.get(f"/api/v1/sources/{other.pk}/").json()["claim_count"] == 0
    assert api.get("/api/v1/claims/", {"source": "rt"}).json()["count"] == 5


def test_a_conflict_scopes_the_counts_not_the_list(world, claims, api):
    ConflictFactory(
        name="Parwan war", slug="parwan-war", start=date(2021, 9, 1), end=date(2021, 9, 10), places=[world.parwan]
    )
    response = api.get("/api/v1/locations/", {"conflict": "parwan-war"})
    found = counts(response, "claim_count", "subtree_claim_count")
    assert found == {"afghanistan": (0, 2), "parwan": (0, 2), "shattal": (2, 2), "panjshir": (0, 0)}  # day 20 is out
    assert counts(api.get("/api/v1/actors/", {"conflict": "parwan-war"}), "subtree_claim_count")["nrf"] == (2,)
    assert counts(api.get("/api/v1/sources/", {"conflict": "parwan-war"}), "claim_count") == {"rt": (2,)}
    detail = api.get(f"/api/v1/locations/{world.afghanistan.pk}/", {"conflict": "parwan-war"}).json()
    assert detail["subtree_claim_count"] == 2
    response = api.get("/api/v1/locations/", {"conflict": "atlantis"})
    assert response.status_code == 400 and "conflict" in response.json()


def test_q_matches_every_word_in_the_name_slug_or_an_alias(world, api):
    kabul = LocationFactory(
        name="Kabul", slug="kabul", kind="province", parent=world.afghanistan, aliases=["کابل", "Кабул"]
    )
    assert set(rows(api.get("/api/v1/locations/", {"q": "کابل"}))) == {"kabul"}
    assert set(rows(api.get("/api/v1/locations/", {"q": "Кабул kab"}))) == {"kabul"}
    assert set(rows(api.get("/api/v1/locations/", {"q": "kabul parwan"}))) == set()
    if connection.vendor == "postgresql":
        assert set(rows(api.get("/api/v1/locations/", {"q": "КАБУЛ"}))) == {kabul.slug}
    assert set(rows(api.get("/api/v1/actors/", {"q": "resistance front"}))) == {"nrf"}
    assert set(rows(api.get("/api/v1/actors/", {"q": "RESISTANCE"}))) == {"nrf", "afghan-resistance"}
    assert set(rows(api.get("/api/v1/sources/", {"q": "RT"}))) == {"rt"}
    assert set(rows(api.get("/api/v1/locations/", {"slug": "kabul"}))) == {"kabul"}
    assert set(rows(api.get("/api/v1/locations/", {"slug": "kab"}))) == set()


@pytest.mark.parametrize("resource", ["locations", "actors", "sources"])
def test_bad_search_input_is_a_400_naming_q(world, api, resource):
    for value in ("x" * 201, "a\x00b"):
        response = api.get(f"/api/v1/{resource}/", {"q": value})
        assert response.status_code == 400 and "q" in response.json(), value
    assert api.get(f"/api/v1/{resource}/", {"q": "%_\\'"}).status_code == 200
    assert api.get(f"/api/v1/{resource}/", {"page": "999"}).status_code == 404


def test_a_new_object_answers_with_its_counts(world, editor_api):
    response = editor_api.post("/api/v1/locations/", {"name": "Bazarak", "parent": world.panjshir.pk}, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["claim_count"], response.json()["subtree_claim_count"]) == (0, 0)
    response = editor_api.patch(f"/api/v1/actors/{world.nrf.pk}/", {"description": "The NRF."}, format="json")
    assert response.status_code == 200 and response.json()["subtree_claim_count"] == 0
    response = editor_api.post("/api/v1/sources/", {"name": "Tolo", "kind": "independent_media"}, format="json")
    assert response.status_code == 201 and response.json()["claim_count"] == 0


PATHS = [
    "/api/v1/locations/",
    "/api/v1/locations/?q=village&conflict=parwan-war",
    "/api/v1/actors/",
    "/api/v1/actors/?q=member&conflict=parwan-war",
    "/api/v1/sources/",
    "/api/v1/sources/?q=outlet&conflict=parwan-war",
]


def grow(world, n: int) -> None:
    for i in range(n):
        village = LocationFactory(name=f"Village {i}", kind="village", parent=world.shattal)
        member = ActorFactory(name=f"Member {i}", parent=world.nrf if i % 2 else world.taliban)
        report = ReportFactory(source=SourceFactory(name=f"Outlet {i}"))
        ClaimFactory(claimant=member, location=village, claimed_on=date(2021, 9, 2), citations=[{"report": report}])


def test_the_lists_run_a_constant_number_of_queries(world, api, settings):
    settings.FOGWATCH_VERSION_CACHE_SECONDS = 0  # every request computes its counts
    ConflictFactory(name="Parwan war", slug="parwan-war", places=[world.parwan])
    grow(world, 2)
    few = {}
    for path in PATHS:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(path).status_code == 200
        few[path] = len(queries)
    grow(world, 60)
    for path in PATHS:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(path)
        assert response.status_code == 200 and len(response.json()["results"]) == 50, path
        assert len(queries) == few[path], path
    assert max(few.values()) <= 4  # the conflict, the count, the page's rows, their claim counts


def test_the_schema_describes_the_counts_and_the_scope(db, api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    for name, fields in (
        ("Location", ("claim_count", "subtree_claim_count")),
        ("Actor", ("claim_count", "subtree_claim_count")),
        ("Source", ("claim_count",)),
    ):
        for field in fields:
            assert components[name]["properties"][field]["readOnly"] is True, (name, field)
            assert field not in components[f"{name}Request"]["properties"]
    for resource in ("locations", "actors", "sources"):
        parameters = {p["name"]: p for p in schema["paths"][f"/api/v1/{resource}/"]["get"]["parameters"]}
        assert {"q", "slug", "conflict", "page"} <= set(parameters), resource
        assert "At most 200 characters" in parameters["q"]["description"]
        assert "not narrowed" in parameters["conflict"]["description"]
