"""The control timeline: the pure interval function, and /api/v1/locations/{id}/control/."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.services import relation_create
from claims.timeline import ControlFact, Interval, clip_intervals, control_intervals


def d(day: int, month: int = 9) -> date:
    return date(2021, month, day)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        pytest.param([], [], id="nothing claimed"),
        pytest.param([ControlFact(1, 10, d(2))], [Interval(d(2), d(2), (10,), (1,))], id="no end means one day"),
        pytest.param(
            [ControlFact(1, 10, d(1), d(5)), ControlFact(2, 20, d(4), d(8))],
            [
                Interval(d(1), d(3), (10,), (1,)),
                Interval(d(4), d(5), (10, 20), (1, 2)),
                Interval(d(6), d(8), (20,), (2,)),
            ],
            id="overlap of two blocs is its own contested run",
        ),
        pytest.param(
            [ControlFact(1, 10, d(1), d(3)), ControlFact(2, 10, d(4), d(6))],
            [Interval(d(1), d(6), (10,), (1, 2))],
            id="adjacent claims of one bloc merge",
        ),
        pytest.param(
            [ControlFact(1, 10, d(1), d(2)), ControlFact(2, 10, d(5))],
            [Interval(d(1), d(2), (10,), (1,)), Interval(d(5), d(5), (10,), (2,))],
            id="a gap splits runs",
        ),
        pytest.param(
            [ControlFact(1, 10, d(1), d(9)), ControlFact(2, 20, d(3), d(4), inert=True)],
            [Interval(d(1), d(9), (10,), (1,))],
            id="inert claims do not count",
        ),
        pytest.param(
            [ControlFact(1, 10, d(1), d(9)), ControlFact(2, 10, d(3), d(4))],
            [Interval(d(1), d(9), (10,), (1, 2))],
            id="a claim inside another of the same bloc changes nothing",
        ),
        pytest.param(
            [ControlFact(1, 10, date.max), ControlFact(2, 10, date.min)],
            [Interval(date.min, date.min, (10,), (2,)), Interval(date.max, date.max, (10,), (1,))],
            id="extreme dates",
        ),
    ],
)
def test_control_intervals(facts, expected):
    result = control_intervals(facts)
    assert result == expected
    assert [i.contested for i in result] == [len(i.blocs) > 1 for i in expected]


@pytest.fixture
def shattal_claims(world, make_claim):
    def control(claimant, subject, day, start, end=None, **extra):
        return make_claim(
            claimant,
            day=day,
            kind="control",
            subject=subject,
            location=world.shattal,
            event_start=start,
            event_end=end,
            **extra,
        )

    return {
        "taliban": control(world.taliban, world.taliban, 4, d(2), d(5)),
        "nrf": control(world.nrf, world.nrf, 6, d(4), d(8)),
        "undated": make_claim(world.nrf, day=7, kind="control", subject=world.dashti, location=world.shattal),
        "elsewhere": make_claim(
            world.taliban, kind="control", subject=world.taliban, location=world.panjshir, event_start=d(1)
        ),
    }


def test_control_timeline_endpoint(world, shattal_claims, api):
    c = shattal_claims
    response = api.get(f"/api/v1/locations/{world.shattal.pk}/control/")
    assert response.status_code == 200
    body = response.json()
    assert body["location"] == {"id": world.shattal.pk, "slug": "shattal", "name": "Shattal"}
    assert [row["id"] for row in body["claims"]] == [c["taliban"].pk, c["nrf"].pk, c["undated"].pk]
    assert (body["start"], body["end"]) == (None, None)  # no window: the whole history
    taliban = {"id": world.taliban.pk, "slug": "taliban", "name": "Taliban"}
    resistance = {"id": world.resistance.pk, "slug": "afghan-resistance", "name": "Afghan resistance"}
    assert body["intervals"] == [
        {
            "start": "2021-09-02",
            "end": "2021-09-03",
            "blocs": [taliban],
            "contested": False,
            "claims": [c["taliban"].pk],
        },
        {
            "start": "2021-09-04",
            "end": "2021-09-05",
            "blocs": sorted([taliban, resistance], key=lambda b: b["id"]),
            "contested": True,
            "claims": sorted([c["taliban"].pk, c["nrf"].pk]),
        },
        {
            "start": "2021-09-06",
            "end": "2021-09-08",
            "blocs": [resistance],
            "contested": False,
            "claims": [c["nrf"].pk],
        },
    ]


def test_control_timeline_as_of_leaves_out_later_claims(world, shattal_claims, api):
    body = api.get(f"/api/v1/locations/{world.shattal.pk}/control/", {"as_of": "2021-09-05"}).json()
    assert body["as_of"] == "2021-09-05"
    assert [row["id"] for row in body["claims"]] == [shattal_claims["taliban"].pk]
    assert [(i["start"], i["end"], i["contested"]) for i in body["intervals"]] == [("2021-09-02", "2021-09-05", False)]


def test_control_timeline_ignores_retracted_claims(world, shattal_claims, make_claim, api):
    retraction = make_claim(world.nrf, day=9, summary="We never held Shattal.")
    relation_create(claim=retraction, target=shattal_claims["nrf"], stance="retracts")
    body = api.get(f"/api/v1/locations/{world.shattal.pk}/control/").json()
    assert all(not i["contested"] for i in body["intervals"])
    assert [(i["start"], i["end"]) for i in body["intervals"]] == [("2021-09-02", "2021-09-05")]
    # as of before the retraction, the NRF's claim still counted
    assert {row["id"]: row["status"] for row in body["claims"]}[shattal_claims["nrf"].pk] == "retracted"
    body = api.get(f"/api/v1/locations/{world.shattal.pk}/control/", {"as_of": "2021-09-08"}).json()
    assert any(i["contested"] for i in body["intervals"])
    then = {row["id"]: row for row in body["claims"]}[shattal_claims["nrf"].pk]
    assert then["status"] != "retracted" and then["contested"] is True


def test_control_timeline_is_served_from_the_cache_until_a_write(world, shattal_claims, make_claim, api, settings):
    settings.FOGWATCH_VERSION_CACHE_SECONDS = 600
    url = f"/api/v1/locations/{world.shattal.pk}/control/"
    first = api.get(url, {"start": "2021-09-01", "end": "2021-09-30"}).json()
    with CaptureQueriesContext(connection) as again:
        assert api.get(url, {"start": "2021-09-01", "end": "2021-09-30"}).json() == first
    assert len(again) <= 2  # the place and the data version: the rows and intervals come from the cache
    assert any(i["contested"] for i in first["intervals"])
    retraction = make_claim(world.nrf, day=9, summary="We never held Shattal.")
    relation_create(claim=retraction, target=shattal_claims["nrf"], stance="retracts")
    after = api.get(url, {"start": "2021-09-01", "end": "2021-09-30"}).json()
    assert not any(i["contested"] for i in after["intervals"])
    assert {row["id"]: row["status"] for row in after["claims"]}[shattal_claims["nrf"].pk] == "retracted"


def test_control_timeline_errors(world, api):
    assert api.get("/api/v1/locations/987654321/control/").status_code == 404
    response = api.get(f"/api/v1/locations/{world.shattal.pk}/control/", {"as_of": "someday"})
    assert response.status_code == 400 and "as_of" in response.json()


def test_control_timeline_claims_come_in_brief(world, shattal_claims, api):
    body = api.get(f"/api/v1/locations/{world.shattal.pk}/control/").json()
    claim = shattal_claims["taliban"]
    claim.refresh_from_db()
    assert body["claims"][0] == {
        "id": claim.pk,
        "url": f"http://testserver/api/v1/claims/{claim.pk}/",
        "claimant": {"id": world.taliban.pk, "slug": "taliban", "name": "Taliban"},
        "subject": {"id": world.taliban.pk, "slug": "taliban", "name": "Taliban"},
        "event_start": "2021-09-02",
        "event_end": "2021-09-05",
        "status": claim.status,
        "contested": True,  # the NRF claims 4–8 September for the other bloc
    }


def test_control_timeline_window_cuts_intervals_and_keeps_overlapping_claims(world, shattal_claims, api):
    c = shattal_claims
    body = api.get(
        f"/api/v1/locations/{world.shattal.pk}/control/", {"start": "2021-09-05", "end": "2021-09-06"}
    ).json()
    assert (body["start"], body["end"]) == ("2021-09-05", "2021-09-06")
    # both windows overlap 5–6 September; the undated claim was made on the 7th
    assert [row["id"] for row in body["claims"]] == [c["taliban"].pk, c["nrf"].pk]
    assert [(i["start"], i["end"], i["contested"], i["claims"]) for i in body["intervals"]] == [
        ("2021-09-05", "2021-09-05", True, sorted([c["taliban"].pk, c["nrf"].pk])),
        ("2021-09-06", "2021-09-06", False, [c["nrf"].pk]),
    ]


def test_control_timeline_window_counts_a_claim_that_started_before_it(world, shattal_claims, api):
    c = shattal_claims
    body = api.get(f"/api/v1/locations/{world.shattal.pk}/control/", {"start": "2021-09-07"}).json()
    assert (body["start"], body["end"]) == ("2021-09-07", None)
    # the NRF's claim runs 4–8 September; the undated claim is in by its claimed_on (7 September)
    assert [row["id"] for row in body["claims"]] == [c["nrf"].pk, c["undated"].pk]
    assert [(i["start"], i["end"], i["contested"]) for i in body["intervals"]] == [("2021-09-07", "2021-09-08", False)]
    body = api.get(f"/api/v1/locations/{world.shattal.pk}/control/", {"end": "2021-09-03"}).json()
    assert [row["id"] for row in body["claims"]] == [c["taliban"].pk]
    assert [(i["start"], i["end"]) for i in body["intervals"]] == [("2021-09-02", "2021-09-03")]


def test_control_timeline_window_with_no_claims_is_empty(world, shattal_claims, api):
    body = api.get(
        f"/api/v1/locations/{world.shattal.pk}/control/", {"start": "2022-01-01", "end": "2022-03-31"}
    ).json()
    assert body["claims"] == [] and body["intervals"] == []


def test_control_timeline_window_as_of(world, shattal_claims, api):
    params = {"start": "2021-09-05", "end": "2021-09-30", "as_of": "2021-09-05"}
    body = api.get(f"/api/v1/locations/{world.shattal.pk}/control/", params).json()
    assert [row["id"] for row in body["claims"]] == [shattal_claims["taliban"].pk]  # the NRF spoke on the 6th
    assert [(i["start"], i["end"], i["contested"]) for i in body["intervals"]] == [("2021-09-05", "2021-09-05", False)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"start": "2021-09-06", "end": "2021-09-05"}, "end", id="end-before-start"),
        pytest.param({"start": "5 Sept"}, "start", id="bad-start"),
        pytest.param({"end": "2021-02-30"}, "end", id="bad-end"),
    ],
)
def test_control_timeline_bad_window_is_a_400_naming_the_field(world, api, params, field):
    response = api.get(f"/api/v1/locations/{world.shattal.pk}/control/", params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


RUNS = [Interval(d(1), d(3), (10,), (1,)), Interval(d(4), d(5), (10, 20), (1, 2)), Interval(d(8), d(9), (20,), (2,))]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(None, None, RUNS, id="no window keeps all"),
        pytest.param(d(2), d(4), [Interval(d(2), d(3), (10,), (1,)), Interval(d(4), d(4), (10, 20), (1, 2))], id="cut"),
        pytest.param(d(6), d(7), [], id="a gap between runs"),
        pytest.param(d(5), None, [Interval(d(5), d(5), (10, 20), (1, 2)), RUNS[2]], id="open end"),
        pytest.param(None, d(1), [Interval(d(1), d(1), (10,), (1,))], id="open start, one day"),
    ],
)
def test_clip_intervals(start, end, expected):
    assert clip_intervals(RUNS, start, end) == expected
