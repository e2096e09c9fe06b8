"""Actor filters, shared by the API and the HTML lists."""

import django_filters

from actors.models import Actor
from core.filters import (
    FilterSet,
    ReferenceFilter,
    StableOrderingFilter,
    StrictBooleanFilter,
    TreeFilterMethods,
    UtcDateTimeFilter,
    search_filter,
)


class ActorFilter(TreeFilterMethods, FilterSet):
    q = search_filter("Words, each in the name, the slug or another name (any case, any script).")
    slug = django_filters.CharFilter(field_name="slug", label="Slug", help_text="Exactly this slug.")
    kind = django_filters.ChoiceFilter(choices=Actor.Kind.choices, label="Kind")
    parent = ReferenceFilter(model=Actor, label="Parent", help_text="Actor id or slug: its direct members.")
    within = ReferenceFilter(
        model=Actor,
        method="filter_within",
        label="Within",
        help_text="Actor id or slug: it and every actor below it.",
    )
    bloc = ReferenceFilter(model=Actor, label="Bloc", help_text="Actor id or slug of a bloc (a root actor).")
    is_party = StrictBooleanFilter(field_name="is_party", label="Party to the conflict")
    root = StrictBooleanFilter(method="filter_root", label="Root", help_text="true: only actors without a parent.")
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("updated_at", "updated_at"), ("id", "id")), label="Order by"
    )

    class Meta:
        model = Actor
        fields: list[str] = []
