"""The OpenAPI schema, the docs and the browsable API (the fuzz of every operation: test_fuzz.py)."""

import re

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

RESOURCES = ("actors", "locations", "sources", "reports", "claims", "relations")
CLAIM_FILTERS = {
    "status",
    "contested",
    "corroborated",
    "unverified",
    "kind",
    "claimant",
    "subject",
    "location",
    "source",
    "report",
    "claimed_after",
    "claimed_before",
    "event_after",
    "event_before",
    "q",
    "updated_since",
    "as_of",
    "ordering",
    "page",
    "page_size",
}


@pytest.fixture(scope="module")
def openapi():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    return schema


def test_schema_describes_every_operation(openapi):
    paths = openapi["paths"]
    for name in RESOURCES:
        assert set(paths[f"/api/v1/{name}/"]) >= {"get", "post"}
        assert set(paths[f"/api/v1/{name}/{{id}}/"]) >= {"get", "put", "patch", "delete"}
        assert "409" in paths[f"/api/v1/{name}/{{id}}/"]["delete"]["responses"]
    assert "get" in paths["/api/v1/locations/{id}/control/"]
    assert "get" in paths["/api/v1/claims/{id}/history/"]
    assert "post" in paths["/api/v1/auth/token/"]


def test_schema_lists_every_claim_filter(openapi):
    parameters = {p["name"]: p for p in openapi["paths"]["/api/v1/claims/"]["get"]["parameters"]}
    assert set(parameters) >= CLAIM_FILTERS
    for name in ("as_of", "claimed_after", "claimed_before", "event_after", "event_before"):
        assert parameters[name]["schema"]["format"] == "date", name
    for name in ("contested", "corroborated", "unverified"):
        assert parameters[name]["schema"]["type"] == "boolean", name
    assert parameters["updated_since"]["schema"]["format"] == "date-time"
    assert set(parameters["kind"]["schema"]["enum"]) == {
        "control",
        "casualties",
        "attack",
        "advance",
        "statement",
        "other",
    }
    retrieve = {p["name"] for p in openapi["paths"]["/api/v1/claims/{id}/"]["get"]["parameters"]}
    assert "as_of" in retrieve


def test_schema_marks_derived_fields_read_only(openapi):
    components = openapi["components"]["schemas"]
    claim = components["Claim"]["properties"]
    for name in ("status", "contested", "corroborated", "unverified", "reasons"):
        assert claim[name].get("readOnly"), name
        assert name not in components["ClaimRequest"]["properties"], name
    assert components["ClaimRequest"]["properties"]["claimant"]["type"] == "integer"
    assert claim["claimant"]["allOf"][0]["$ref"].endswith("/Brief")
    assert claim["spokesperson"]["nullable"] is True


def test_schema_endpoint(db, api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_docs_work_offline(db, api):
    response = api.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html.lower()
    assert f"{settings.STATIC_URL}drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert not re.search(r"https?://(cdn|unpkg)", html)


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/claims/", "/api/v1/actors/", "/api/v1/relations/"])
def test_browsable_api_renders_for_an_editor(panjshir, editor, client, path):
    client.force_login(editor)
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"<html" in response.content


def test_browsable_api_renders_a_claim_with_its_form(panjshir, editor, client):
    client.force_login(editor)
    response = client.get(f"/api/v1/claims/{panjshir['taliban-capture'].pk}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"citations" in response.content


def test_schema_says_which_operations_need_credentials(openapi, settings):
    paths = openapi["paths"]
    assert {} in paths["/api/v1/claims/"]["get"]["security"]  # public reads: credentials optional
    assert {} in paths["/api/v1/claims/export.csv"]["get"]["security"]
    for path, method in [("/api/v1/claims/", "post"), ("/api/v1/intake/", "get"), ("/api/v1/webhooks/", "get")]:
        assert {} not in paths[path][method]["security"], (path, method)
        assert {"401", "403"} <= set(paths[path][method]["responses"]), (path, method)
    settings.FOGWATCH_PUBLIC_READ = False
    closed = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert {} not in closed["/api/v1/claims/"]["get"]["security"]
