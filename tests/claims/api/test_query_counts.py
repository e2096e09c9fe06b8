"""List endpoints run a constant number of queries whatever the page holds (1 row or 50)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.services import relation_create
from tests.factories import ActorFactory, LocationFactory, ReportFactory, SourceFactory


def grow(world, make_claim, n: int) -> None:
    """Add ``n`` of everything, each row with its related objects filled in."""
    for i in range(n):
        actor = ActorFactory(parent=world.nrf if i % 2 else world.taliban)
        location = LocationFactory(parent=world.parwan)
        source = SourceFactory(actor=actor)
        report = ReportFactory(source=source)
        claim = make_claim(
            actor,
            spokesperson=actor,
            kind="control",
            subject=world.taliban,
            location=location,
            event_start=date(2021, 9, 1),
            citations=[{"report": report}, {"report": world.report}],
        )
        relation_create(claim=make_claim(world.reuters, day=3), target=claim, stance="supports")


PATHS = [
    "/api/v1/actors/",
    "/api/v1/locations/",
    "/api/v1/sources/",
    "/api/v1/reports/",
    "/api/v1/claims/",
    "/api/v1/claims/?as_of=2021-09-02",
    "/api/v1/claims/?as_of=2021-09-03&status=corroborated,unverified",
    "/api/v1/claims/?claimant=taliban&location=afghanistan&source=rt",
    "/api/v1/claims/?q=taliban+claim",
    "/api/v1/relations/",
]


def test_lists_run_a_constant_number_of_queries(world, make_claim, api, django_assert_max_num_queries):
    grow(world, make_claim, 1)
    one_row = {}
    for path in PATHS:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(path).status_code == 200
        one_row[path] = len(queries)
    grow(world, make_claim, 49)
    for path in PATHS:
        with django_assert_max_num_queries(one_row[path]):
            response = api.get(path)
        assert response.status_code == 200
        assert len(response.json()["results"]) >= 50 or "=" in path, path


def test_control_timeline_runs_a_constant_number_of_queries(world, make_claim, api, django_assert_max_num_queries):
    grow(world, make_claim, 1)
    place = world.shattal
    make_claim(world.taliban, kind="control", subject=world.taliban, location=place, event_start=date(2021, 9, 1))
    with CaptureQueriesContext(connection) as few:
        api.get(f"/api/v1/locations/{place.pk}/control/")
    for day in range(2, 30):
        make_claim(world.nrf, kind="control", subject=world.nrf, location=place, event_start=date(2021, 8, day))
    with django_assert_max_num_queries(len(few)):
        assert api.get(f"/api/v1/locations/{place.pk}/control/").status_code == 200


@pytest.mark.parametrize(
    "window",
    [
        pytest.param({}, id="whole-history"),
        pytest.param({"start": "2021-08-10", "end": "2021-08-20"}, id="season"),
        pytest.param({"start": "2021-08-15", "as_of": "2021-09-10"}, id="open-end-as-of"),
    ],
)
def test_control_timeline_window_runs_a_constant_number_of_queries(
    world, make_claim, api, django_assert_max_num_queries, window
):
    place = world.shattal
    make_claim(world.taliban, kind="control", subject=world.taliban, location=place, event_start=date(2021, 8, 15))
    with CaptureQueriesContext(connection) as few:
        assert len(api.get(f"/api/v1/locations/{place.pk}/control/", window).json()["claims"]) == 1
    for day in range(2, 30):
        actor = world.nrf if day % 2 else world.taliban
        make_claim(actor, kind="control", subject=actor, location=place, event_start=date(2021, 8, day))
    with django_assert_max_num_queries(len(few)):
        body = api.get(f"/api/v1/locations/{place.pk}/control/", window).json()
    assert len(body["claims"]) > 5 and body["intervals"]


def test_a_deep_page_reads_its_ids_first_and_shows_the_same_claims(world, make_claim, api, monkeypatch):
    """Past ``Counted.deferred_after`` rows the page's ids are read first, then their rows: the page
    holds the same claims, in the same order, with the same documents as the one-query page."""
    from core.api.pagination import Counted

    grow(world, make_claim, 12)
    paths = ["/api/v1/claims/?page_size=5&page=3", "/api/v1/claims/?page_size=4&page=2&ordering=id"]
    shallow = {path: api.get(path).json() for path in paths}
    monkeypatch.setattr(Counted, "deferred_after", 2)
    for path in paths:
        deep = api.get(path).json()
        assert [c["id"] for c in deep["results"]] == [c["id"] for c in shallow[path]["results"]], path
        assert deep == shallow[path], path
        assert deep["results"] and deep["count"] == shallow[path]["count"]
