"""Writes to sources and reports."""

from typing import Any

from django.db import transaction

from core.bulk import insert_history, insert_rows
from core.services import apply_fields, check_slug, delete_or_refuse, full_clean, unique_slug
from core.tasks import enqueue
from core.text import clean_fields
from sources.models import Report, Source

SOURCE_EDITABLE = ("name", "slug", "kind", "homepage", "country", "reliability", "actor", "description")
REPORT_EDITABLE = ("source", "title", "url", "published_at", "author", "language", "summary")


def _prepare_source(source: Source) -> None:
    clean_fields(source, lines=["name", "homepage", "country"], texts=["description"])
    if not source.slug:
        source.slug = unique_slug(Source, source.name, exclude_pk=source.pk, fallback="source")
    else:
        check_slug(Source, source.slug, exclude_pk=source.pk)
    full_clean(source)


@transaction.atomic
def source_create(*, name: str, **fields: Any) -> Source:
    source = Source(name=name)
    apply_fields(source, fields, SOURCE_EDITABLE)
    _prepare_source(source)
    source.save()
    return source


@transaction.atomic
def source_update(*, source: Source, **fields: Any) -> Source:
    apply_fields(source, fields, SOURCE_EDITABLE)
    _prepare_source(source)
    source.save()
    return source


@transaction.atomic
def source_delete(*, source: Source) -> None:
    delete_or_refuse(source)


def _prepare_report(report: Report) -> None:
    clean_fields(report, lines=["title", "url", "author", "language"], texts=["summary"], optional_null=["url"])
    full_clean(report)


@transaction.atomic
def report_create(*, source: Source, title: str, **fields: Any) -> Report:
    report = Report(source=source, title=title)
    apply_fields(report, fields, REPORT_EDITABLE)
    _prepare_report(report)
    report.save()
    if report.url:
        _archive_on_commit(report)
    return report


def report_prepare(*, source: Source, title: str, **fields: Any) -> Report:
    """A report without a URL, built and checked as ``report_create`` would, not written and without a
    query (the source is the object given); ``reports_create_bulk`` writes many at once."""
    report = Report(source=source, title=title)
    apply_fields(report, fields, REPORT_EDITABLE)
    if report.url:
        raise ValueError("report_prepare is for reports without a URL (a URL must be checked unique: report_create)")
    clean_fields(report, lines=["title", "url", "author", "language"], texts=["summary"], optional_null=["url"])
    report.full_clean(exclude=["source", "feed"], validate_unique=False, validate_constraints=False)
    return report


@transaction.atomic
def reports_create_bulk(reports: list[Report]) -> None:
    """Write reports made by ``report_prepare`` at once (COPY on PostgreSQL), with the creation history
    ``report_create`` leaves (one ``+`` row each)."""
    if not reports:
        return
    insert_rows(Report, reports)
    insert_history(Report, reports)


def _archive_on_commit(report: Report) -> None:
    """Preserve the page: a task fetches the report's URL once the report is committed."""
    enqueue("sources.tasks.archive_report", report.pk)  # by name: the tasks import the services


@transaction.atomic
def report_update(*, report: Report, **fields: Any) -> Report:
    apply_fields(report, fields, REPORT_EDITABLE)
    _prepare_report(report)
    report.save()
    return report


@transaction.atomic
def report_delete(*, report: Report) -> None:
    delete_or_refuse(report)


@transaction.atomic
def report_set_triage(*, report: Report, triage: str) -> Report:
    """An editor accepts or discards a report pulled from a feed (or puts it back to pending)."""
    from django.core.exceptions import ValidationError

    if triage not in Report.Triage.values:
        choices = ", ".join(Report.Triage.values)
        raise ValidationError({"triage": f"“{triage}” is not a triage state; use one of {choices}."})
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.triage != triage:
        report.triage = triage
        report.save()
    return report
