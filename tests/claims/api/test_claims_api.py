"""Claims through the API: nested citations, read-only derived fields, automatic relations, paging."""

from datetime import date

import pytest

from claims.models import Citation, Claim, Relation
from tests.factories import ReportFactory, SourceFactory


@pytest.fixture
def payload(world):
    return {
        "claimant": world.taliban.pk,
        "spokesperson": world.mujahid.pk,
        "claimed_on": "2021-09-02",
        "kind": "control",
        "summary": "The Taliban took the town of Shattal.",
        "subject": world.taliban.pk,
        "location": world.shattal.pk,
        "event_start": "2021-09-02",
        "citations": [{"report": world.report.pk, "quote": "We took Shattal."}],
    }


def test_claim_is_written_with_nested_citations(world, payload, editor_api):
    second = ReportFactory(source=SourceFactory(name="Reuters wire", reliability="A"), title="Wire copy")
    payload["citations"].append({"report": second.pk})
    response = editor_api.post("/api/v1/claims/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    cited = [(c["report"]["id"], c["quote"]) for c in body["citations"]]
    assert cited == [(world.report.pk, "We took Shattal."), (second.pk, "")]
    wire = body["citations"][1]["report"]
    assert wire["source"] == {"id": second.source.pk, "slug": "reuters-wire", "name": "Reuters wire"}
    assert wire["reliability"] == "A"
    assert Citation.objects.filter(claim_id=body["id"]).count() == 2
    assert body["claimant"] == {"id": world.taliban.pk, "slug": "taliban", "name": "Taliban"}
    assert body["location"]["slug"] == "shattal"


def test_update_replaces_the_citation_set(world, payload, editor_api):
    claim_id = editor_api.post("/api/v1/claims/", payload, format="json").json()["id"]
    other = ReportFactory(source=world.source, title="Follow-up")
    payload["citations"] = [{"report": other.pk, "quote": "again"}]
    response = editor_api.put(f"/api/v1/claims/{claim_id}/", payload, format="json")
    assert response.status_code == 200, response.json()
    assert [c["report"]["id"] for c in response.json()["citations"]] == [other.pk]
    assert list(Citation.objects.filter(claim_id=claim_id).values_list("report_id", flat=True)) == [other.pk]


def test_partial_update_without_citations_keeps_them(world, payload, editor_api):
    claim_id = editor_api.post("/api/v1/claims/", payload, format="json").json()["id"]
    response = editor_api.patch(f"/api/v1/claims/{claim_id}/", {"quote": "Shattal is ours."}, format="json")
    assert response.status_code == 200
    assert [c["report"]["id"] for c in response.json()["citations"]] == [world.report.pk]


def test_a_claim_without_citations_is_refused(world, payload, editor_api):
    payload["citations"] = []
    response = editor_api.post("/api/v1/claims/", payload, format="json")
    assert response.status_code == 400
    assert "citations" in response.json()
    assert not Claim.objects.exists()


def test_emptying_the_citations_is_refused_and_keeps_them(world, payload, editor_api):
    claim_id = editor_api.post("/api/v1/claims/", payload, format="json").json()["id"]
    response = editor_api.patch(f"/api/v1/claims/{claim_id}/", {"citations": []}, format="json")
    assert response.status_code == 400
    assert "citations" in response.json()
    assert Citation.objects.filter(claim_id=claim_id).count() == 1


@pytest.mark.parametrize(
    "citations",
    [[{"report": 987654321}], [{"report": "abc"}], [{"quote": "no report"}], ["7"], {"report": 1}, "x", [None]],
)
def test_bad_citations_are_400_naming_citations(world, payload, editor_api, citations):
    payload["citations"] = citations
    response = editor_api.post("/api/v1/claims/", payload, format="json")
    assert response.status_code == 400
    assert "citations" in response.json()
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"claimant": 987654321}, "claimant"),
        ({"claimant": None}, "claimant"),
        ({"claimant": True}, "claimant"),
        ({"claimant": "²"}, "claimant"),
        ({"claimant": 0}, "claimant"),
        ({"location": None}, "location"),  # a control claim needs a place
        ({"subject": 10**25}, "subject"),
        ({"kind": "rumour"}, "kind"),
        ({"claimed_on": "yesterday"}, "claimed_on"),
        ({"claimed_on": "2999-01-01"}, "claimed_on"),
        ({"event_end": "2021-08-01"}, "event_end"),
        ({"count_min": -1}, "count_min"),
        ({"count_min": 5, "count_max": 2}, "count_max"),
        ({"count_max": 10**12}, "count_max"),
        ({"spokesperson": "dashti"}, "spokesperson"),
        ({"summary": ""}, "summary"),
        ({"summary": ["not", "text"]}, "summary"),
        ({"verdict": "maybe"}, "verdict"),
        ({"verdict_on": "2021-09-05"}, "verdict_on"),  # a date without a verdict
    ],
)
def test_bad_claims_are_400_naming_the_field(world, payload, editor_api, change, field):
    if change.get("spokesperson") == "dashti":
        change = {"spokesperson": world.dashti.pk}  # not in the claimant's bloc
    response = editor_api.post("/api/v1/claims/", {**payload, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Claim.objects.exists()


def test_derived_fields_are_read_only(world, payload, editor_api):
    forged = {
        "status": "confirmed",
        "contested": True,
        "corroborated": True,
        "unverified": False,
        "reasons": [{"code": "verdict", "text": "trust me"}],
    }
    response = editor_api.post("/api/v1/claims/", {**payload, **forged}, format="json")
    assert response.status_code == 201
    claim = Claim.objects.get(pk=response.json()["id"])
    assert (claim.status, claim.contested, claim.corroborated, claim.unverified) == (
        "unverified",
        False,
        False,
        True,
    )
    assert [r["code"] for r in claim.reasons] == ["no_independent_support"]
    response = editor_api.patch(f"/api/v1/claims/{claim.pk}/", forged, format="json")
    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.status == "unverified" and response.json()["status"] == "unverified"


def test_verdict_through_the_api_changes_the_status(world, payload, editor_api):
    claim_id = editor_api.post("/api/v1/claims/", payload, format="json").json()["id"]
    response = editor_api.patch(
        f"/api/v1/claims/{claim_id}/",
        {"verdict": "confirmed", "verdict_on": "2021-09-10", "verdict_rationale": "Satellite imagery."},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["unverified"]) == ("confirmed", False)
    assert body["reasons"][0]["code"] == "verdict"


def test_automatic_relations_are_listed_but_cannot_be_changed_or_deleted(world, make_claim, editor_api):
    taliban = make_claim(
        world.taliban, kind="control", subject=world.taliban, location=world.shattal, event_start=date(2021, 9, 2)
    )
    nrf = make_claim(
        world.nrf, day=3, kind="control", subject=world.nrf, location=world.shattal, event_start=date(2021, 9, 2)
    )
    auto = Relation.objects.get(origin="auto")
    assert {auto.claim_id, auto.target_id} == {taliban.pk, nrf.pk} and auto.stance == "contradicts"

    listed = editor_api.get("/api/v1/relations/", {"origin": "auto"}).json()["results"]
    assert [r["id"] for r in listed] == [auto.pk]
    assert listed[0]["origin"] == "auto"

    response = editor_api.patch(f"/api/v1/relations/{auto.pk}/", {"note": "edited"}, format="json")
    assert response.status_code == 400
    assert "follows from the claims" in response.json()["origin"][0]
    response = editor_api.delete(f"/api/v1/relations/{auto.pk}/")
    assert response.status_code == 400
    assert "origin" in response.json()
    auto.refresh_from_db()
    assert auto.note == "" and auto.origin == "auto"


def test_claim_shows_relations_in_both_directions(world, make_claim, editor_api):
    target = make_claim(world.taliban)
    denial = make_claim(world.nrf, day=3)
    editor_api.post("/api/v1/relations/", {"claim": denial.pk, "target": target.pk, "stance": "denies"}, format="json")
    received = editor_api.get(f"/api/v1/claims/{target.pk}/").json()["relations_received"]
    assert [(r["stance"], r["claim"]["id"], r["claim"]["claimant"]["slug"]) for r in received] == [
        ("denies", denial.pk, "nrf")
    ]
    made = editor_api.get(f"/api/v1/claims/{denial.pk}/").json()["relations_made"]
    assert [(r["stance"], r["target"]["id"]) for r in made] == [("denies", target.pk)]


def test_pagination_envelope_and_page_size(world, make_claim, api):
    for day in (1, 2, 3):
        make_claim(world.taliban, day=day)
    body = api.get("/api/v1/claims/", {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"] and body["previous"] is None
    assert len(api.get("/api/v1/claims/", {"page_size": 100000}).json()["results"]) == 3
    assert api.get("/api/v1/claims/", {"page": 10**20}).status_code == 404
    assert api.get("/api/v1/claims/", {"page": "last"}).status_code == 200
    for wrong in ("-5", "0", "ten", "1.5"):
        response = api.get("/api/v1/claims/", {"page_size": wrong})
        assert response.status_code == 400 and "page_size" in response.json(), wrong
    assert len(api.get("/api/v1/claims/", {"page_size": ""}).json()["results"]) == 3  # empty: the default


def test_an_editors_relation_replacing_an_automatic_one_answers_with_both_claims_in_few_queries(
    world, make_claim, editor_api, django_assert_max_num_queries
):
    taliban = make_claim(
        world.taliban, kind="control", subject=world.taliban, location=world.shattal, event_start=date(2021, 9, 2)
    )
    make_claim(
        world.nrf, day=3, kind="control", subject=world.nrf, location=world.shattal, event_start=date(2021, 9, 2)
    )
    auto = Relation.objects.get(origin="auto")
    body = {"claim": auto.claim_id, "target": auto.target_id, "stance": "contradicts", "note": "checked"}

    # The write and its recompute, and the answer built from the claims the request read: no query
    # grows with the claims' relations (a write's statements are what its speed is made of).
    with django_assert_max_num_queries(16):
        response = editor_api.post("/api/v1/relations/", body, format="json")

    assert response.status_code == 201
    written = response.json()
    assert written["id"] == auto.pk and written["origin"] == "editor" and written["note"] == "checked"
    assert written["claim"]["id"] == auto.claim_id and written["target"]["id"] == auto.target_id
    assert {written["claim"]["claimant"]["slug"], written["target"]["claimant"]["slug"]} == {"taliban", "nrf"}
    assert Relation.objects.filter(claim=auto.claim_id, target=auto.target_id).count() == 1
    relation = Relation.objects.get(pk=auto.pk)
    claimed = dict(Claim.objects.filter(pk__in=[auto.claim_id, auto.target_id]).values_list("id", "claimed_on"))
    assert (relation.claim_on, relation.target_on) == (claimed[auto.claim_id], claimed[auto.target_id])
    assert taliban.pk in (auto.claim_id, auto.target_id)
