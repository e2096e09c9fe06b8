"""Merging a near-duplicate source into another: its reports, feeds and intakes move, its name stays
as an alias (found by the API's search and by the importers), the claims citing it are recomputed,
the history says so; bad input is a 400 naming ``into`` and writes nothing."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake.models import Intake
from interchange.importers.base.directory import Directory
from sources.models import Feed, Report, Source
from tests.factories import ActorFactory, ClaimFactory, ReportFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(db):
    tolo = SourceFactory(name="TOLOnews", reliability="B", aliases=["Tolo"])
    spelled = SourceFactory(name="Tolo News", reliability="D", aliases=["TOLO TV"])
    kept_report = ReportFactory(source=tolo, title="Fighting in Panjshir")
    moved_report = ReportFactory(source=spelled, title="Taliban enter Bazarak")
    same_feed = Feed.objects.create(source=tolo, url="https://tolonews.example.org/rss")
    twin_feed = Feed.objects.create(source=spelled, url="https://tolonews.example.org/rss")
    own_feed = Feed.objects.create(source=spelled, url="https://tolonews.example.org/pashto/rss")
    Report.objects.filter(pk=moved_report.pk).update(feed=twin_feed)
    intake = Intake.objects.create(text="Taliban enter Bazarak.", source=spelled)
    claim = ClaimFactory(
        claimant=ActorFactory(name="Taliban"),
        summary="The Taliban entered Bazarak.",
        citations=[{"report": moved_report}],
        claimed_on=date(2021, 9, 5),
    )
    return tolo, spelled, kept_report, moved_report, same_feed, own_feed, intake, claim


def test_merging_sources_moves_reports_feeds_and_intakes_and_keeps_the_aliases(editor_api, twins):
    tolo, spelled, kept_report, moved_report, same_feed, own_feed, intake, claim = twins

    response = editor_api.post(f"/api/v1/sources/{spelled.pk}/merge/", {"into": tolo.pk}, format="json")

    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["id"] == tolo.pk and data["aliases"] == ["Tolo", "Tolo News", "TOLO TV"]
    assert data["reliability"] == "B" and data["report_count"] == 2  # the kept source's grade stays
    assert not Source.objects.filter(pk=spelled.pk).exists()
    assert set(Report.objects.filter(source=tolo).values_list("pk", flat=True)) == {kept_report.pk, moved_report.pk}
    # The feed both pulled is one feed now, its reports with it; the other feed moved as it was.
    assert sorted(Feed.objects.filter(source=tolo).values_list("pk", flat=True)) == sorted([same_feed.pk, own_feed.pk])
    assert Report.objects.get(pk=moved_report.pk).feed_id == same_feed.pk
    intake.refresh_from_db()
    assert intake.source_id == tolo.pk
    cited = editor_api.get(f"/api/v1/claims/{claim.pk}/").json()["citations"]
    assert [c["report"]["source"]["id"] for c in cited] == [tolo.pk]


def test_a_merged_source_is_found_by_its_old_name(editor_api, client, twins):
    tolo, spelled, *_ = twins
    assert editor_api.post(f"/api/v1/sources/{spelled.pk}/merge/", {"into": tolo.pk}).status_code == 200

    page = client.get(f"/sources/{tolo.slug}/").content.decode()
    assert "Also known as:" in page and "Tolo News" in page
    assert client.get(f"/sources/{spelled.slug}/").status_code == 404

    found = editor_api.get("/api/v1/sources/", {"q": "tolo news"}).json()["results"]
    assert [s["id"] for s in found] == [tolo.pk]
    assert Directory().source("TOLO news").pk == tolo.pk  # an import naming the old outlet cites the kept one
    assert Directory().source("tolo tv").pk == tolo.pk
    assert Source.objects.count() == 1


def test_the_merge_is_in_the_kept_source_history_and_the_moved_report_history(editor_api, twins):
    tolo, spelled, kept_report, moved_report, *_ = twins

    assert editor_api.post(f"/api/v1/sources/{spelled.pk}/merge/", {"into": tolo.pk}).status_code == 200

    record = tolo.history.order_by("-history_date", "-history_id").first()
    assert record.history_change_reason == f"Merged Tolo News (#{spelled.pk}) into this"
    assert record.aliases == ["Tolo", "Tolo News", "TOLO TV"]
    last, before = moved_report.history.order_by("-history_date", "-history_id")[:2]
    assert (before.source_id, last.source_id) == (spelled.pk, tolo.pk)
    assert last.history_change_reason == f"Merged Tolo News (#{spelled.pk}) into TOLOnews (#{tolo.pk})"
    assert last.history_user.username == "editor"


@pytest.mark.parametrize("into", ["self", 987654, "x", "", None, [1]])
def test_a_bad_source_merge_is_a_400_naming_into_and_writes_nothing(editor_api, twins, into):
    tolo, spelled, kept_report, moved_report, *_ = twins
    value = spelled.pk if into == "self" else into

    response = editor_api.post(f"/api/v1/sources/{spelled.pk}/merge/", {"into": value}, format="json")

    assert response.status_code == 400
    assert "into" in response.json()
    assert Source.objects.filter(pk=spelled.pk).exists()
    assert Report.objects.get(pk=moved_report.pk).source_id == spelled.pk


def test_only_editors_merge_sources(analyst_api, api, twins):
    tolo, spelled, *_ = twins
    assert analyst_api.post(f"/api/v1/sources/{spelled.pk}/merge/", {"into": tolo.pk}).status_code == 403
    assert api.post(f"/api/v1/sources/{spelled.pk}/merge/", {"into": tolo.pk}).status_code in (401, 403)
    assert Source.objects.filter(pk=spelled.pk).exists()


def test_sources_take_aliases_through_the_api(editor_api, db):
    response = editor_api.post(
        "/api/v1/sources/",
        {"name": "Pajhwok", "aliases": [" Pajhwok Afghan News ", "Pajhwok Afghan News"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["aliases"] == ["Pajhwok Afghan News"]
    bad = editor_api.post("/api/v1/sources/", {"name": "Ariana", "aliases": ["x" * 300]}, format="json")
    assert bad.status_code == 400 and "aliases" in bad.json()
    assert not Source.objects.filter(name="Ariana").exists()


def _merge_queries(editor_api, size):
    kept, twin = SourceFactory(name=f"Kept {size}"), SourceFactory(name=f"Twin {size}")
    claimant = ActorFactory(name=f"Claimant {size}")
    for n in range(size):
        ClaimFactory(claimant=claimant, citations=[{"report": ReportFactory(source=twin, title=f"R {size}-{n}")}])
    with CaptureQueriesContext(connection) as ctx:
        response = editor_api.post(f"/api/v1/sources/{twin.pk}/merge/", {"into": kept.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["report_count"] == size
    return len(ctx.captured_queries)


def test_a_source_merge_runs_as_many_queries_however_much_it_moves(editor_api, db):
    _merge_queries(editor_api, 1)  # the first request reads the editor's permissions: not counted
    assert _merge_queries(editor_api, 2) == _merge_queries(editor_api, 12)
