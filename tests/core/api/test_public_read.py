"""FOGWATCH_PUBLIC_READ=false closes every read under /api/ to anonymous clients (401 JSON): the
resources, the exports, the schema and its docs; a logged-in analyst (session or token) reads them all.
The token endpoint stays open: it is how a tool logs in."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from claims.models import Conflict, Relation
from claims.services import claim_set_verdict
from intake.services import intake_create
from interchange.services import import_job_start
from notifications.models import WebhookSubscription
from tests.factories import ConflictFactory
from tests.support.interchange import UCDP_SAMPLE

WRITE_ONLY = {
    "token",
    "intake-confirm",
    "intake-discard",
    "actor-merge",
    "location-merge",
    "source-merge",
    "import-jobs",
}
EDITORS_ONLY = {"intake-list", "intake-detail", "webhook-list", "webhook-detail", "import-job", "import-job-faulty"}


def api_names() -> set[str]:
    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern) and entry.name:
                yield entry.name

    return set(walk(get_resolver("config.api_urls").url_patterns))


@pytest.fixture
def reads(panjshir, editor):
    claim = panjshir["taliban-capture"]
    relation = Relation.objects.first()
    conflict = Conflict.objects.first() or ConflictFactory(name="Panjshir", places=[claim.location])
    judged = claim_set_verdict(claim=panjshir["reuters-eight-killed"], verdict="likely")
    intake = intake_create(text="The Taliban said they took Shattal on Thursday.", user=editor)
    hook = WebhookSubscription.objects.create(name="tool", url="https://hooks.example.org/fogwatch", secret="s3cret")
    job = import_job_start(kind="ucdp", data=UCDP_SAMPLE.read_bytes(), file_name="ged.csv", user=editor)
    return {
        "api-root": "/api/v1/",
        "schema": "/api/v1/schema/",
        "docs": "/api/v1/docs/",
        "actor-list": "/api/v1/actors/",
        "actor-detail": f"/api/v1/actors/{claim.claimant_id}/",
        "location-list": "/api/v1/locations/",
        "location-detail": f"/api/v1/locations/{claim.location_id}/",
        "location-control": f"/api/v1/locations/{claim.location_id}/control/",
        "source-list": "/api/v1/sources/",
        "source-detail": f"/api/v1/sources/{claim.citations.first().report.source_id}/",
        "report-list": "/api/v1/reports/",
        "report-detail": f"/api/v1/reports/{claim.citations.first().report_id}/",
        "claim-list": "/api/v1/claims/?contested=true",
        "claim-detail": f"/api/v1/claims/{claim.pk}/",
        "claim-history": f"/api/v1/claims/{claim.pk}/history/",
        "claim-export-csv": "/api/v1/claims/export.csv",
        "claim-export-geojson": "/api/v1/claims/export.geojson",
        "claim-export-jsonl": "/api/v1/claims/export.jsonl",
        "claimreview-feed": "/api/v1/claims/claimreview/",
        "claim-claimreview": f"/api/v1/claims/{judged.pk}/claimreview/",
        "claim-tombstones": "/api/v1/claims/deleted/",
        "relation-list": "/api/v1/relations/",
        "relation-detail": f"/api/v1/relations/{relation.pk}/",
        "conflict-list": "/api/v1/conflicts/",
        "conflict-detail": f"/api/v1/conflicts/{conflict.pk}/",
        "intake-list": "/api/v1/intake/",
        "intake-detail": f"/api/v1/intake/{intake.pk}/",
        "webhook-list": "/api/v1/webhooks/",
        "webhook-detail": f"/api/v1/webhooks/{hook.pk}/",
        "import-job": f"/api/v1/imports/{job.pk}/",
        "import-job-faulty": f"/api/v1/imports/{job.pk}/faulty.csv",
    }


@pytest.fixture
def closed(settings):
    settings.FOGWATCH_PUBLIC_READ = False


def test_the_matrix_covers_every_read(reads):
    assert set(reads) == api_names() - WRITE_ONLY


@pytest.mark.parametrize("accept", ["*/*", "application/json", "text/html"])
def test_anonymous_reads_are_401_json(reads, closed, accept):
    client = Client()
    for name, path in reads.items():
        response = client.get(path, HTTP_ACCEPT=accept)
        if (name, accept) in {("docs", "application/json"), ("schema", "text/html")}:
            assert response.status_code == 406  # the docs are a page, the schema a document: not acceptable
            continue
        assert response.status_code == 401, (name, response.status_code)
        assert response["WWW-Authenticate"] == "Token", name
        if accept == "text/html":
            continue  # a browser gets the browsable API's page for the same 401
        assert response["Content-Type"] == "application/json", name
        assert response.json() == {"detail": "Authentication credentials were not provided."}, name


def test_an_unknown_authorization_scheme_is_still_anonymous(reads, closed):
    client = Client(HTTP_AUTHORIZATION="Basic ZWRpdG9yOmVkaXRvcg==")
    for name in ("schema", "docs", "claim-list", "claim-export-csv"):
        assert client.get(reads[name]).status_code == 401, name


def test_a_logged_in_analyst_reads_everything(reads, closed, analyst):
    session = Client()
    session.force_login(analyst)
    token = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    for client in (session, token):
        for name, path in reads.items():
            response = client.get(path)
            expected = 403 if name in EDITORS_ONLY else 200
            assert response.status_code == expected, (name, response.status_code)


def test_the_token_endpoint_stays_open(db, closed, editor):
    response = Client().post(
        "/api/v1/auth/token/", {"username": "editor", "password": "editor-pass-123"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["token"]
