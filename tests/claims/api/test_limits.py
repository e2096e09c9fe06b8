"""Limits on what one write may hold, answered before anything is looked up or written: citations
per claim (FOGWATCH_MAX_CITATIONS), other lists (FOGWATCH_MAX_LIST_ITEMS); and text as the services
clean it (NFC stored, zero-width-only refused naming the field, numbers are not text)."""

import pytest

from actors.models import Actor
from claims.models import Citation, Claim, Conflict


def test_a_claim_with_more_citations_than_the_cap_is_a_400_naming_the_limit(
    world, claim_payload, editor_api, django_assert_max_num_queries
):
    body = {**claim_payload, "citations": [{"report": world.report.pk, "quote": "q"}] * 10_000}
    with django_assert_max_num_queries(12):  # refused before 10,000 reports are looked up
        response = editor_api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "citations": ["At most 200 citations per claim (FOGWATCH_MAX_CITATIONS); 10,000 were given."]
    }
    assert not Claim.objects.exists() and not Citation.objects.exists()


def test_the_cap_is_a_setting_and_holds_on_update(world, claim_payload, editor_api, settings):
    body = {**claim_payload, "citations": [{"report": world.report.pk}] * 200}
    created = editor_api.post("/api/v1/claims/", body, format="json")
    assert created.status_code == 201
    assert len(created.json()["citations"]) == 200
    settings.FOGWATCH_MAX_CITATIONS = 5
    response = editor_api.patch(
        f"/api/v1/claims/{created.json()['id']}/", {"citations": [{"report": world.report.pk}] * 6}, format="json"
    )
    assert response.status_code == 400
    assert "At most 5 citations per claim" in response.json()["citations"][0]
    assert Citation.objects.count() == 200


def test_aliases_and_a_conflicts_places_are_capped(world, editor_api, settings, django_assert_max_num_queries):
    settings.FOGWATCH_MAX_LIST_ITEMS = 3
    response = editor_api.post("/api/v1/actors/", {"name": "Many names", "aliases": list("abcd")}, format="json")
    assert response.status_code == 400
    assert response.json() == {"aliases": ["At most 3 aliases (FOGWATCH_MAX_LIST_ITEMS); 4 were given."]}
    with django_assert_max_num_queries(8):
        response = editor_api.post(
            "/api/v1/conflicts/",
            {"name": "Wide", "start": "2021-08-15", "places": [world.shattal.pk] * 1000},
            format="json",
        )
    assert response.status_code == 400
    assert response.json() == {"places": ["At most 3 ids (FOGWATCH_MAX_LIST_ITEMS); 1,000 were given."]}
    assert not Conflict.objects.exists() and not Actor.objects.filter(name="Many names").exists()


def test_a_zero_width_only_summary_is_a_400_naming_summary(claim_payload, editor_api):
    response = editor_api.post("/api/v1/claims/", {**claim_payload, "summary": "\u200b\u200b\u200b"}, format="json")
    assert response.status_code == 400
    assert "summary" in response.json()
    assert "only invisible characters" in response.json()["summary"][0]
    assert not Claim.objects.exists()


def test_text_is_stored_nfc_without_invisible_characters(claim_payload, editor_api):
    body = {**claim_payload, "summary": "\u200bThe Taliban took Shattal e\u0301te\u0301\ufeff", "quote": "a\r\nb"}
    response = editor_api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 201
    assert response.json()["summary"] == "The Taliban took Shattal \u00e9t\u00e9"
    claim = Claim.objects.get()
    assert claim.summary == "The Taliban took Shattal \u00e9t\u00e9"
    assert claim.quote == "a\nb"


@pytest.mark.parametrize("value", [12345, 1.5, True])
def test_a_number_is_not_text(claim_payload, editor_api, value):
    response = editor_api.post("/api/v1/claims/", {**claim_payload, "summary": value}, format="json")
    assert response.status_code == 400
    assert response.json() == {"summary": ["Not a valid string."]}
