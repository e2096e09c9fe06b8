"""Every claim filter of DESIGN.md through the API, with subtree expansion, as_of and the 400s."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from claims.models import Claim
from claims.services import relation_create
from tests.factories import ReportFactory, SourceFactory


@pytest.fixture
def claims(world, make_claim):
    """capture: Taliban, control of Shattal, denied on 3 Sep by the NRF (contested from then on);
    losses: Mujahid (in the Taliban bloc) on NRF casualties in Panjshir; denial: the NRF's statement;
    wire: Reuters on an attack, cited from a Reuters report; echo: a Taliban claim supported by Mujahid."""
    wire_report = ReportFactory(source=SourceFactory(name="Reuters wire", slug="reuters-wire"), title="Wire")
    capture = make_claim(
        world.taliban,
        day=2,
        kind="control",
        subject=world.taliban,
        location=world.shattal,
        summary="The Taliban took Shattal.",
        quote="Our mujahideen hold the entrance of the valley.",
        event_start=date(2021, 9, 1),
    )
    losses = make_claim(
        world.mujahid,
        day=4,
        kind="casualties",
        subject=world.nrf,
        location=world.panjshir,
        summary="The resistance lost dozens of fighters.",
        event_start=date(2021, 9, 3),
        event_end=date(2021, 9, 4),
        count_min=30,
    )
    denial = make_claim(world.nrf, day=3, location=world.panjshir, summary="The NRF denies any advance.")
    wire = make_claim(
        world.reuters,
        day=1,
        kind="attack",
        summary="At least eight Taliban fighters were killed.",
        citations=[{"report": wire_report}],
    )
    relation_create(claim=denial, target=capture, stance="denies")
    return {"capture": capture, "losses": losses, "denial": denial, "wire": wire, "wire_report": wire_report}


def ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def listed(api, **params):
    return ids(api.get("/api/v1/claims/", params))


def test_status_filter_takes_several_statuses(claims, api):
    c = claims
    assert listed(api, status="contested") == {c["capture"].pk}
    assert listed(api, status="contested,unverified") == {c["capture"].pk, c["losses"].pk, c["denial"].pk, c["wire"].pk}
    assert listed(api, status="corroborated") == set()


def test_boolean_flag_filters(claims, api):
    c = claims
    assert listed(api, contested="true") == {c["capture"].pk}
    assert listed(api, contested="false") == {c["losses"].pk, c["denial"].pk, c["wire"].pk}
    assert listed(api, corroborated="false", contested="true") == {c["capture"].pk}
    assert listed(api, unverified="false") == set()


def test_kind_filter(claims, api):
    assert listed(api, kind="casualties") == {claims["losses"].pk}


def test_claimant_by_slug_includes_actors_below_it(claims, world, api):
    assert listed(api, claimant="taliban") == {claims["capture"].pk, claims["losses"].pk}
    assert listed(api, claimant=str(world.mujahid.pk)) == {claims["losses"].pk}
    assert listed(api, claimant="afghan-resistance") == {claims["denial"].pk}


def test_subject_by_id_or_slug(claims, world, api):
    assert listed(api, subject="nrf") == {claims["losses"].pk}
    assert listed(api, subject=str(world.taliban.pk)) == {claims["capture"].pk}


def test_spokesperson_lists_the_claims_a_person_voiced(world, make_claim, api):
    voiced = make_claim(world.taliban, spokesperson=world.mujahid, day=2, summary="Mujahid: Shattal is taken.")
    make_claim(world.taliban, day=3, summary="The Taliban say the road is open.")
    assert listed(api, spokesperson=world.mujahid.slug) == {voiced.pk}
    assert listed(api, spokesperson=str(world.mujahid.pk)) == {voiced.pk}
    assert listed(api, spokesperson=world.taliban.slug) == set()
    unknown = api.get("/api/v1/claims/", {"spokesperson": "nobody-at-all"})
    assert unknown.status_code == 400 and "spokesperson" in unknown.json()


def test_location_includes_places_below_it(claims, world, api):
    c = claims
    assert listed(api, location="afghanistan") == {c["capture"].pk, c["losses"].pk, c["denial"].pk}
    assert listed(api, location="parwan") == {c["capture"].pk}
    assert listed(api, location=str(world.panjshir.pk)) == {c["losses"].pk, c["denial"].pk}


def test_source_and_report_filters(claims, world, api):
    assert listed(api, source="reuters-wire") == {claims["wire"].pk}
    assert listed(api, source=str(world.source.pk)) == {claims["capture"].pk, claims["losses"].pk, claims["denial"].pk}
    assert listed(api, report=str(claims["wire_report"].pk)) == {claims["wire"].pk}


def test_claimed_date_range_includes_its_bounds(claims, api):
    c = claims
    assert listed(api, claimed_after="2021-09-03") == {c["losses"].pk, c["denial"].pk}
    assert listed(api, claimed_before="2021-09-02") == {c["capture"].pk, c["wire"].pk}
    assert listed(api, claimed_after="2021-09-02", claimed_before="2021-09-03") == {c["capture"].pk, c["denial"].pk}


def test_event_date_range_matches_overlapping_windows(claims, api):
    c = claims
    assert listed(api, event_after="2021-09-04") == {c["losses"].pk}
    assert listed(api, event_before="2021-09-01") == {c["capture"].pk}
    assert listed(api, event_after="2021-09-02", event_before="2021-09-03") == {c["losses"].pk}


def test_q_searches_summary_and_quote(claims, api):
    assert listed(api, q="shattal") == {claims["capture"].pk}
    assert listed(api, q="MUJAHIDEEN") == {claims["capture"].pk}
    assert listed(api, q="nobody said this") == set()


def test_updated_since_takes_any_utc_offset(claims, api):
    assert len(listed(api, updated_since="2000-01-01T00:00:00-17:17")) == 4
    assert len(listed(api, updated_since="2000-01-01")) == 4


def test_updated_since(claims, api):
    assert len(listed(api, updated_since=(timezone.now() - timedelta(hours=1)).isoformat())) == 4
    assert listed(api, updated_since=(timezone.now() + timedelta(hours=1)).isoformat()) == set()


@pytest.mark.parametrize(
    ("ordering", "key"),
    [
        ("claimed_on", lambda c: (c.claimed_on, c.pk)),
        ("-claimed_on", lambda c: (-c.claimed_on.toordinal(), -c.pk)),
        ("id", lambda c: c.pk),
        ("updated_at", lambda c: (c.updated_at, c.pk)),
    ],
)
def test_ordering_is_stable(claims, make_claim, world, api, ordering, key):
    make_claim(world.nrf, day=2, summary="A second claim on the 2nd.")
    response = api.get("/api/v1/claims/", {"ordering": ordering})
    expected = [c.pk for c in sorted(Claim.objects.all(), key=key)]
    assert [row["id"] for row in response.json()["results"]] == expected


def test_default_order_is_newest_claim_first(claims, api):
    rows = api.get("/api/v1/claims/").json()["results"]
    assert [r["claimed_on"] for r in rows] == sorted((r["claimed_on"] for r in rows), reverse=True)


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("status", "bogus"),
        ("status", "contested,nonsense"),
        ("contested", "maybe"),
        ("corroborated", "2"),
        ("unverified", "yes please"),
        ("kind", "rumour"),
        ("claimant", "nobody"),
        ("claimant", "987654321"),
        ("claimant", "²"),
        ("report", "100%"),
        ("source", "%s%(x)s"),
        ("updated_since", "0001-01-01T00:00:00+10:00"),
        ("subject", "99999999999999999999999"),
        ("location", "atlantis"),
        ("source", "nowhere-news"),
        ("report", "slug-not-id"),
        ("claimed_after", "2021-02-30"),
        ("claimed_before", "not a date"),
        ("event_after", "2021-13-01"),
        ("event_before", "tomorrow"),
        ("updated_since", "last week"),
        ("as_of", "2021-9-xx"),
        ("ordering", "summary"),
    ],
)
def test_bad_filter_value_is_400_naming_the_parameter(claims, api, param, value):
    response = api.get("/api/v1/claims/", {param: value})
    assert response.status_code == 400
    assert param in response.json()


def test_as_of_leaves_out_later_claims_and_shows_flags_as_they_stood(claims, api):
    c = claims
    rows = {r["id"]: r for r in api.get("/api/v1/claims/", {"as_of": "2021-09-02"}).json()["results"]}
    assert set(rows) == {c["capture"].pk, c["wire"].pk}
    capture = rows[c["capture"].pk]
    assert (capture["status"], capture["contested"], capture["as_of"]) == ("unverified", False, "2021-09-02")
    assert [r["code"] for r in capture["reasons"]] == ["no_independent_support"]
    assert capture["relations_received"] == []  # the denial was made on the 3rd

    rows = {r["id"]: r for r in api.get("/api/v1/claims/", {"as_of": "2021-09-03"}).json()["results"]}
    assert rows[c["capture"].pk]["status"] == "contested"
    assert "denied_by" in [r["code"] for r in rows[c["capture"].pk]["reasons"]]


def test_status_filters_use_the_as_of_values(claims, api):
    c = claims
    assert listed(api, as_of="2021-09-02", status="contested") == set()
    assert listed(api, as_of="2021-09-02", contested="true") == set()
    assert listed(api, as_of="2021-09-02", status="unverified") == {c["capture"].pk, c["wire"].pk}
    assert listed(api, as_of="2021-09-03", contested="true") == {c["capture"].pk}
    assert listed(api, as_of="2021-09-03", status="unverified", kind="control") == set()


def test_as_of_counts_a_verdict_from_its_date(claims, editor_api, api):
    c = claims
    editor_api.patch(
        f"/api/v1/claims/{c['wire'].pk}/", {"verdict": "confirmed", "verdict_on": "2021-09-05"}, format="json"
    )
    assert api.get(f"/api/v1/claims/{c['wire'].pk}/", {"as_of": "2021-09-04"}).json()["status"] == "unverified"
    assert api.get(f"/api/v1/claims/{c['wire'].pk}/", {"as_of": "2021-09-05"}).json()["status"] == "confirmed"
    assert listed(api, as_of="2021-09-04", status="confirmed") == set()
    assert listed(api, as_of="2021-09-05", status="confirmed") == {c["wire"].pk}


def test_claim_as_of_a_date_before_it_was_made_is_404(claims, api):
    c = claims
    assert api.get(f"/api/v1/claims/{c['losses'].pk}/", {"as_of": "2021-09-03"}).status_code == 404
    body = api.get(f"/api/v1/claims/{c['capture'].pk}/", {"as_of": "2021-09-02"}).json()
    assert (body["status"], body["as_of"]) == ("unverified", "2021-09-02")
    assert api.get(f"/api/v1/claims/{c['capture'].pk}/", {"as_of": "soon"}).status_code == 400


def test_as_of_never_changes_the_stored_flags(claims, api):
    api.get("/api/v1/claims/", {"as_of": "2021-09-02"})
    claims["capture"].refresh_from_db()
    assert claims["capture"].status == "contested"
