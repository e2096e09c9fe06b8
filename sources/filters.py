"""Source and report filters, shared by the API and the HTML lists."""

import django_filters
from django.db.models import Q, QuerySet

from actors.models import Actor
from core.filters import (
    FilterSet,
    MultipleChoiceCSVFilter,
    ReferenceFilter,
    StableOrderingFilter,
    UtcDateTimeFilter,
    search_filter,
)
from core.search import filter_words
from sources.models import Report, Source


class SourceFilter(FilterSet):
    q = search_filter("Words, each in the name, the slug, the homepage or an alias (any case, any script).")
    slug = django_filters.CharFilter(field_name="slug", label="Slug", help_text="Exactly this slug.")
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices, label="Kind")
    reliability = MultipleChoiceCSVFilter(
        field_name="reliability",
        lookup_expr="in",
        choices=Source.Reliability.choices,
        label="Reliability",
        help_text="One or more grades A–F, comma-separated (or the parameter repeated).",
    )
    actor = ReferenceFilter(model=Actor, label="Actor", help_text="Actor id or slug that owns the source.")
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact", label="Country")
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("updated_at", "updated_at"), ("id", "id")), label="Order by"
    )

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return filter_words(qs, value, "name", "slug", "homepage", aliases="aliases")


class ReportFilter(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search", help_text="Text in the title, summary or URL.")
    source = ReferenceFilter(model=Source, label="Source", help_text="Source id or slug.")
    triage = django_filters.ChoiceFilter(choices=Report.Triage.choices, label="Triage")
    language = django_filters.CharFilter(field_name="language", lookup_expr="iexact", label="Language")
    published_after = UtcDateTimeFilter(field_name="published_at", lookup_expr="gte", label="Published at or after")
    published_before = UtcDateTimeFilter(field_name="published_at", lookup_expr="lte", label="Published at or before")
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    ordering = StableOrderingFilter(
        fields=(("published_at", "published_at"), ("updated_at", "updated_at"), ("id", "id")), label="Order by"
    )

    class Meta:
        model = Report
        fields: list[str] = []

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(title__icontains=value) | Q(summary__icontains=value) | Q(url__icontains=value))
