"""A bounded fuzz of the export operations against their OpenAPI description: no server errors,
documented status codes, responses that match the schema."""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from config.wsgi import application
from tests.factories import ClaimFactory, LocationFactory

EXPORT_PATHS = {
    "/api/v1/claims/export.csv",
    "/api/v1/claims/export.geojson",
    "/api/v1/claims/export.jsonl",
    "/api/v1/claims/claimreview/",
    "/api/v1/claims/{id}/claimreview/",
    "/api/v1/claims/deleted/",
}


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """The raw WSGI app closes database connections after each request, which would end the test's
    transaction; Django's test client detaches the same signals."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.timeout(240)
def test_fuzz_the_exports(wsgi_keeps_the_test_connection):
    place = LocationFactory(latitude=35.0, longitude=69.0)
    ClaimFactory(location=place, verdict="likely")
    ClaimFactory()
    openapi = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.from_dict(openapi, app=application)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if op.path in EXPORT_PATHS]
    assert {op.path for op in operations} == EXPORT_PATHS
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=15,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call_wsgi()
            try:
                case.validate_response(
                    response, checks=(not_a_server_error, status_code_conformance, response_schema_conformance)
                )
            except AssertionError as exc:
                failures.append(f"{case.method} {case.formatted_path} {case.query or ''}: {str(exc)[:800]}")

        run()
    assert not failures, "\n".join(failures[:10])
