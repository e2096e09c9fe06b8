"""Location filters, shared by the API and the HTML lists."""

import django_filters

from core.filters import (
    FilterSet,
    ReferenceFilter,
    StableOrderingFilter,
    StrictBooleanFilter,
    TreeFilterMethods,
    UtcDateTimeFilter,
    search_filter,
)
from locations.models import Location


class LocationFilter(TreeFilterMethods, FilterSet):
    q = search_filter("Words, each in the name, the slug or an alternate spelling (any case, any script).")
    slug = django_filters.CharFilter(field_name="slug", label="Slug", help_text="Exactly this slug.")
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
