"""Location filters, shared by the API and the HTML lists."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from config.filters import ReferenceFilter, StableOrderingFilter, StrictBooleanFilter, UtcDateTimeFilter
from locations.models import Location
from locations.selectors import location_subtree_q


class LocationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search", help_text="Text in the name, slug or aliases.")
    kind = django_filters.ChoiceFilter(choices=Location.Kind.choices, label="Kind")
    parent = ReferenceFilter(
        model=Location, label="Parent", help_text="Location id or slug: the places directly in it."
    )
    within = ReferenceFilter(
        model=Location,
        method="filter_within",
        label="Within",
        help_text="Location id or slug: it and every place below it.",
    )
    root = StrictBooleanFilter(method="filter_root", label="Root", help_text="true: only places without a parent.")
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("updated_at", "updated_at"), ("id", "id")), label="Order by"
    )

    class Meta:
        model = Location
        fields: list[str] = []

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(slug__icontains=value) | Q(aliases__icontains=value))

    def filter_within(self, qs: QuerySet, name: str, value: list[Any]) -> QuerySet:
        return qs.filter(location_subtree_q(value)) if value else qs

    def filter_root(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        return qs if value is None else qs.filter(parent__isnull=value)
