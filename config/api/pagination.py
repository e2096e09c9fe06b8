"""Pagination for every list: DRF's envelope, 50 a page, ``page_size`` up to 500."""

from django.conf import settings
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"

    @property
    def page_size(self) -> int:  # type: ignore[override]
        return settings.FOGWATCH_PAGE_SIZE

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        return settings.FOGWATCH_MAX_PAGE_SIZE
