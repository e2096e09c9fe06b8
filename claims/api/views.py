"""Claims API: /api/v1/claims/ (with history), /api/v1/relations/, and the control timeline of a
place at /api/v1/locations/{id}/control/."""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from actors.models import Actor
from claims.api.serializers import (
    ClaimSerializer,
    ConflictSerializer,
    ControlQuerySerializer,
    ControlTimelineSerializer,
    HistoryEditSerializer,
    HistoryFlagsSerializer,
    RelationSerializer,
)
from claims.as_of import not_yet_made, rows_as_of
from claims.documents import FIELDS, ClaimDocuments
from claims.filters import ClaimFilter, ConflictFilter, RelationFilter
from claims.models import Claim, Relation
from claims.selectors import (
    claim_detail,
    claim_history,
    conflict_list,
    control_window_rows,
    flag_history,
    relation_list,
)
from claims.services import (
    claim_create,
    claim_delete,
    claim_update,
    conflict_create,
    conflict_delete,
    conflict_update,
    relation_create,
    relation_delete,
    relation_update,
)
from claims.timeline import clip_intervals, control_facts, control_intervals
from core.api.fields import brief
from core.api.pagination import CountCachingPagination, Counted
from core.api.schema import AutoSchema
from core.api.views import ServiceViewSet
from core.versions import cached_for_version
from locations.models import Location


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter(
                "as_of",
                OpenApiTypes.DATE,
                description="The claim as it stood on this date: the flags, the verdict and the citations "
                "then (404 when it was made later; the answer's `detail` and `claimed_on` say when it was made).",
            )
        ],
        responses={
            200: ClaimSerializer,
            404: inline_serializer(
                "ClaimNotFound",
                {
                    "detail": serializers.CharField(),
                    "claimed_on": serializers.DateField(
                        required=False, help_text="With as_of: the date the claim was made (after as_of)."
                    ),
                },
            ),
        },
    ),
)
class ClaimViewSet(ServiceViewSet):
    """What the parties claim. Written with their citations nested; the response carries the flags
    (status, contested, corroborated, unverified, reasons) as they are once the write is done."""

    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    pagination_class = CountCachingPagination
    selector = claim_detail
    create_service = claim_create
    update_service = claim_update
    delete_service = claim_delete
    service_object = "claim"

    def get_queryset(self) -> QuerySet:
        if self.action in ("list", "retrieve"):
            return Claim.objects.all()  # read as rows by ClaimDocuments, not as model objects
        return super().get_queryset()

    def documents(self) -> ClaimDocuments:
        return ClaimDocuments(self.request, format=self.format_kwarg, fields=self.requested_fields())

    def sparse_known(self) -> tuple[str, ...]:
        return FIELDS

    def as_of(self) -> tuple[date | None, dict | None]:
        filterset = getattr(self, "filterset", None)
        if filterset is None:
            return None, None
        return filterset.as_of, filterset.as_of_flags

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The page's rows in one query on the claims table alone (no join to plan), then the names of
        # the actors and places they refer to; the count, cached under the data version.
        filtered = self.filter_queryset(self.get_queryset())
        as_of, known = self.as_of()
        documents = self.documents()
        rows = filtered.values(*documents.page_columns(as_of))
        page = self.paginate_queryset(Counted(rows, filtered.values_list("pk", flat=True)))
        shown = documents.add_names(list(rows if page is None else page))
        data = documents.for_rows(shown, as_of=as_of, known=known)
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            claim = self.get_object()
        except Http404:
            as_of, _ = self.as_of()
            if as_of is None or int(kwargs["pk"]) >= 2**63:
                raise
            made = Claim.objects.filter(pk=int(kwargs["pk"])).values_list("claimed_on", flat=True).first()
            if made is None or made <= as_of:
                raise
            # Made after the date asked: say when, so the client can ask again.
            return Response(
                {"detail": not_yet_made(int(kwargs["pk"]), made, as_of), "claimed_on": made},
                status=status.HTTP_404_NOT_FOUND,
            )
        as_of, known = self.as_of()
        data = self.documents().for_ids([claim.pk], as_of=as_of, known=known)
        if not data:
            raise Http404
        return Response(data[0])

    @extend_schema(
        summary="History of a claim",
        description=(
            "Every recorded change of the claim, newest first. `kind: edit`: a change of the claim or of its "
            "citations by someone: who, when, and each field's old and new value (derived flags are never part "
            "of an edit). `kind: flags`: a change of the claim's status, flags, reasons or grade made by the "
            "recompute, with the old and new state and its cause (the write that caused it). "
            "Who made an edit is named to staff users only; everyone else reads `an editor`."
        ),
        responses=PolymorphicProxySerializer(
            component_name="HistoryItem",
            serializers={"edit": HistoryEditSerializer, "flags": HistoryFlagsSerializer},
            resource_type_field_name="kind",
            many=True,
        ),
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        claim = get_object_or_404(Claim.objects.all(), pk=pk)
        edits = [_api_history(e) for e in claim_history(claim, viewer=request.user)]
        changes = flag_history(claim)
        # Newest first, by when each was written.
        raw = sorted([*edits, *changes], key=lambda e: (e["when"], e["kind"] == "flags", e["id"]), reverse=True)
        readers = {"edit": HistoryEditSerializer(), "flags": HistoryFlagsSerializer()}
        entries = [readers[entry["kind"]].to_representation(entry) for entry in raw]
        return Response(entries)


def _api_history(entry: dict[str, Any]) -> dict[str, Any]:
    fields = ("id", "object", "when", "type", "user", "reason", "changes")
    return {"kind": "edit", **{name: entry[name] for name in fields}}


class ConflictViewSet(ServiceViewSet):
    """Conflicts: the places they cover, the parties that fight them, their period. A claim belongs
    to a conflict by the rule of DESIGN.md ("Scope"), computed when read: filter the claim list with
    ``?conflict=`` (id or slug)."""

    serializer_class = ConflictSerializer
    filterset_class = ConflictFilter
    selector = conflict_list
    create_service = conflict_create
    update_service = conflict_update
    delete_service = conflict_delete
    service_object = "conflict"


class RelationViewSet(ServiceViewSet):
    """One claim responding to another. Automatic relations (``origin: auto``) follow from the claims
    (rule 7): they are listed, but changing or deleting one is refused with a 400."""

    serializer_class = RelationSerializer
    filterset_class = RelationFilter
    selector = relation_list
    create_service = relation_create
    update_service = relation_update
    delete_service = relation_delete
    service_object = "relation"

    def fresh(self, obj: Relation) -> Relation:
        """The written relation as written: its two claims (with their claimants) are those the request
        named, already read, so the response reads nothing again."""
        if Relation.claim.is_cached(obj) and Relation.target.is_cached(obj):
            return obj
        return super().fresh(obj)


class LocationControlView(generics.GenericAPIView):
    """Who is claimed to control a place, day by day."""

    queryset = Location.objects.all()
    schema = AutoSchema()
    serializer_class = ControlTimelineSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        summary="Control timeline of a place",
        description=(
            "The control claims on the place in brief, oldest event first, and `intervals`: each a maximal run of "
            "days (end inclusive) with the same set of blocs claimed in control, counting non-inert control claims "
            "with an event start; `contested` where more than one bloc is claimed. `start` and `end` window both: "
            "the claims whose event window overlaps it (undated claims: `claimed_on` in it), and the intervals cut "
            "at its edges. Without them, the whole history."
        ),
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="The timeline as it stood on this date."),
            OpenApiParameter("start", OpenApiTypes.DATE, description="The window's first day (default: open)."),
            OpenApiParameter(
                "end",
                OpenApiTypes.DATE,
                description="The window's last day, inclusive (default: open; not before `start`).",
            ),
        ],
        responses=ControlTimelineSerializer,
    )
    def get(self, request: Request, pk: str) -> Response:
        query = ControlQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        as_of, start, end = (query.validated_data.get(name) for name in ("as_of", "start", "end"))
        location = get_object_or_404(Location.objects.all(), pk=pk)
        # The claims' rows and the intervals are a function of the place, the window, the date and the
        # data: computed once per data version (core/versions.py); the links are the request's own.
        rows, intervals = cached_for_version(
            "control-timeline", (location.pk, as_of, start, end), lambda: _control_timeline(location, as_of, start, end)
        )
        documents = ClaimDocuments(request, format=self.format_kwarg)
        return Response(
            {
                "location": brief(location),
                "as_of": as_of.isoformat() if as_of else None,
                "start": start.isoformat() if start else None,
                "end": end.isoformat() if end else None,
                "claims": [documents.control_claim(row) for row in rows],
                "intervals": intervals,
            }
        )


def _control_timeline(
    location: Location, as_of: date | None, start: date | None, end: date | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The control claims' rows in the window and the timeline's intervals, as the API shows them."""
    rows = rows_as_of(control_window_rows(location, start=start, end=end, as_of=as_of), as_of)
    intervals = clip_intervals(control_intervals(control_facts(rows)), start, end)
    # One query for the blocs of every interval, each turned into its brief once (not once per interval).
    blocs = {
        actor.pk: brief(actor)
        for actor in Actor.objects.filter(pk__in={b for i in intervals for b in i.blocs}).only("id", "slug", "name")
    }
    return list(rows), [
        {
            "start": i.start.isoformat(),
            "end": i.end.isoformat(),
            "blocs": [blocs[b] for b in i.blocs if b in blocs],
            "contested": i.contested,
            "claims": list(i.claims),
        }
        for i in intervals
    ]
