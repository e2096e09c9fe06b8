"""Feed ingestion: new items become pending reports; duplicates, malformed items and broken feeds
are counted or recorded on the feed, never raised."""

from datetime import UTC, datetime

import pytest

from sources.feeds import feed_pull
from sources.models import Feed, Report
from sources.tasks import feed_pull as feed_pull_task
from sources.tasks import feeds_pull_all
from tests.factories import ReportFactory, SourceFactory
from tests.support.background import Reply, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def rss(items: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Frontline wire</title><link>http://127.0.0.1/</link>
<description>News</description>{items}</channel></rss>""".encode()


def item(title: str | None, link: str | None, summary: str = "", date: str = "") -> str:
    parts = []
    if title is not None:
        parts.append(f"<title>{title}</title>")
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if summary:
        parts.append(f"<description>{summary}</description>")
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    return f"<item>{''.join(parts)}</item>"


@pytest.fixture
def feed(http_server):
    source = SourceFactory(name="Frontline wire")
    return Feed.objects.create(source=source, url=http_server.url("/feed.xml"))


def test_new_items_become_pending_reports_without_duplicates(celery_worker, http_server, feed):
    known = ReportFactory(url=None)
    known.url = http_server.url("/known")
    known.save(update_fields=["url"])
    http_server.routes["/feed.xml"] = Reply(
        200,
        rss(
            item(
                "Taliban claim Shattal",
                http_server.url("/shattal"),
                "<p>Eleven positions</p>",
                "Fri, 03 Sep 2021 10:00:00 GMT",
            )
            + item("Already known", http_server.url("/known"))
            + item("Taliban claim Shattal (repeat)", http_server.url("/shattal"))
            + item(None, http_server.url("/no-title"))
            + item("No link here", None)
            + item("Not a URL", "not a url at all")
        ),
        {"Content-Type": "application/rss+xml"},
    )
    http_server.routes["/shattal"] = Reply(200, b"<html>article</html>")

    summary = feed_pull_task.delay(feed.pk).get(timeout=30)

    assert summary == {"feed": feed.pk, "created": 1, "duplicates": 2, "skipped": 3, "error": ""}
    report = Report.objects.get(url=http_server.url("/shattal"))
    assert report.triage == Report.Triage.PENDING
    assert report.feed_id == feed.pk and report.source_id == feed.source_id
    assert report.title == "Taliban claim Shattal"
    assert report.summary == "Eleven positions"
    assert report.published_at == datetime(2021, 9, 3, 10, 0, tzinfo=UTC)
    assert Report.objects.get(pk=known.pk).triage == Report.Triage.ACCEPTED
    feed.refresh_from_db()
    assert feed.last_status == 200 and feed.last_error == "" and feed.last_fetched_at is not None
    assert feed.items_seen == 6
    wait_for(lambda: report.snapshots.exists())  # the new report is archived too

    again = feed_pull_task.delay(feed.pk).get(timeout=30)

    assert again["created"] == 0 and again["duplicates"] == 3
    assert Report.objects.filter(url=http_server.url("/shattal")).count() == 1


@pytest.mark.parametrize(
    "reply, status, error",
    [
        (Reply(500, b"Internal Server Error"), 500, "HTTP 500"),
        (Reply(200, b"\x00\xff garbage {{{ not xml", {"Content-Type": "text/html"}), 200, "Not a readable feed"),
        (Reply(200, b"<html><body>Just a page</body></html>", {"Content-Type": "text/html"}), 200, "Not a readable"),
    ],
    ids=["http-500", "garbage", "html-page"],
)
def test_a_broken_feed_is_recorded_on_the_feed(http_server, feed, reply, status, error):
    http_server.routes["/feed.xml"] = reply

    result = feed_pull(feed=feed)

    assert result.created == 0 and error in result.error
    feed.refresh_from_db()
    assert feed.last_status == status
    assert error in feed.last_error
    assert not Report.objects.exists()


def test_a_feed_that_does_not_answer_in_time_is_recorded(http_server, feed, settings):
    settings.FOGWATCH_FETCH_TIMEOUT = 0.5
    http_server.routes["/feed.xml"] = Reply(200, rss(""), delay=3)

    feed_pull(feed=feed)

    feed.refresh_from_db()
    assert feed.last_status is None and "Timed out" in feed.last_error


def test_the_periodic_pull_reads_every_active_feed_despite_a_broken_one(celery_worker, http_server, feed):
    broken = Feed.objects.create(source=feed.source, url=http_server.url("/broken.xml"))
    Feed.objects.create(source=feed.source, url=http_server.url("/inactive.xml"), is_active=False)
    http_server.routes["/broken.xml"] = Reply(500, b"down")
    http_server.routes["/feed.xml"] = Reply(200, rss(item("NRF denies", http_server.url("/nrf"))))

    assert feeds_pull_all.delay().get(timeout=30) == {"feeds": 2, "queued": 2}

    wait_for(lambda: Report.objects.filter(url=http_server.url("/nrf")).exists())
    wait_for(lambda: Feed.objects.filter(pk=broken.pk, last_status=500).exists())
    assert not http_server.requests_to("/inactive.xml")
