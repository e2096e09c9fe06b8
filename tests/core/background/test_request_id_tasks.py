"""The request id goes with the tasks a request queues (core/request_id.py): through Redis to a real
worker, which logs under it; a task queued by nobody's request (beat's) gets an id of its own."""

import logging

import pytest
from rest_framework.test import APIClient

from config.logs import RequestIdFilter
from sources.models import Snapshot
from sources.tasks import archive_missing
from tests.factories import ReportFactory, SourceFactory
from tests.support.background import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_api(django_user_model):
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_superuser("chief", "chief@example.org", "pw-12345"))
    return client


@pytest.fixture
def task_logs(caplog, settings):
    """Warnings of the worker's tasks, each with the request id the log filter reads in its thread. The
    archived URL is a private address, refused (and logged) at once, without retries."""
    settings.FOGWATCH_FETCH_ALLOW_PRIVATE = False
    caplog.set_level(logging.WARNING, logger="sources.archive")
    caplog.handler.addFilter(RequestIdFilter())
    return caplog


def archive_warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "sources.archive"]


def test_a_task_queued_by_a_request_runs_under_its_id_in_the_worker(celery_worker, staff_api, task_logs):
    response = staff_api.post(
        "/api/v1/reports/",
        {"source": SourceFactory().pk, "title": "Clash in Panjshir", "url": "http://10.0.0.2/article"},
        format="json",
        HTTP_X_REQUEST_ID="queued-by-request-7",
    )
    assert response.status_code == 201, response.content

    wait_for(lambda: archive_warnings(task_logs))
    record = archive_warnings(task_logs)[0]
    assert record.threadName != "MainThread"  # the worker's, not the request's
    assert "sources.tasks.archive_report" in celery_worker.names()
    assert record.request_id == "queued-by-request-7"
    assert record.task == "sources.tasks.archive_report"


def test_a_task_nobody_requested_gets_an_id_of_its_own(celery_worker, task_logs):
    report = ReportFactory(url=None)
    report.url = "http://10.0.0.3/article"  # no on-commit archiving: the sweep finds it, as beat would ask
    report.save(update_fields=["url"])

    archive_missing.delay()

    wait_for(lambda: Snapshot.objects.filter(report=report).exists() and archive_warnings(task_logs))
    ids = {r.request_id for r in archive_warnings(task_logs)}
    assert len(ids) == 1 and None not in ids and "-" not in ids
