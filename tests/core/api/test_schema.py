"""The OpenAPI schema, the docs and the browsable API; and a bounded fuzz of every operation."""

import re

import pytest
import schemathesis
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

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


# -- fuzzing --------------------------------------------------------------------------------------

MAX_EXAMPLES = 20
# The operations of this API module (the exports mounted beside it are fuzzed with their own tests).
OWN_PATHS = re.compile(
    r"^/api/v1/((actors|locations|sources|reports|claims|relations)/(\{id\}/)?"
    r"|locations/\{id\}/control/|claims/\{id\}/history/|auth/token/)$"
)


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """The raw WSGI app closes database connections at the end of each request; within a test that
    would close the test's own transaction. Django's test client detaches the same signal."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.timeout(240)
def test_fuzz_every_operation_no_server_errors_and_schema_conformance(
    openapi, panjshir, editor, wsgi_keeps_the_test_connection
):
    """Schemathesis against the live schema, as an editor: every operation, a few examples each."""
    schema = schemathesis.from_dict(openapi, app=application)
    headers = {"Authorization": f"Token {Token.objects.create(user=editor).key}"}
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if OWN_PATHS.match(op.path)]
    assert len(operations) == 6 * 6 + 3

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call_wsgi(headers=headers)
            try:
                case.validate_response(
                    response,
                    checks=(
                        not_a_server_error,
                        status_code_conformance,
                        content_type_conformance,
                        response_schema_conformance,
                    ),
                )
            except AssertionError as exc:  # collect, so one report names every failing operation
                failures.append(f"{case.method} {case.formatted_path} {case.query or ''}: {str(exc)[:1500]}")

        run()
    assert not failures, "\n".join(failures[:20])
