"""Sources and reports API: /api/v1/sources/, /api/v1/reports/."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.views import ServiceViewSet, merge_permitted, merge_target
from sources.api.serializers import ReportSerializer, SourceSerializer
from sources.filters import ReportFilter, SourceFilter
from sources.models import Source
from sources.selectors import report_list, source_list
from sources.services import (
    report_create,
    report_delete,
    report_update,
    source_create,
    source_delete,
    source_merge,
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

    @extend_schema(
        summary="Merge a near-duplicate source into another",
        description=(
            "Moves every reference of this source (reports, feeds, intakes) to `into`, keeps its name and "
            "aliases as aliases of `into`, deletes it and recomputes the claims citing it, in one transaction. "
            "`into` keeps its own reliability. Editors only (change and delete permission on sources). "
            "Answers with `into`."
        ),
        request=inline_serializer("SourceMerge", {"into": serializers.IntegerField()}),
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def merge(self, request: Request, pk: str | None = None) -> Response:
        merge_permitted(request.user, Source, "sources")
        source = self.get_object()
        into = merge_target(Source, request.data.get("into") if hasattr(request.data, "get") else None, "source")
        merged = source_merge(source=source, into=into)  # type: ignore[arg-type]
        return Response(self.get_serializer(self.fresh(merged)).data)


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
