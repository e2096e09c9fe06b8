"""A queue, not only a paste box: every report a feed brings in is read by a worker and waits as a
draft intake, listed on /intake/ newest first with its draft count."""

import pytest
from django.urls import reverse

from intake.models import Intake
from sources.models import Feed, Report
from sources.tasks import feed_pull as feed_pull_task
from tests.factories import ActorFactory, LocationFactory, SourceFactory
from tests.support.background import Reply, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Frontline wire</title><link>http://127.0.0.1/</link>
<description>News</description>
<item><title>Taliban say they captured Shattal</title><link>{link}</link>
<description>The Taliban said on Friday they had captured the town of Shattal.</description>
<pubDate>Fri, 03 Sep 2021 10:00:00 GMT</pubDate></item>
</channel></rss>"""


def test_a_report_a_feed_brings_in_waits_as_a_draft_intake(celery_worker, http_server, client, editor):
    taliban = ActorFactory(name="Taliban", slug="taliban", kind="armed_group")
    shattal = LocationFactory(name="Shattal", slug="shattal", kind="town")
    feed = Feed.objects.create(source=SourceFactory(name="Frontline wire"), url=http_server.url("/feed.xml"))
    link = http_server.url("/shattal")
    http_server.routes["/feed.xml"] = Reply(
        200, FEED.format(link=link).encode(), {"Content-Type": "application/rss+xml"}
    )
    http_server.routes["/shattal"] = Reply(200, b"<html>article</html>")

    assert feed_pull_task.delay(feed.pk).get(timeout=30)["created"] == 1

    report = Report.objects.get(url=link)
    intake = wait_for(lambda: Intake.objects.filter(report=report).first())
    assert intake.state == "draft" and intake.source_id == feed.source_id
    assert "captured the town of Shattal" in intake.text
    capture = next(d for d in intake.drafts if d["kind"] == "control")
    assert (capture["claimant"], capture["location"]) == (taliban.pk, shattal.pk)

    client.force_login(editor)
    page = client.get(reverse("intake:start")).content.decode()
    assert reverse("intake:detail", args=[intake.pk]) in page and "Taliban say they captured Shattal" in page
    # Read once: pulling the feed again adds neither a report nor an intake.
    assert feed_pull_task.delay(feed.pk).get(timeout=30)["created"] == 0
    assert Intake.objects.filter(report=report).count() == 1
