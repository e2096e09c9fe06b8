"""Pagination for every list: DRF's envelope, 50 a page, ``page_size`` up to 500."""

from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework import pagination

from core.versions import cached_count


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"

    @property
    def page_size(self) -> int:  # type: ignore[override]
        return settings.FOGWATCH_PAGE_SIZE

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        return settings.FOGWATCH_MAX_PAGE_SIZE


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
