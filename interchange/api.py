"""Claims exports under /api/v1/claims/: CSV, GeoJSON, a JSON Lines dump (all streamed, all honouring
every claim filter), ClaimReview JSON-LD (one claim and a feed), and the tombstone feed for sync.

Reads follow FOGWATCH_PUBLIC_READ through the project's permission class.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from claims.documents import ClaimDocuments
from claims.filters import ClaimFilter
from claims.models import Claim, Tombstone
from core.api.idempotency import IdempotentPosts
from core.api.parsers import JSONParser
from interchange import exports, jsonld
from interchange.importers.base import ImportFileError
from interchange.models import ImportJob
from interchange.services import faulty_rows_csv, import_job_start, import_job_status
from interchange.views import MAX_UPLOAD, imported_claims_url

FILTER_PARAMETERS = [
    OpenApiParameter(
        name,
        OpenApiTypes.STR,
        description=str(getattr(f, "extra", {}).get("help_text") or f.label or name),
        required=False,
    )
    for name, f in ClaimFilter.base_filters.items()
]


class AnyAccept(BaseContentNegotiation):
    """The exports answer in their own format whatever ``Accept`` says (errors in JSON)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


FILTER_ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="A filter value is wrong: a message per parameter.")


class ClaimExportView(generics.GenericAPIView):
    """Base of the claim exports: the claims that pass every filter of the claim list."""

    content_negotiation_class = AnyAccept
    renderer_classes = [JSONRenderer]

    queryset = Claim.objects.none()  # for the permission class; rows are read as claim documents
    filter_backends: list = []
    pagination_class = None
    serializer_class = None

    def get_queryset(self):
        return Claim.objects.all()

    def claims(self) -> tuple[Any, ClaimFilter]:
        """The filtered claims and the bound filterset (its ``as_of`` and as-of flags). A wrong
        parameter is a 400 naming it."""
        filterset = ClaimFilter(self.request.query_params, queryset=self.get_queryset(), request=self.request)
        if not filterset.is_valid():
            raise ValidationError({name: [str(m) for m in messages] for name, messages in filterset.errors.items()})
        return filterset.qs, filterset

    def stream(self, queryset, filterset) -> Iterator[dict]:
        """The claim documents, the first chunk already read: a query that fails does so before the
        200 is sent."""
        as_of = filterset.as_of if filterset is not None else None
        known = filterset.as_of_flags if filterset is not None else None
        # In id order by keyset unless the client asked for an order.
        keyset = not self.request.query_params.get("ordering")
        documents = exports.iterate_documents(queryset, self.request, as_of=as_of, known=known, keyset=keyset)
        first = next(documents, None)
        return documents if first is None else itertools.chain([first], documents)


class ClaimCsvExportView(ClaimExportView):
    @extend_schema(
        operation_id="claims_export_csv",
        summary="Claims as CSV",
        description="One row per claim, flat; the columns are documented in docs/import-export.md. Streamed. "
        "Takes every filter of the claim list (as_of included).",
        parameters=FILTER_PARAMETERS,
        responses={(200, "text/csv"): OpenApiTypes.STR, 400: FILTER_ERROR},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        queryset, filterset = self.claims()
        response = StreamingHttpResponse(
            exports.csv_lines(self.stream(queryset, filterset)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="fogwatch-claims.csv"'
        return response


class ClaimGeoJsonExportView(ClaimExportView):
    @extend_schema(
        operation_id="claims_export_geojson",
        summary="Claims as GeoJSON",
        description="A FeatureCollection of the claims whose location has coordinates: Point geometry "
        "([longitude, latitude]), properties with status, flags, reasons and location_precision. Streamed. "
        "Takes every filter of the claim list.",
        parameters=FILTER_PARAMETERS,
        responses={(200, "application/geo+json"): OpenApiTypes.OBJECT, 400: FILTER_ERROR},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        queryset, filterset = self.claims()
        queryset = queryset.filter(location__latitude__isnull=False, location__longitude__isnull=False)
        response = StreamingHttpResponse(
            exports.geojson_chunks(self.stream(queryset, filterset)),
            content_type="application/geo+json",
        )
        response["Content-Disposition"] = 'attachment; filename="fogwatch-claims.geojson"'
        return response


class ClaimJsonLinesExportView(ClaimExportView):
    @extend_schema(
        operation_id="claims_export_jsonl",
        summary="Full dump of claims as JSON Lines",
        description="One JSON object per line per claim (with citations, reports and sources), streamed in "
        "constant memory. Takes every filter of the claim list.",
        parameters=FILTER_PARAMETERS,
        responses={(200, "application/x-ndjson"): OpenApiTypes.STR, 400: FILTER_ERROR},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        queryset, filterset = self.claims()
        response = StreamingHttpResponse(
            exports.jsonl_lines(self.stream(queryset, filterset)),
            content_type="application/x-ndjson; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="fogwatch-claims.jsonl"'
        return response


def _jsonld(data: dict[str, Any]) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/ld+json; charset=utf-8"
    )


class ClaimReviewFeedView(ClaimExportView):
    @extend_schema(
        operation_id="claims_claimreview_feed",
        summary="ClaimReview feed",
        description="Every claim as a schema.org ClaimReview, in a schema.org DataFeed (JSON-LD): with a "
        "`reviewRating` when it has a verdict, without one otherwise; counts as the Claim's `about` "
        "(QuantitativeValue), the location precision as its place's `additionalProperty`. Takes every filter "
        "of the claim list.",
        parameters=FILTER_PARAMETERS,
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT, 400: FILTER_ERROR},
    )
    def get(self, request: Request) -> HttpResponse:
        queryset, filterset = self.claims()
        documents = self.stream(queryset, filterset)
        return _jsonld(jsonld.claim_review_feed(documents, site_url=request.build_absolute_uri("/")))


class ClaimReviewView(ClaimExportView):
    @extend_schema(
        operation_id="claims_claimreview_retrieve",
        summary="One claim's ClaimReview",
        description="The claim as schema.org ClaimReview JSON-LD (rated with its editorial verdict when it has "
        "one); 404 when there is no such claim.",
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT, 404: OpenApiResponse(description="No claim")},
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        found = ClaimDocuments(request, extra=True).for_ids([pk]) if 0 < pk < 2**63 else []
        if not found:
            raise Http404("No such claim.")
        return _jsonld(jsonld.claim_review(found[0], site_url=request.build_absolute_uri("/")))


class TombstoneSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="claim_id", help_text="Id of the deleted claim.")

    class Meta:
        model = Tombstone
        fields = ["id", "external_id", "deleted_at"]


def parse_since(value: str | None) -> datetime | None:
    """An ISO 8601 date and time (or a date: its midnight); naive times are in the site's time zone."""
    if value in (None, ""):
        return None
    text = value.strip().replace(" ", "+") if "T" in value else value.strip()
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is None:
                raise ValueError
            moment = datetime.combine(day, time.min)
    except ValueError:
        raise ValidationError(
            {"since": [f"“{value}” is not an ISO 8601 date and time (e.g. 2024-05-01T12:00:00Z)."]}
        ) from None
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(UTC)  # the database gets UTC whatever offset was given
    except (OverflowError, ValueError):
        raise ValidationError({"since": [f"“{value}” is out of range."]}) from None


class TombstoneListView(generics.ListAPIView):
    """Claims deleted since a moment: their ids and deletion times, oldest first, paginated."""

    queryset = Tombstone.objects.all()
    serializer_class = TombstoneSerializer
    filter_backends: list = []

    def get_queryset(self):
        since = parse_since(self.request.query_params.get("since"))
        queryset = Tombstone.objects.order_by("deleted_at", "id")
        return queryset.filter(deleted_at__gte=since) if since else queryset

    @extend_schema(
        operation_id="claims_deleted_list",
        summary="Deleted claims (tombstones)",
        description="Ids and deletion times of claims deleted at or after `since`, oldest first. With "
        "`GET /api/v1/claims/?updated_since=` a client can mirror the claims exactly.",
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description="ISO 8601 date and time; deletions at or after it. Empty: every deletion.",
            )
        ],
        responses={
            200: TombstoneSerializer(many=True),
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such page."),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Import jobs: POST a file, get 202 and the job's URL; follow its state and counts.
# ---------------------------------------------------------------------------------------------


class CanImport(BasePermission):
    """Editors: the permission to add and change claims."""

    message = "Importing needs the permission to add and change claims."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perms(["claims.add_claim", "claims.change_claim"]))


class ImportUploadSerializer(serializers.Serializer):
    dataset = serializers.ChoiceField(choices=ImportJob.Kind.choices, help_text="ucdp, acled or claimreview.")
    file = serializers.FileField(help_text="UTF-8 CSV with the dataset's own header, or a JSON-LD file.")
    strict = serializers.BooleanField(
        required=False, default=False, help_text="Skip rows with inconsistent counts instead of keeping them."
    )

    def validate_file(self, upload):
        if upload.size > MAX_UPLOAD:
            raise serializers.ValidationError(f"The file is larger than {MAX_UPLOAD // (1024 * 1024)} MB.")
        return upload


class ImportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="This job in the API.")
    kind = serializers.CharField()
    file_name = serializers.CharField(allow_blank=True)
    state = serializers.ChoiceField(choices=ImportJob.State.choices)
    rows_total = serializers.IntegerField(allow_null=True, help_text="Rows in the file, once checked.")
    rows_read = serializers.IntegerField()
    made = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    removed = serializers.IntegerField()
    faulty = serializers.IntegerField()
    skipped = serializers.IntegerField()
    kept = serializers.IntegerField()
    error = serializers.CharField(allow_blank=True, help_text="Why the job failed; empty otherwise.")
    runs = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    claims_url = serializers.CharField(help_text="The claims the job made or changed (the claim list's filter).")
    faulty_rows_url = serializers.CharField(help_text="The faulty rows as CSV, a `problem` column saying why.")


def _job_document(request: Request, job: ImportJob) -> dict[str, Any]:
    return {
        **import_job_status(job),
        "url": request.build_absolute_uri(reverse("api:import-job", args=[job.pk])),
        "claims_url": request.build_absolute_uri(imported_claims_url(job)),
        "faulty_rows_url": request.build_absolute_uri(reverse("api:import-job-faulty", args=[job.pk])),
    }


def _job(pk: str) -> ImportJob:
    """The job of this id (checked after the permissions: the path takes any id, as the router's do)."""
    number = int(pk) if pk.isdigit() else 0
    job = ImportJob.objects.defer("data").filter(pk=number).first() if 0 < number < 2**63 else None
    if job is None:
        raise Http404("No such import job.")
    return job


class ImportJobListView(IdempotentPosts, generics.GenericAPIView):
    permission_classes = [CanImport]
    parser_classes = [MultiPartParser, FormParser, JSONParser]  # JSON: refused with a 400 naming ``file``
    serializer_class = ImportUploadSerializer
    filter_backends: list = []
    pagination_class = None
    queryset = ImportJob.objects.none()

    @extend_schema(
        operation_id="imports_create",
        summary="Import a dataset (in the background)",
        description="Upload a UCDP GED or ACLED CSV or ClaimReview JSON-LD as `multipart/form-data`. The header "
        "and encoding are checked at once (400 naming `file`); the import runs in the background: the answer is "
        "202 with the job, its URL in `Location`.",
        request={"multipart/form-data": ImportUploadSerializer, "application/json": ImportUploadSerializer},
        responses={202: ImportJobSerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT, description="Bad input.")},
    )
    def post(self, request: Request) -> Response:
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            job = import_job_start(
                kind=serializer.validated_data["dataset"],
                data=upload.read(),
                file_name=upload.name or "",
                strict=serializer.validated_data["strict"],
                user=request.user,
            )
        except ImportFileError as exc:
            raise ValidationError({"file": [str(exc)]}) from exc
        document = _job_document(request, job)
        return Response(document, status=202, headers={"Location": document["url"]})


class ImportJobDetailView(generics.GenericAPIView):
    permission_classes = [CanImport]
    serializer_class = ImportJobSerializer
    filter_backends: list = []
    pagination_class = None
    queryset = ImportJob.objects.none()

    @extend_schema(
        operation_id="imports_retrieve",
        summary="An import job's state and counts",
        responses={200: ImportJobSerializer, 404: OpenApiResponse(description="No such job.")},
    )
    def get(self, request: Request, pk: str) -> Response:
        return Response(_job_document(request, _job(pk)))


class ImportJobFaultyView(generics.GenericAPIView):
    permission_classes = [CanImport]
    content_negotiation_class = AnyAccept
    renderer_classes = [JSONRenderer]
    filter_backends: list = []
    pagination_class = None
    serializer_class = None
    queryset = ImportJob.objects.none()

    @extend_schema(
        operation_id="imports_faulty_rows",
        summary="An import job's faulty rows (CSV)",
        description="`line`, `problem`, `action`, then the row's own columns.",
        responses={(200, "text/csv"): OpenApiTypes.STR, 404: OpenApiResponse(description="No such job.")},
    )
    def get(self, request: Request, pk: str) -> StreamingHttpResponse:
        job = _job(pk)
        response = StreamingHttpResponse(faulty_rows_csv(job), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-faulty-rows.csv"'
        return response
