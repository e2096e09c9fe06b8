"""Sources, reports and the triage list of feed items in the admin."""

import pytest
from django.urls import reverse
from django.utils import timezone

from sources.models import Feed, Report, Snapshot, Source
from sources.services import report_set_triage
from tests.factories import ClaimFactory, ReportFactory, SourceFactory
from tests.support.admin import form_errors

pytestmark = pytest.mark.django_db

REPORTS = reverse("admin:sources_report_changelist")


@pytest.fixture
def feed_items(db):
    """Three reports pulled from a feed, waiting for an editor."""
    source = SourceFactory(name="Ariana News")
    feed = Feed.objects.create(source=source, url="https://ariana.example/rss")  # the pull task's job, not an editor's
    items = []
    for n in range(3):
        report = report_set_triage(report=ReportFactory(source=source, title=f"Feed item {n}"), triage="pending")
        Report.objects.filter(pk=report.pk).update(feed=feed)
        items.append(report)
    return items


def test_the_triage_list_shows_reports_awaiting_triage(editor_client, feed_items):
    accepted = ReportFactory(title="Already accepted")

    response = editor_client.get(REPORTS, {"triage__exact": "pending"})

    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert set(shown) == set(feed_items) and accepted not in shown
    assert "ariana.example/rss" in response.content.decode()  # the feed each came from


@pytest.mark.parametrize(("action", "state"), [("accept", "accepted"), ("discard", "discarded")])
def test_accept_and_discard_actions_set_the_triage_through_the_service(
    editor_client, editor, feed_items, action, state
):
    chosen, left = feed_items[:2], feed_items[2]

    response = editor_client.post(REPORTS, {"action": action, "_selected_action": [r.pk for r in chosen]}, follow=True)

    assert response.status_code == 200
    assert "2 report(s) marked" in response.content.decode()
    for report in chosen:
        report.refresh_from_db()
        assert report.triage == state
        assert report.history.latest().history_user == editor  # a history row, by the editor
    left.refresh_from_db()
    assert left.triage == "pending"


def test_report_set_triage_refuses_an_unknown_state(feed_items):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        report_set_triage(report=feed_items[0], triage="maybe")


def test_an_editor_adds_a_source_and_a_report(editor_client, world):
    response = editor_client.post(
        reverse("admin:sources_source_add"),
        {
            "name": "RT",
            "slug": "",
            "kind": "state_media",
            "reliability": "D",
            "homepage": "",
            "country": "Russia",
            "feeds-TOTAL_FORMS": "0",
            "feeds-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, form_errors(response)
    rt = Source.objects.get(name="RT")
    assert rt.slug == "rt" and rt.reliability == "D"

    response = editor_client.post(
        reverse("admin:sources_report_add"),
        {
            "source": rt.pk,
            "title": "Taliban claim capture of Panjshir positions",
            "url": "https://rt.example/news/panjshir",
            "published_at_0": "2021-09-02",
            "published_at_1": "10:00:00",
            "language": "en",
            "snapshots-TOTAL_FORMS": "0",
            "snapshots-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, form_errors(response)
    report = Report.objects.get(url="https://rt.example/news/panjshir")
    assert report.triage == "accepted"
    assert report.history.get().history_user.username == "editor"


def test_a_duplicate_report_url_is_a_form_error(editor_client, world):
    response = editor_client.post(
        reverse("admin:sources_report_add"),
        {
            "source": world.report.source_id,
            "title": "Same article",
            "url": world.report.url,
            "snapshots-TOTAL_FORMS": "0",
            "snapshots-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "url" in form_errors(response)
    assert Report.objects.filter(url=world.report.url).count() == 1


def test_a_cited_report_cannot_be_deleted(editor_client, world):
    ClaimFactory(claimant=world.taliban, citations=[{"report": world.report}])

    response = editor_client.post(reverse("admin:sources_report_delete", args=[world.report.pk]), {"post": "yes"})

    assert response.status_code == 200
    assert "Cannot delete report" in response.content.decode()
    assert Report.objects.filter(pk=world.report.pk).exists()


def test_a_report_page_shows_its_snapshots_read_only_and_deletes_with_them(editor_client, world):
    Snapshot.objects.create(  # written by the archiving task
        report=world.report,
        fetched_at=timezone.now(),
        http_status=200,
        final_url="https://news.example.org/final",
        redirects=[{"url": world.report.url, "status": 301}],
        sha256="ab" * 32,
    )
    url = reverse("admin:sources_report_change", args=[world.report.pk])

    html = editor_client.get(url).content.decode()
    assert "ab" * 32 in html and "301 " in html

    response = editor_client.post(reverse("admin:sources_report_delete", args=[world.report.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Report.objects.filter(pk=world.report.pk).exists()


def test_a_feed_shows_its_last_pull(editor_client, feed_items):
    feed = Feed.objects.get()
    Feed.objects.filter(pk=feed.pk).update(
        last_status=500, last_error="HTTP 500 from the feed.", last_fetched_at=timezone.now()
    )

    response = editor_client.get(reverse("admin:sources_feed_changelist"), {"pull": "failed"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [feed]
    assert "HTTP 500 from the feed." in response.content.decode()


def test_pull_now_queues_the_active_feeds_after_the_commit(
    editor_client, feed_items, django_capture_on_commit_callbacks
):
    feed = Feed.objects.get()
    Feed.objects.create(source=feed.source, url="https://ariana.example/off", is_active=False)

    with django_capture_on_commit_callbacks() as callbacks:
        response = editor_client.post(
            reverse("admin:sources_feed_changelist"),
            {"action": "pull_now", "_selected_action": list(Feed.objects.values_list("pk", flat=True))},
            follow=True,
        )

    assert "1 feed(s) queued" in response.content.decode()
    assert len(callbacks) == 1  # queued on commit, not run in the request


@pytest.mark.parametrize(
    "url, why",
    [
        ("http://10.0.0.1/rss", "10.0.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://[::ffff:127.0.0.1]/rss", "Refused"),
        ("http://localhost:6379/", "localhost names this machine"),
    ],
)
def test_a_feed_on_an_internal_address_is_refused_when_saved(editor_client, world, url, why):
    response = editor_client.post(
        reverse("admin:sources_feed_add"), {"source": world.report.source.pk, "url": url, "is_active": "on"}
    )
    assert response.status_code == 200  # the form again, with the error on the url field
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["url"] and why in errors["url"][0] and "public addresses only" in errors["url"][0]
    assert not Feed.objects.filter(url=url).exists()


def test_a_feed_on_a_public_address_is_saved(editor_client, world):
    response = editor_client.post(
        reverse("admin:sources_feed_add"),
        {"source": world.report.source.pk, "url": "https://ariana.example/rss", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Feed.objects.filter(url="https://ariana.example/rss").exists()
