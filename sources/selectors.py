"""Reads of sources and reports."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from sources.models import Report, Snapshot, Source


def source_list() -> QuerySet[Source]:
    """Sources with the number of their reports: a correlated count, so a page counts the reports of
    its own rows only, and the list's count reads the sources alone."""
    reports = Report.objects.filter(source=OuterRef("pk")).order_by().values("source").annotate(n=Count("*"))
    return Source.objects.select_related("actor").annotate(
        report_count=Coalesce(Subquery(reports.values("n"), output_field=IntegerField()), Value(0))
    )


def source_by_id_or_slug(value: str | int) -> Source | None:
    text = str(value).strip()
    lookup = Q(pk=int(text)) if text.isdigit() else Q(slug=text)
    return Source.objects.filter(lookup).first()


def report_list() -> QuerySet[Report]:
    return Report.objects.select_related("source")


def report_snapshots(report: Report) -> QuerySet[Snapshot]:
    """The archiving fetches of a report's URL, newest first."""
    return Snapshot.objects.filter(report=report).order_by("-fetched_at", "-id")
