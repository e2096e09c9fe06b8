"""Writes to sources and reports. A merge moves every reference of a duplicate source to the kept
one; ``sources.events.sources_changed`` tells the claims app which claims cite it now."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.bulk import insert_history, insert_rows
from core.services import (
    apply_fields,
    check_slug,
    clean_aliases,
    delete_or_refuse,
    full_clean,
    merge_reasons,
    merged_aliases,
    repoint_references,
    unique_slug,
)
from core.tasks import enqueue
from core.text import clean_fields
from sources import events
from sources.models import Feed, Report, Source

SOURCE_EDITABLE = ("name", "slug", "kind", "homepage", "country", "reliability", "actor", "aliases", "description")
REPORT_EDITABLE = ("source", "title", "url", "published_at", "author", "language", "summary")


def _prepare_source(source: Source) -> None:
    clean_fields(source, lines=["name", "homepage", "country"], texts=["description"])
    source.aliases = clean_aliases(source.aliases)
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
    """Update a source; a change of its ``reliability`` regrades the claims citing it (before this returns)."""
    before = Source.objects.filter(pk=source.pk).values_list("reliability", flat=True).first()
    apply_fields(source, fields, SOURCE_EDITABLE)
    _prepare_source(source)
    source.save()
    if before != source.reliability:
        events.citations_regraded.send(sender=Source, source_ids={source.pk}, report_ids=set())
    return source


@transaction.atomic
def source_delete(*, source: Source) -> None:
    delete_or_refuse(source)


@transaction.atomic
def source_merge(*, source: Source, into: Source) -> Source:
    """Merge ``source`` (a near-duplicate outlet) into ``into`` and delete it, in one transaction:
    its reports, feeds and intakes (any app's references, found through the model's relations) move
    to ``into``, its name and aliases become aliases of ``into``, and the merge is recorded in both
    sources' history and in each moved report's. A feed whose address ``into`` already pulls is
    folded into that one (its reports move to it). ``into`` keeps its own reliability, owner and
    other fields. ``sources_changed`` names ``into``: the claims citing it are recomputed."""
    if into is None or not isinstance(into, Source):
        raise ValidationError({"into": "Name the source to merge into."})
    source = Source.objects.select_for_update().get(pk=source.pk)
    into = Source.objects.select_for_update().get(pk=into.pk)
    if into.pk == source.pk:
        raise ValidationError({"into": "A source cannot be merged into itself."})
    kept_reason, gone_reason, moved_reason = merge_reasons(source, into)
    kept_feeds = dict(Feed.objects.filter(source=into).values_list("url", "pk"))
    for feed in Feed.objects.filter(source=source, url__in=list(kept_feeds)):
        feed.reports.update(feed_id=kept_feeds[feed.url])
        feed.delete()
    repoint_references(source, into, reason=moved_reason)
    into.aliases = merged_aliases(into, source)
    into._change_reason = kept_reason  # type: ignore[attr-defined]
    into.save()
    source._change_reason = gone_reason  # type: ignore[attr-defined]
    delete_or_refuse(source)
    events.sources_changed.send(sender=Source, source_ids={into.pk})
    return into


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
    """Update a report; moving it to another source regrades the claims citing it."""
    before = Report.objects.filter(pk=report.pk).values_list("source_id", flat=True).first()
    apply_fields(report, fields, REPORT_EDITABLE)
    _prepare_report(report)
    report.save()
    if before != report.source_id:
        events.citations_regraded.send(sender=Report, source_ids=set(), report_ids={report.pk})
    return report


@transaction.atomic
def report_delete(*, report: Report) -> None:
    delete_or_refuse(report)


@transaction.atomic
def report_set_triage(*, report: Report, triage: str) -> Report:
    """An editor accepts or discards a report pulled from a feed (or puts it back to pending)."""
    if triage not in Report.Triage.values:
        choices = ", ".join(Report.Triage.values)
        raise ValidationError({"triage": f"“{triage}” is not a triage state; use one of {choices}."})
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.triage != triage:
        report.triage = triage
        report.save()
    return report
