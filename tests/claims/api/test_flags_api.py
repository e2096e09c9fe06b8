"""The flags as an API client sees them: the Panjshir example, a denial arriving and going, a bloc move."""

import pytest

from claims.models import Claim


def codes(body):
    return [r["code"] for r in body["reasons"]]


def get(api, claim):
    response = api.get(f"/api/v1/claims/{claim.pk}/")
    assert response.status_code == 200
    return response.json()


def test_panjshir_example_flags(panjshir, api):
    capture = get(api, panjshir["taliban-capture"])
    assert (capture["status"], capture["contested"], capture["unverified"]) == ("contested", True, True)
    assert codes(capture) == ["denied_by", "contradicted_by", "no_independent_support"]
    assert capture["reasons"][0]["text"] == "Denied by National Resistance Front (Fahim Dashti) on 2021-09-03"

    shattal = get(api, panjshir["taliban-shattal"])
    assert (shattal["status"], codes(shattal)) == ("contested", ["denied_by", "no_independent_support"])

    # Saleh's support comes from the NRF's own bloc: an echo, shown but not corroboration.
    passes = get(api, panjshir["nrf-passes"])
    assert (passes["corroborated"], passes["unverified"]) == (False, True)
    assert "supported_by" not in codes(passes)
    assert [r["claim"]["id"] for r in passes["relations_received"]] == [panjshir["saleh-flags"].pk]
    # The contradiction of the capture counts both ways.
    assert passes["status"] == "contested" and "contradicted_by" in codes(passes)

    for key in ("saleh-flags", "reuters-eight-killed", "taliban-losses-claim", "nrf-losses-claim", "nrf-denial"):
        body = get(api, panjshir[key])
        assert (body["status"], body["contested"]) == ("unverified", False), key

    listed = api.get("/api/v1/claims/", {"status": "contested"}).json()["results"]
    assert {r["id"] for r in listed} == {panjshir[k].pk for k in ("taliban-capture", "taliban-shattal", "nrf-passes")}


@pytest.fixture
def tool(token_api, world):
    """A tool with a token: posts a report and a Taliban claim, as a new user would."""
    report = token_api.post(
        "/api/v1/reports/",
        {"source": world.source.pk, "title": "Taliban say Shattal taken", "url": "https://rt.example/shattal"},
        format="json",
    )
    assert report.status_code == 201, report.json()
    claim = token_api.post(
        "/api/v1/claims/",
        {
            "claimant": world.taliban.pk,
            "claimed_on": "2021-09-02",
            "kind": "advance",
            "subject": world.taliban.pk,
            "location": world.shattal.pk,
            "summary": "Taliban fighters entered Shattal.",
            "citations": [{"report": report.json()["id"]}],
        },
        format="json",
    )
    assert claim.status_code == 201, claim.json()
    return token_api, report.json(), claim.json()


def deny(client, world, report, target_id, claimant):
    denial = client.post(
        "/api/v1/claims/",
        {
            "claimant": claimant.pk,
            "claimed_on": "2021-09-03",
            "kind": "statement",
            "summary": "They did not advance even a kilometer.",
            "citations": [{"report": report["id"]}],
        },
        format="json",
    ).json()
    relation = client.post(
        "/api/v1/relations/", {"claim": denial["id"], "target": target_id, "stance": "denies"}, format="json"
    )
    assert relation.status_code == 201, relation.json()
    return denial, relation.json()


def test_denial_by_another_bloc_turns_the_claim_contested_at_once(tool, world):
    client, report, claim = tool
    assert (claim["status"], claim["contested"]) == ("unverified", False)
    before = Claim.objects.get(pk=claim["id"]).updated_at

    denial, relation = deny(client, world, report, claim["id"], world.dashti)
    assert relation["claim"]["id"] == denial["id"] and relation["origin"] == "editor"

    body = client.get(f"/api/v1/claims/{claim['id']}/").json()
    assert (body["status"], body["contested"]) == ("contested", True)
    denied = [r for r in body["reasons"] if r["code"] == "denied_by"]
    assert [(r["claim"], r["actor"]) for r in denied] == [(denial["id"], world.dashti.pk)]
    assert Claim.objects.get(pk=claim["id"]).updated_at > before  # tools syncing by updated_since see it


def test_deleting_the_denial_turns_the_claim_back(tool, world):
    client, report, claim = tool
    _, relation = deny(client, world, report, claim["id"], world.nrf)
    assert client.delete(f"/api/v1/relations/{relation['id']}/").status_code == 204
    body = client.get(f"/api/v1/claims/{claim['id']}/").json()
    assert (body["status"], body["contested"]) == ("unverified", False)
    assert "denied_by" not in codes(body)


def test_deleting_the_denying_claim_turns_the_claim_back(tool, world):
    client, report, claim = tool
    denial, _ = deny(client, world, report, claim["id"], world.nrf)
    assert client.delete(f"/api/v1/claims/{denial['id']}/").status_code == 204
    assert client.get(f"/api/v1/claims/{claim['id']}/").json()["status"] == "unverified"


def test_a_denied_claim_cannot_be_deleted_while_the_denial_targets_it(tool, world):
    client, report, claim = tool
    denial, relation = deny(client, world, report, claim["id"], world.nrf)
    response = client.delete(f"/api/v1/claims/{claim['id']}/")
    assert response.status_code == 409
    assert response.json()["referenced_by"][0]["id"] == relation["id"]
    assert Claim.objects.filter(pk=claim["id"]).exists()


def test_denial_from_the_same_bloc_is_an_echo(tool, world):
    client, report, claim = tool
    deny(client, world, report, claim["id"], world.mujahid)
    body = client.get(f"/api/v1/claims/{claim['id']}/").json()
    assert (body["status"], body["contested"]) == ("unverified", False)
    assert [r["stance"] for r in body["relations_received"]] == ["denies"]  # recorded and shown


def test_bloc_move_through_the_api_changes_the_flags(tool, world):
    client, report, claim = tool
    deny(client, world, report, claim["id"], world.dashti)
    assert client.get(f"/api/v1/claims/{claim['id']}/").json()["contested"] is True

    # The NRF (with Dashti below it) joins the Taliban's bloc: the denial becomes an echo.
    response = client.patch(f"/api/v1/actors/{world.nrf.pk}/", {"parent": world.taliban.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["bloc"]["id"] == world.taliban.pk
    assert client.get(f"/api/v1/actors/{world.dashti.pk}/").json()["bloc"]["id"] == world.taliban.pk
    body = client.get(f"/api/v1/claims/{claim['id']}/").json()
    assert (body["status"], body["contested"]) == ("unverified", False)

    # And back out again: contested once more.
    client.patch(f"/api/v1/actors/{world.nrf.pk}/", {"parent": world.resistance.pk}, format="json")
    assert client.get(f"/api/v1/claims/{claim['id']}/").json()["status"] == "contested"


def test_a_parent_loop_is_refused_naming_parent(world, editor_api):
    response = editor_api.patch(f"/api/v1/actors/{world.resistance.pk}/", {"parent": world.dashti.pk}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()


def test_a_new_tool_reads_the_docs_gets_a_token_and_sees_its_claim_contested(world, editor):
    from rest_framework.test import APIClient

    client = APIClient()
    assert client.get("/api/v1/docs/").status_code == 200
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/claims/" in schema["paths"]
    token = client.post("/api/v1/auth/token/", {"username": "editor", "password": "editor-pass-123"}).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    report = client.post("/api/v1/reports/", {"source": world.source.pk, "title": "Clash in Panjshir"}, format="json")
    claim = client.post(
        "/api/v1/claims/",
        {
            "claimant": world.taliban.pk,
            "claimed_on": "2021-09-02",
            "kind": "statement",
            "summary": "The Taliban entered the valley.",
            "citations": [{"report": report.json()["id"]}],
        },
        format="json",
    ).json()
    denial, _ = deny(client, world, report.json(), claim["id"], world.dashti)
    body = client.get(f"/api/v1/claims/{claim['id']}/").json()
    assert body["status"] == "contested"
    assert {"code": "denied_by", "claim": denial["id"]}.items() <= body["reasons"][0].items()
