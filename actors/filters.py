"""Actor filters, shared by the API and the HTML lists."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from actors.models import Actor
from actors.selectors import actor_subtree_q
from config.filters import ReferenceFilter, StableOrderingFilter, StrictBooleanFilter, UtcDateTimeFilter


class ActorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search", help_text="Text in the name, slug or aliases.")
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

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(slug__icontains=value) | Q(aliases__icontains=value))

    def filter_within(self, qs: QuerySet, name: str, value: list[Any]) -> QuerySet:
        return qs.filter(actor_subtree_q(value)) if value else qs

    def filter_root(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        return qs if value is None else qs.filter(parent__isnull=value)
