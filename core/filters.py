"""Filter building blocks shared by every app's FilterSets (API and HTML lists alike).

Each field is strict: an unknown choice, a malformed boolean or an unknown id/slug is a form
error naming the parameter (the API answers 400), never a silently empty or unfiltered list.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django_filters.fields import IsoDateTimeField
from django_filters.filters import FilterMethod
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.search import SEARCH_MAX_LENGTH, filter_words
from core.tree import subtree_q

MAX_ID = 2**63 - 1
TRUE_VALUES = {"true", "1", "yes", "on"}
FALSE_VALUES = {"false", "0", "no", "off"}


class FilterSet(django_filters.FilterSet):
    """django-filter's ``FilterSet``, made for each request at a fraction of the cost.

    django-filter deep-copies every filter (its choices, its labels, its arguments) and builds a new
    form class, with a new form field per filter, each time a filter set is made: at the claims'
    two dozen filters that is most of a list's time outside SQL. The filters here are copied
    shallowly (what a request changes on a filter, its ``parent`` and ``model`` and the form field
    it builds, is its own; the arguments it was declared with are shared and never changed), and
    the form class is built once per filter set class. The form still copies its fields for each
    request, as every Django form does, so a view may change its own form's fields.
    """

    def __init__(
        self, data: Any = None, queryset: QuerySet | None = None, *, request: Any = None, prefix: str | None = None
    ) -> None:
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy.copy(base) for name, base in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.__dict__.pop("_field", None)  # the form field is built per copy, never shared
            if isinstance(filter_.__dict__.get("filter"), FilterMethod):
                filter_.filter = FilterMethod(filter_)  # a ``method=`` filter calls its own copy's parent
            filter_.model = queryset.model
            filter_.parent = self

    def get_form_class(self) -> type[forms.Form]:
        # Keyed by the queryset's model, which decides the filters' default labels.
        built = type(self).__dict__.get("_form_classes")
        if built is None:
            built = {}
            type(self)._form_classes = built  # type: ignore[attr-defined]
        model = self.queryset.model
        if model not in built:
            built[model] = super().get_form_class()
        return built[model]


def split_values(values: Any) -> list[str]:
    """``"a,b"`` or ``["a", "b,c"]`` → ``["a", "b", "c"]`` (blanks dropped)."""
    if values in (None, ""):
        return []
    if isinstance(values, str):
        values = [values]
    return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


class CommaMultipleChoiceField(forms.MultipleChoiceField):
    """Several choices, given comma-separated (``status=contested,unverified``) or repeated
    (``status=contested&status=unverified``, as a form's checkboxes send them)."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[str]:
        return split_values(value)


class StrictBooleanField(forms.Field):
    """``true``/``false`` (also 1/0, yes/no); anything else is an error, not "no filter"."""

    widget = forms.Select(choices=[("", "any"), ("true", "yes"), ("false", "no")])
    default_error_messages = {"invalid": "“%(value)s” is not a boolean; use true or false."}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value})


def is_number(text: str) -> bool:
    """ASCII digits only (``"²".isdigit()`` is true, but ``int("²")`` fails)."""
    return text.isascii() and text.isdigit()


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date and time, turned into UTC (the database refuses offsets beyond ±15:59)."""

    def clean(self, value: Any) -> datetime | None:
        result = super().clean(value)
        if result is None:
            return None
        try:
            if timezone.is_naive(result):
                result = timezone.make_aware(result)
            return result.astimezone(UTC)
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError("The date and time is out of range.", code="invalid") from exc


@extend_schema_field(OpenApiTypes.DATETIME)
class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class ReferenceField(forms.CharField):
    """One or more objects by id or slug, comma-separated; an unknown one is an error naming it."""

    def __init__(self, *args: Any, model: type, by_slug: bool = True, **kwargs: Any):
        self.model = model
        self.by_slug = by_slug
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> list[Any]:
        value = super().clean(value)
        parts = split_values(value)
        if not parts:
            return []
        numeric = {p: int(p) for p in parts if is_number(p)}
        ids = {n for n in numeric.values() if n <= MAX_ID}
        slugs = {p for p in parts if p not in numeric} if self.by_slug else set()
        lookup = Q(pk__in=ids)
        if slugs:
            lookup |= Q(slug__in=slugs)
        found = list(self.model._default_manager.filter(lookup))
        known_ids = {o.pk for o in found}
        known_slugs = {o.slug for o in found} if self.by_slug else set()
        missing = [p for p in parts if numeric.get(p) not in known_ids and p not in known_slugs]
        if missing:
            what = "id or slug" if self.by_slug else "id"
            name = self.model._meta.verbose_name
            # The user's text goes in params, never into the message itself (a "%" in it would break formatting).
            raise forms.ValidationError(
                "No %(name)s with the %(what)s %(values)s.",
                code="invalid_choice",
                params={"name": name, "what": what, "values": ", ".join(f"“{m}”" for m in missing)},
            )
        return found


class ReferenceFilter(django_filters.Filter):
    field_class = ReferenceField

    def __init__(self, *args: Any, model: type, by_slug: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.extra["model"] = model
        self.extra["by_slug"] = by_slug

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class MultipleChoiceCSVFilter(django_filters.MultipleChoiceFilter):
    """Comma-separated (``status=a,b``) or repeated (``status=a&status=b``) choices; an unknown one is
    an error naming it. Matches any of them."""

    field_class = CommaMultipleChoiceField

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": list(value)})


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ordering by one of the allowed fields, ties broken by id in the same direction. Empty entries
    (``ordering=,`` or ``ordering=name,``) are ignored, as an empty ``ordering=`` is."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        value = [param for param in value or () if param]
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        last = ordering[-1]
        if last not in ("id", "-id"):
            ordering.append("-id" if last.startswith("-") else "id")
        return qs.order_by(*ordering)


def search_filter(help_text: str) -> django_filters.CharFilter:
    """``q``: words, each of which must appear in one of the searched fields (``filter_q``), at most
    ``SEARCH_MAX_LENGTH`` characters (longer, or a NUL character, is an error naming ``q``)."""
    return django_filters.CharFilter(
        method="filter_q",
        label="Search",
        max_length=SEARCH_MAX_LENGTH,
        help_text=f"{help_text} At most {SEARCH_MAX_LENGTH} characters.",
    )


class TreeFilterMethods:
    """The filter methods actor and location lists share: words in the name, slug or aliases; a
    node and everything below it (``within``); roots only (``root``)."""

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return filter_words(qs, value, "name", "slug", aliases="aliases")

    def filter_within(self, qs: QuerySet, name: str, value: list[Any]) -> QuerySet:
        return qs.filter(subtree_q(value)) if value else qs

    def filter_root(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        return qs if value is None else qs.filter(parent__isnull=value)
