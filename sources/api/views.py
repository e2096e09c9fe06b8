"""Sources and reports API: /api/v1/sources/, /api/v1/reports/."""

from core.api.views import ServiceViewSet
from sources.api.serializers import ReportSerializer, SourceSerializer
from sources.filters import ReportFilter, SourceFilter
from sources.selectors import report_list, source_list
from sources.services import (
    report_create,
    report_delete,
    report_update,
    source_create,
    source_delete,
    source_update,
)


class SourceViewSet(ServiceViewSet):
    """Outlets and channels, graded A–F for reliability."""

    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    selector = source_list
    create_service = source_create
    update_service = source_update
    delete_service = source_delete
    service_object = "source"


class ReportViewSet(ServiceViewSet):
    """Articles, posts and statements published by a source."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    selector = report_list
    create_service = report_create
    update_service = report_update
    delete_service = report_delete
    service_object = "report"
    self_link = "api_url"  # ``url`` is the article's address
