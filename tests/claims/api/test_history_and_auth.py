"""Claim history, the token endpoint, and who may write."""

import pytest
from django.http import HttpRequest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def claim_payload(world):
    return {
        "claimant": world.taliban.pk,
        "claimed_on": "2021-09-02",
        "kind": "statement",
        "summary": "The Taliban say the valley is surrounded.",
        "citations": [{"report": world.report.pk}],
    }


def test_history_lists_every_change_newest_first(world, claim_payload, editor, token_api):
    claim_id = token_api.post("/api/v1/claims/", claim_payload, format="json").json()["id"]
    token_api.patch(f"/api/v1/claims/{claim_id}/", {"summary": "The valley is surrounded."}, format="json")
    response = token_api.get(f"/api/v1/claims/{claim_id}/history/")
    assert response.status_code == 200
    entries = [e for e in response.json() if e["object"] == "claim"]
    assert [e["type"] for e in entries] == ["changed", "created"]
    assert entries[0]["user"] == {"id": editor.pk, "username": "editor"}
    assert {"field": "summary", "old": claim_payload["summary"], "new": "The valley is surrounded."} in entries[0][
        "changes"
    ]
    assert entries[0]["when"] >= entries[1]["when"]


def test_history_of_an_unknown_claim_is_404(db, api):
    assert api.get("/api/v1/claims/987654321/history/").status_code == 404


def test_token_for_username_and_password(editor, world, claim_payload):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "editor", "password": "editor-pass-123"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=editor).key == token
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/claims/", claim_payload, format="json").status_code == 201


@pytest.mark.parametrize(
    "body", [{"username": "editor", "password": "wrong"}, {"username": "editor"}, {}, {"username": ["x"]}]
)
def test_token_refused_for_bad_credentials(editor, body):
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_a_bad_token_is_401(world, claim_payload):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.post("/api/v1/claims/", claim_payload, format="json").status_code == 401


def test_session_login_writes_in_the_browser(editor, world, claim_payload):
    client = APIClient(enforce_csrf_checks=True)
    client.login(request=HttpRequest(), username="editor", password="editor-pass-123")  # django-axes wants the request
    # Without the CSRF token a session write is refused (403, as DESIGN allows under session auth).
    assert client.post("/api/v1/claims/", claim_payload, format="json").status_code == 403
    client = APIClient()
    client.login(request=HttpRequest(), username="editor", password="editor-pass-123")  # django-axes wants the request
    assert client.post("/api/v1/claims/", claim_payload, format="json").status_code == 201


def test_analyst_with_a_token_is_403(analyst, world, claim_payload):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    assert client.get("/api/v1/claims/").status_code == 200
    assert client.post("/api/v1/claims/", claim_payload, format="json").status_code == 403


def test_history_shows_citations_replaced(world, claim_payload, token_api):
    from tests.factories import ReportFactory

    claim_id = token_api.post("/api/v1/claims/", claim_payload, format="json").json()["id"]
    other = ReportFactory(source=world.source, title="Second report")
    token_api.patch(f"/api/v1/claims/{claim_id}/", {"citations": [{"report": other.pk, "quote": "q"}]}, format="json")
    entries = [e for e in token_api.get(f"/api/v1/claims/{claim_id}/history/").json() if e["object"] == "citation"]
    assert sorted(e["type"] for e in entries) == ["created", "created", "deleted"]
    removed = next(e for e in entries if e["type"] == "deleted")
    assert {"field": "report", "old": world.report.pk, "new": None} in removed["changes"]
    assert all(e["user"]["username"] == "editor" for e in entries)
