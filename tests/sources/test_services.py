"""Source and report services: slugs, grades, unique URLs, refused deletes."""

import pytest
from django.core.exceptions import ValidationError

from core.services import ReferencedError
from sources.models import Report, Source
from sources.services import report_create, report_delete, report_update, source_create, source_delete
from tests.factories import ClaimFactory, ReportFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_slug_is_made_from_the_name_and_made_unique():
    assert [source_create(name="Tolo News").slug for _ in range(2)] == ["tolo-news", "tolo-news-2"]


def test_a_slug_already_taken_is_refused():
    source_create(name="Reuters")
    with pytest.raises(ValidationError) as error:
        source_create(name="Thomson Reuters", slug="reuters")
    assert "slug" in error.value.message_dict
    assert Source.objects.count() == 1


def test_reliability_defaults_to_cannot_be_judged_and_must_be_a_grade():
    assert source_create(name="A channel").reliability == "F"
    with pytest.raises(ValidationError) as error:
        source_create(name="Another channel", reliability="G")
    assert "reliability" in error.value.message_dict
    assert Source.objects.count() == 1


def test_a_report_url_can_be_used_once():
    report = ReportFactory(url="https://www.rt.com/news/panjshir/")
    with pytest.raises(ValidationError) as error:
        report_create(source=report.source, title="Same article", url="https://www.rt.com/news/panjshir/")
    assert "url" in error.value.message_dict
    assert Report.objects.count() == 1


def test_reports_without_a_url_do_not_collide():
    source = SourceFactory()
    first = report_create(source=source, title="Statement one", url="  ")
    second = report_create(source=source, title="Statement two")
    assert (first.url, second.url) == (None, None)


def test_a_report_title_is_required():
    with pytest.raises(ValidationError) as error:
        report_create(source=SourceFactory(), title="  ")
    assert "title" in error.value.message_dict


def test_a_report_update_to_a_taken_url_keeps_the_stored_report():
    taken = ReportFactory(url="https://example.org/a")
    report = ReportFactory(url="https://example.org/b")
    with pytest.raises(ValidationError):
        report_update(report=report, url=taken.url)
    assert Report.objects.get(pk=report.pk).url == "https://example.org/b"


def test_deleting_a_source_with_reports_is_refused():
    report = ReportFactory()
    with pytest.raises(ReferencedError) as refused:
        source_delete(source=report.source)
    assert report.title in str(refused.value)
    assert Source.objects.filter(pk=report.source_id).exists()


def test_deleting_a_cited_report_is_refused():
    claim = ClaimFactory()
    report = claim.citations.get().report
    with pytest.raises(ReferencedError):
        report_delete(report=report)
    assert Report.objects.filter(pk=report.pk).exists()
    assert claim.citations.count() == 1


def test_an_uncited_report_and_then_its_source_are_deleted():
    report = ReportFactory()
    report_delete(report=report)
    source_delete(source=report.source)
    assert not Source.objects.exists()
