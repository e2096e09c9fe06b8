"""Log lines and the request id (config/logs.py, core/request_id.py): with FOGWATCH_LOG_FORMAT=json every
line is a JSON object carrying the id the response's X-Request-ID shows; an incoming X-Request-ID that
looks like an id is kept, anything else replaced; the text format carries the id too; and a task the
request runs in-process (no broker) logs under the request's id and leaves it as it was.

The logging configuration is the one settings build (``logging_config``), applied for the test with
the console handler writing into a buffer, and put back afterwards."""

import io
import json
import logging
import logging.config
import re
import time

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from config.logs import logging_config
from sources.models import Snapshot
from tests.factories import ActorFactory, ClaimFactory, RelationFactory, ReportFactory, SourceFactory

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"[0-9a-f]{32}")


class Captured:
    def __init__(self, buffer: io.StringIO) -> None:
        self.buffer = buffer

    def lines(self) -> list[str]:
        return [line for line in self.buffer.getvalue().splitlines() if line.strip()]

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines()]  # every line parses, or the test fails here


def capture(log_format: str):
    logging.config.dictConfig(logging_config(log_format, "INFO"))
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    console.setStream(buffer)
    return Captured(buffer)


@pytest.fixture
def json_logs():
    yield capture("json")
    logging.config.dictConfig(django_settings.LOGGING)


@pytest.fixture
def text_logs():
    yield capture("text")
    logging.config.dictConfig(django_settings.LOGGING)


def test_every_json_line_of_a_request_carries_the_id_the_response_shows(json_logs, client):
    response = client.get("/api/v1/no-such-thing/")  # a 404: Django's warning, then the access line

    request_id = response["X-Request-ID"]
    assert GENERATED.fullmatch(request_id)
    records = json_logs.records()
    assert {r["logger"] for r in records} >= {"django.request", "fogwatch.request"}
    assert {r["request_id"] for r in records} == {request_id}
    access = next(r for r in records if r["logger"] == "fogwatch.request")
    assert access["message"] == "GET /api/v1/no-such-thing/ 404"
    assert access["method"] == "GET" and access["path"] == "/api/v1/no-such-thing/" and access["status"] == 404
    assert access["level"] == "INFO" and isinstance(access["duration_ms"], float) and access["user"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", access["time"])
    assert "request" not in access  # Django's request object is not dumped into the line


def test_each_request_gets_its_own_id(json_logs, client):
    first, second = client.get("/api/v1/"), client.get("/api/v1/")
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert [r["request_id"] for r in json_logs.records()] == [first["X-Request-ID"], second["X-Request-ID"]]


@pytest.mark.parametrize(
    "given",
    [
        "bbd8e93e-779b-4918-8a57-5a3ae7ad44b2",  # a UUID, as most proxies make them
        "975d686b5ba14276b00d0bd62bf80e34",  # nginx's $request_id
        "req-2026-11-30.web-3:000042",
        "Root=1-67891233-abcdef012345678912345678"[5:],  # a load balancer's trace id, less its "Root="
        "a" * 128,
    ],
)
def test_an_incoming_request_id_that_looks_like_one_is_kept(json_logs, client, given):
    response = client.get("/api/v1/", HTTP_X_REQUEST_ID=given)

    assert response["X-Request-ID"] == given
    assert {r["request_id"] for r in json_logs.records()} == {given}


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 129,  # too long
        "short",  # too short to tell requests apart
        'abc12345"}, {"level": "CRITICAL", "message": "forged',  # JSON meant to break out of the line
        "abc12345\n2026-11-30 10:00:00 CRITICAL forged line",  # a line break meant to forge a text line
        "abc 12345 with spaces",
        "<script>alert(1)</script>",
        "12345678'; DROP TABLE claims_claim; --",
        "0" * 32 + "-" * 300,  # a UUID by django-guid's own check (dashes are ignored), of any length
        "ünïcödé-12345678",
    ],
)
def test_an_incoming_request_id_that_does_not_look_like_one_is_replaced(json_logs, client, hostile):
    response = client.get("/api/v1/", HTTP_X_REQUEST_ID=hostile)

    replaced = response["X-Request-ID"]
    assert GENERATED.fullmatch(replaced) and replaced != hostile
    records = json_logs.records()
    assert {r["request_id"] for r in records} == {replaced}
    assert hostile not in json_logs.buffer.getvalue()
    assert all(r["level"] != "CRITICAL" for r in records)


def test_text_lines_carry_the_request_id_too(text_logs, client):
    response = client.get("/api/v1/no-such-thing/", HTTP_X_REQUEST_ID="trace-0000-1111")

    lines = text_logs.lines()
    assert response["X-Request-ID"] == "trace-0000-1111"
    assert lines and all(" [trace-0000-1111] " in line for line in lines)
    access = r" INFO fogwatch\.request \[trace-0000-1111\] GET /api/v1/no-such-thing/ 404$"
    assert any(re.search(access, line) for line in lines)
    logging.getLogger("fogwatch.test").warning("outside any request")
    assert text_logs.lines()[-1].endswith(" WARNING fogwatch.test [-] outside any request")


def test_healthy_probes_stay_out_of_the_access_log(json_logs, client):
    assert client.get("/health/").status_code == 200
    assert [r for r in json_logs.records() if r["logger"] == "fogwatch.request"] == []


@pytest.fixture
def staff_api(django_user_model):
    """Every permission (transactional tests flush the migrations' editors group)."""
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_superuser("chief", "chief@example.org", "pw-12345"))
    return client


@pytest.mark.django_db(transaction=True)
def test_a_task_run_in_process_logs_under_the_request_id(json_logs, staff_api, settings):
    """No broker (the suite's default): archiving runs in a thread after the write returns. Its warning
    (the URL is refused: a private address) carries the id of the request that created the report."""
    settings.FOGWATCH_FETCH_ALLOW_PRIVATE = False
    source = SourceFactory()

    response = staff_api.post(
        "/api/v1/reports/",
        {"source": source.pk, "title": "Clash in Panjshir", "url": "http://10.0.0.1/article"},
        format="json",
        HTTP_X_REQUEST_ID="write-from-the-tool-42",
    )

    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == "write-from-the-tool-42"
    deadline = time.monotonic() + 10
    while not Snapshot.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.1)  # the warning follows the snapshot
    archived = [r for r in json_logs.records() if r["logger"] == "sources.archive"]
    assert archived and "refused: 10.0.0.1 is a private address" in archived[0]["message"]
    assert archived[0]["request_id"] == "write-from-the-tool-42"
    assert archived[0]["task"] == "sources.tasks.archive_report" and archived[0]["task_id"]


@pytest.mark.django_db(transaction=True)
def test_a_recompute_run_inside_the_request_leaves_the_request_id_alone(json_logs, staff_api, settings):
    """A bloc move over the limit is a job; without a broker it runs inside the request (core/tasks.py).
    The task runs under the request's id, and the request keeps it: the access line and the response
    header after the task still show it."""
    settings.FOGWATCH_SYNC_RECOMPUTE_LIMIT = 1
    report = ReportFactory(url=None)
    taliban, nrf = ActorFactory(name="Taliban"), ActorFactory(name="National Resistance Front")
    target = ClaimFactory(claimant=taliban, citations=[{"report": report}])
    for _ in range(2):
        denial = ClaimFactory(claimant=nrf, citations=[{"report": report}])
        RelationFactory(claim=denial, target=target, stance="denies")

    response = staff_api.patch(
        f"/api/v1/actors/{nrf.pk}/", {"parent": taliban.pk}, format="json", HTTP_X_REQUEST_ID="bloc-move-000042"
    )

    assert response.status_code == 200, response.content
    assert response["X-Request-ID"] == "bloc-move-000042"
    access = [r for r in json_logs.records() if r["logger"] == "fogwatch.request"]
    assert [(r["path"], r["request_id"]) for r in access] == [(f"/api/v1/actors/{nrf.pk}/", "bloc-move-000042")]
    target.refresh_from_db()
    assert target.status == "unverified"  # the job ran, in the request
