"""Pagination for every list: DRF's envelope, 50 a page, ``page_size`` up to 500 (a larger one gives 500;
one that is not a positive integer is a 400 naming it, as a wrong filter is; empty is the default)."""

from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from core.versions import cached_count


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


class CountCachingPaginator(Paginator):
    """A paginator whose count is cached under the data version (core/versions.py): the count
    of a large filtered list is the one part of a page that reads every matching row."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return cached_count(self.object_list)
        return super().count


class CountCachingPagination(PageNumberPagination):
    django_paginator_class = CountCachingPaginator
