"""Archiving a report's URL: status, final URL, every redirect hop, SHA-256 and size, or the error."""

import hashlib

import pytest

from sources.archive import report_archive
from sources.models import Snapshot
from sources.selectors import report_snapshots
from sources.tasks import archive_report
from tests.factories import ReportFactory
from tests.support.background import Reply, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = b"<html><body><h1>Taliban claim Shattal</h1></body></html>"


def report_at(url):
    report = ReportFactory(url=None)
    report.url = url  # set after creation: these tests archive by hand, not through the on-commit hook
    report.save(update_fields=["url"])
    return report


def test_a_new_report_is_archived_by_the_worker(celery_worker, http_server):
    http_server.routes["/article"] = Reply(200, PAGE, {"Content-Type": "text/html; charset=utf-8"})

    report = ReportFactory(url=http_server.url("/article"))

    snapshot = wait_for(lambda: Snapshot.objects.filter(report=report).first())
    assert snapshot.http_status == 200
    assert snapshot.final_url == http_server.url("/article")
    assert snapshot.sha256 == hashlib.sha256(PAGE).hexdigest()
    assert snapshot.size == len(PAGE)
    assert snapshot.content_type == "text/html; charset=utf-8"
    assert snapshot.redirects == [] and snapshot.error == ""
    assert list(report_snapshots(report)) == [snapshot]
    assert "sources.tasks.archive_report" in celery_worker.names()


def test_archiving_twice_keeps_one_snapshot(http_server):
    http_server.routes["/article"] = Reply(200, PAGE)
    report = report_at(http_server.url("/article"))

    first = archive_report.apply(args=(report.pk,)).get()
    second = archive_report.apply(args=(report.pk,)).get()

    assert first["status"] == 200 and second == {"report": report.pk, "skipped": "already archived"}
    assert Snapshot.objects.filter(report=report).count() == 1
    assert len(http_server.requests_to("/article")) == 1


def test_redirects_are_followed_and_every_hop_recorded(http_server):
    http_server.routes["/old"] = Reply(301, b"", {"Location": "/moved"})
    http_server.routes["/moved"] = Reply(302, b"", {"Location": http_server.url("/final")})
    http_server.routes["/final"] = Reply(200, PAGE)
    report = report_at(http_server.url("/old"))

    snapshot = report_archive(report=report)

    assert snapshot.http_status == 200
    assert snapshot.final_url == http_server.url("/final")
    assert snapshot.redirects == [
        {"url": http_server.url("/old"), "status": 301},
        {"url": http_server.url("/moved"), "status": 302},
    ]
    assert snapshot.sha256 == hashlib.sha256(PAGE).hexdigest()


def test_a_missing_page_is_recorded_with_its_404(http_server):
    http_server.routes["/gone"] = Reply(404, b"Not found")
    report = report_at(http_server.url("/gone"))

    snapshot = report_archive(report=report)

    assert snapshot.http_status == 404
    assert snapshot.sha256 == hashlib.sha256(b"Not found").hexdigest()
    assert snapshot.error == ""


def test_a_page_that_does_not_answer_in_time_is_a_timeout(http_server, settings):
    settings.FOGWATCH_FETCH_TIMEOUT = 0.5
    http_server.routes["/slow"] = Reply(200, PAGE, delay=3)
    report = report_at(http_server.url("/slow"))

    snapshot = report_archive(report=report)

    assert snapshot.http_status is None
    assert "Timed out" in snapshot.error
    assert snapshot.sha256 == ""


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "no-content-length"])
def test_a_body_over_the_cap_is_refused(http_server, settings, declare_length):
    settings.FOGWATCH_ARCHIVE_MAX_BYTES = 100_000
    http_server.routes["/huge"] = Reply(200, b"x" * 300_000, declare_length=declare_length)
    report = report_at(http_server.url("/huge"))

    snapshot = report_archive(report=report)

    assert snapshot.http_status == 200
    assert "100000-byte cap" in snapshot.error
    assert snapshot.sha256 == "" and snapshot.size is None


def test_a_refused_connection_is_recorded(http_server):
    url = http_server.url("/x")
    http_server.httpd.shutdown()
    http_server.httpd.server_close()  # nothing listens on that port any more
    report = report_at(url)

    snapshot = report_archive(report=report)

    assert snapshot.http_status is None
    assert "Could not connect" in snapshot.error


@pytest.mark.parametrize(
    "host, why",
    [
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("10.1.2.3", "10.1.2.3 is a private address"),
        ("169.254.169.254", "169.254.169.254 is a link-local address"),
        ("[::1]", "::1 is a loopback address"),
        ("2130706433", "2130706433 is 127.0.0.1, a loopback address"),
        ("localhost", "localhost resolves to "),
    ],
)
def test_local_and_private_addresses_are_refused(http_server, settings, host, why):
    settings.FOGWATCH_FETCH_ALLOW_PRIVATE = False
    http_server.routes["/secret"] = Reply(200, b"internal")
    report = report_at(f"http://{host}:{http_server.port}/secret")

    snapshot = report_archive(report=report)

    assert snapshot.error.startswith(f"refused: {why}") and snapshot.http_status is None
    assert snapshot.sha256 == "" and snapshot.size is None
    assert not http_server.requests_to("/secret")


def test_only_http_and_https_are_fetched():
    report = report_at("ftp://files.example.org/statement.txt")

    snapshot = report_archive(report=report)

    assert "Only http and https" in snapshot.error
    assert snapshot.http_status is None
