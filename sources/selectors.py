"""Reads of sources and reports."""

from django.db.models import Count, Q, QuerySet

from sources.models import Report, Source


def source_list() -> QuerySet[Source]:
    return Source.objects.select_related("actor").annotate(report_count=Count("reports"))


def source_by_id_or_slug(value: str | int) -> Source | None:
    text = str(value).strip()
    lookup = Q(pk=int(text)) if text.isdigit() else Q(slug=text)
    return Source.objects.filter(lookup).first()


def report_list() -> QuerySet[Report]:
    return Report.objects.select_related("source")
