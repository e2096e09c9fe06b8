"""The claim filters: one FilterSet used by the API and by the HTML list (``/claims/``).

``ClaimFilter(request.GET, queryset=claim_list())`` works on its own: ``.form`` renders the
filters, ``.is_valid()``/``.errors`` report a bad parameter by name, ``.qs`` is the filtered
queryset. With ``as_of`` (rule 9) the claims made later are left out, and the status and
flag filters use the values as they stood on that date (through ``claims.as_of``); ``.as_of``
and ``.as_of_flags`` then hold the date and the flags already computed, for the readers of the
rows to reuse.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from actors.filters import ActorFilter
from actors.models import Actor
from actors.selectors import actor_subtree_q
from claims import flags
from claims.as_of import Flags, flags_match, sensitive_flags
from claims.models import Citation, Claim, Conflict, Relation
from claims.search import MAX_CHARS, MAX_WORDS, SearchField, rank_claims, search_claims
from claims.selectors import conflicts_claims_q, stored_flags_q
from core.filters import (
    FilterSet,
    MultipleChoiceCSVFilter,
    ReferenceFilter,
    StableOrderingFilter,
    StrictBooleanFilter,
    UtcDateTimeFilter,
)
from locations.filters import LocationFilter
from locations.models import Location
from locations.selectors import location_subtree_q
from sources.filters import SourceFilter
from sources.models import Report, Source


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


def _claim_ids_citing(**lookup: Any) -> QuerySet:
    return Citation.objects.filter(**lookup).values("claim_id")


class ClaimFilter(FilterSet):
    """Every claim filter of DESIGN.md; the same names drive the API and the HTML list."""

    q = SearchFilter(
        method="filter_q",
        label="Search",
        help_text=(
            f"Every word, in any order (at most {MAX_WORDS} words, {MAX_CHARS} characters): in the summary, "
            "quote, citation quotes, report titles, and the names and aliases of the actors and places. On "
            "PostgreSQL similar spellings match too, and the best match comes first unless ordering is given."
        ),
    )
    conflict = ReferenceFilter(
        method="filter_reference",
        model=Conflict,
        label="Conflict",
        help_text="Conflict id or slug: claims in its places (or by its parties' blocs, without a place) and period.",
    )
    status = MultipleChoiceCSVFilter(
        method="filter_status",
        label="Status",
        choices=Claim.Status.choices,
        help_text="One or more statuses, comma-separated (or the parameter repeated).",
    )
    grade = MultipleChoiceCSVFilter(
        method="filter_grade",
        label="Grade",
        choices=[(g, g) for g in flags.GRADES],
        help_text="One or more Admiralty grades (A1 … F6), comma-separated, e.g. A1,A2,B1,B2.",
    )
    credibility_max = django_filters.ChoiceFilter(
        method="filter_grade",
        label="Credibility at most",
        choices=[(str(d), f"{d}: {flags.CREDIBILITY_WORDS[d]}") for d in flags.CREDIBILITIES],
        help_text="The grade's digit at most this (1 confirmed … 6 cannot be judged).",
    )
    contested = StrictBooleanFilter(method="filter_flag", label="Contested")
    corroborated = StrictBooleanFilter(method="filter_flag", label="Corroborated")
    unverified = StrictBooleanFilter(method="filter_flag", label="Unverified")
    kind = django_filters.ChoiceFilter(choices=Claim.Kind.choices, label="Kind")
    count_unit = django_filters.ChoiceFilter(
        choices=Claim.CountUnit.choices, label="Count unit", help_text="What the count counts: killed, wounded, …"
    )
    claimant = ReferenceFilter(
        method="filter_reference",
        model=Actor,
        label="Claimant",
        help_text="Actor id or slug; includes actors below it.",
    )
    spokesperson = ReferenceFilter(
        method="filter_reference",
        model=Actor,
        label="Spokesperson",
        help_text="Actor id or slug: the claims they voiced.",
    )
    subject = ReferenceFilter(method="filter_reference", model=Actor, label="Subject", help_text="Actor id or slug.")
    location = ReferenceFilter(
        method="filter_reference",
        model=Location,
        label="Location",
        help_text="Location id or slug; includes places below it.",
    )
    source = ReferenceFilter(
        method="filter_reference", model=Source, label="Source", help_text="Source id or slug: claims cited from it."
    )
    report = ReferenceFilter(
        method="filter_reference",
        model=Report,
        by_slug=False,
        label="Report",
        help_text="Report id: claims cited from it.",
    )
    claimed_after = django_filters.DateFilter(field_name="claimed_on", lookup_expr="gte", label="Claimed on or after")
    claimed_before = django_filters.DateFilter(field_name="claimed_on", lookup_expr="lte", label="Claimed on or before")
    event_after = django_filters.DateFilter(
        method="filter_event_after", label="Event on or after", help_text="The event window reaches this date or later."
    )
    event_before = django_filters.DateFilter(
        method="filter_event_before", label="Event on or before", help_text="The event window starts on or before it."
    )
    updated_since = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Updated since", help_text="ISO 8601 date and time."
    )
    as_of = django_filters.DateFilter(
        method="filter_as_of", label="As of", help_text="Flags, status and reasons as they stood on this date."
    )
    ordering = StableOrderingFilter(
        fields=(("claimed_on", "claimed_on"), ("updated_at", "updated_at"), ("id", "id")),
        label="Order by",
    )

    # Filters that read the derived flags; with as_of they are applied to the as-of values.
    FLAG_FILTERS = ("status", "contested", "corroborated", "unverified", "grade", "credibility_max")

    class Meta:
        model = Claim
        fields = ["kind"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.as_of: date | None = None
        self.as_of_flags: dict[int, Flags] | None = None

    # -- the filters ---------------------------------------------------------------------------

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        # One implementation for the API, the pages and the exports (claims.search); the order by
        # relevance is settled in filter_queryset, once every filter is applied.
        return search_claims(qs, value)

    def filter_status(self, qs: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value or self._as_of_value():
            return qs
        return qs.filter(status__in=value)

    def filter_grade(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        # grade and credibility_max together: one filter on the indexed grade column.
        if name != "grade" and self.form.cleaned_data.get("grade"):
            return qs  # applied with grade
        if self._as_of_value():
            return qs
        data = self.form.cleaned_data
        return qs.filter(stored_flags_q(grade=data.get("grade"), credibility_max=data.get("credibility_max")))

    def filter_flag(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None or self._as_of_value():
            return qs
        return qs.filter(**{name: value})

    def filter_reference(self, qs: QuerySet, name: str, value: list[Any]) -> QuerySet:
        if not value:
            return qs
        if name == "conflict":
            return qs.filter(conflicts_claims_q(value))
        if name == "claimant":
            return qs.filter(claimant__in=Actor.objects.filter(actor_subtree_q(value)))
        if name == "subject":
            return qs.filter(subject__in=value)
        if name == "spokesperson":
            return qs.filter(spokesperson__in=value)
        if name == "location":
            return qs.filter(location__in=Location.objects.filter(location_subtree_q(value)))
        if name == "source":
            return qs.filter(pk__in=_claim_ids_citing(report__source__in=value))
        if name == "report":
            return qs.filter(pk__in=_claim_ids_citing(report__in=value))
        raise ValueError(name)

    def filter_event_after(self, qs: QuerySet, name: str, value: date) -> QuerySet:
        if value is None:
            return qs
        return qs.alias(event_last=Coalesce("event_end", "event_start")).filter(event_last__gte=value)

    def filter_event_before(self, qs: QuerySet, name: str, value: date) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(event_start__lte=value)

    def filter_as_of(self, qs: QuerySet, name: str, value: date) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(claimed_on__lte=value)

    # -- as of a date --------------------------------------------------------------------------

    def _as_of_value(self) -> date | None:
        return self.form.cleaned_data.get("as_of") if hasattr(self.form, "cleaned_data") else None

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        qs = self._filter_queryset(queryset)
        if not self.form.cleaned_data.get("ordering"):
            qs = rank_claims(qs)  # with q: best match first (a narrow enough search)
        return qs

    def _filter_queryset(self, queryset: QuerySet) -> QuerySet:
        qs = super().filter_queryset(queryset)
        as_of = self._as_of_value()
        if as_of is None:
            return qs
        self.as_of = as_of
        data = self.form.cleaned_data
        wanted = {name: data.get(name) for name in self.FLAG_FILTERS}
        if not any(v not in (None, [], "") for v in wanted.values()):
            return qs  # flags are computed for the rows shown only
        # Only claims whose state on that date may differ from the stored one are evaluated; for the
        # rest the stored flags are the as-of flags (claims.selectors.as_of_sensitive_ids).
        sensitive, self.as_of_flags = sensitive_flags(as_of)
        keep = [pk for pk, f in self.as_of_flags.items() if flags_match(f, **wanted)]
        stored = stored_flags_q(**wanted) & ~Q(pk__any_of=sorted(sensitive)) if sensitive else stored_flags_q(**wanted)
        return qs.filter(stored | Q(pk__any_of=keep)) if keep else qs.filter(stored)


class RelationFilter(FilterSet):
    """Relations by claim, target, either end, stance and origin."""

    claim = ReferenceFilter(model=Claim, by_slug=False, label="Responding claim", help_text="Claim id.")
    target = ReferenceFilter(model=Claim, by_slug=False, label="Target claim", help_text="Claim id.")
    involving = ReferenceFilter(
        model=Claim,
        by_slug=False,
        method="filter_involving",
        label="Involving",
        help_text="Claim id at either end.",
    )
    stance = MultipleChoiceCSVFilter(
        field_name="stance",
        lookup_expr="in",
        choices=Relation.Stance.choices,
        label="Stance",
        help_text="One or more stances, comma-separated (or the parameter repeated).",
    )
    origin = django_filters.ChoiceFilter(choices=Relation.Origin.choices, label="Origin")
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    ordering = StableOrderingFilter(fields=(("updated_at", "updated_at"), ("id", "id")), label="Order by")

    class Meta:
        model = Relation
        fields: list[str] = []

    def filter_involving(self, qs: QuerySet, name: str, value: list[Any]) -> QuerySet:
        return qs.filter(Q(claim__in=value) | Q(target__in=value)) if value else qs


class ConflictFilter(FilterSet):
    """Conflicts by text in the name, slug or description, and by a place or party they name."""

    q = django_filters.CharFilter(method="filter_q", label="Search", help_text="Text in the name, slug or description.")
    place = ReferenceFilter(
        method="filter_member", model=Location, label="Place", help_text="Location id or slug: conflicts covering it."
    )
    party = ReferenceFilter(
        method="filter_member", model=Actor, label="Party", help_text="Actor id or slug: conflicts it is a party to."
    )
    updated_since = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    ordering = StableOrderingFilter(fields=(("start", "start"), ("name", "name"), ("id", "id")), label="Order by")

    class Meta:
        model = Conflict
        fields: list[str] = []

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(slug__icontains=value) | Q(description__icontains=value))

    def filter_member(self, qs: QuerySet, name: str, value: list[Any]) -> QuerySet:
        if not value:
            return qs
        relation = {"place": "places", "party": "parties"}[name]
        return qs.filter(pk__in=Conflict.objects.filter(**{f"{relation}__in": value}).values("pk"))


# -- the lists of places, actors and sources, with their claim counts ----------------------------


def count_scope_filter() -> ReferenceFilter:
    return ReferenceFilter(
        model=Conflict,
        method="filter_count_scope",
        label="Conflict",
        help_text="Conflict id or slug: the claim counts count only its claims (the list itself is not narrowed).",
    )


class CountScopeMethods:
    """``conflict`` on a list of places, actors or sources: it scopes the claim counts of the rows,
    not the rows; an unknown one is an error naming it, as on the claim list."""

    form: Any

    def filter_count_scope(self, qs: QuerySet, name: str, value: list[Any]) -> QuerySet:
        return qs

    @property
    def conflicts(self) -> list[Conflict]:
        data = getattr(self.form, "cleaned_data", None) or {}
        return list(data.get("conflict") or [])


class LocationListFilter(CountScopeMethods, LocationFilter):
    conflict = count_scope_filter()


class ActorListFilter(CountScopeMethods, ActorFilter):
    conflict = count_scope_filter()


class SourceListFilter(CountScopeMethods, SourceFilter):
    conflict = count_scope_filter()
