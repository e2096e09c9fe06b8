"""Pagination for every list: DRF's envelope, 50 a page, ``page_size`` up to 500 (a larger one gives 500;
one that is not a positive integer is a 400 naming it, as a wrong filter is; empty is the default)."""

from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from core.versions import cached_count, cached_for_version


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"

    @property
    def page_size(self) -> int:  # type: ignore[override]
        return settings.FOGWATCH_PAGE_SIZE

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        return settings.FOGWATCH_MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        value = request.query_params.get(self.page_size_query_param, "")
        if value == "":
            return self.page_size
        if not (value.isascii() and value.isdigit()) or int(value) < 1:
            raise ValidationError({self.page_size_query_param: [f"“{value}” is not a positive whole number."]})
        return min(int(value), self.max_page_size)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    f"Results per page, {self.page_size} by default; a larger value than {self.max_page_size} "
                    f"(FOGWATCH_MAX_PAGE_SIZE) gives {self.max_page_size}."
                )
        return parameters


class Counted:
    """What to paginate when the page's rows need joins the count does not: ``rows`` (a queryset of
    the wide rows) gives the page in one query, ``counted`` (the same filter, the bare table) the
    count. Past ``deferred_after`` rows the page's ids are read first, then their rows, so a deep page
    does not join every row it skips (``rows`` must then be filterable by ``pk``)."""

    deferred_after = 1000

    def __init__(self, rows: QuerySet, counted: QuerySet) -> None:
        self.rows, self.counted = rows, counted

    @property
    def ordered(self) -> bool:
        return self.rows.ordered

    def count(self) -> int:
        return cached_count(self.counted)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list:
        if (key.start or 0) <= self.deferred_after:
            return list(self.rows[key])
        ids = list(self.counted.values_list("pk", flat=True)[key])
        by_id = {row["id"]: row for row in self.rows.order_by().filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]


class CountCachingPaginator(Paginator):
    """A paginator whose count is cached under the data version (core/versions.py): the count
    of a large filtered list is the one part of a page that reads every matching row.

    The count is keyed by its query's SQL; a caller that knows a cheaper key (the request's filter
    parameters, which decide the query) gives it as ``count_key`` and the SQL is not compiled."""

    def __init__(self, *args: Any, count_key: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key is not None and isinstance(self.object_list, QuerySet):
            return cached_for_version("count", self.count_key, self.object_list.count, using=self.object_list.db)
        if isinstance(self.object_list, Counted):
            return self.object_list.count()
        if isinstance(self.object_list, QuerySet):
            return cached_count(self.object_list)
        return super().count


class CountCachingPagination(PageNumberPagination):
    django_paginator_class = CountCachingPaginator
