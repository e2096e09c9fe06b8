"""The intake API at /api/v1/intake/: post an article, read and edit its drafts, confirm or discard.
Editors only (the permission to add claims); an analyst gets 403, an anonymous client 401."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.idempotency import IdempotentPosts
from core.api.schema import AutoSchema, ErrorSerializer
from intake import selectors, services
from intake.api.serializers import (
    ConfirmedSerializer,
    ConfirmSerializer,
    IntakeCreateSerializer,
    IntakePatchSerializer,
    IntakeSerializer,
)
from intake.models import Intake


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


# A confirmed or discarded intake can no longer change: its drafts, a confirm or a discard answer 409.
SETTLED = OpenApiResponse(ErrorSerializer, "The intake is confirmed or discarded already; nothing changed.")


class CanAddClaims(permissions.BasePermission):
    """Intake is editors' work: every method needs the permission to add claims."""

    message = "Only editors (who may add claims) use the intake."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("claims.add_claim"))


def intake_document(intake: Intake, request: Request | None = None) -> dict[str, Any]:
    link = reverse("api:intake-detail", args=[intake.pk])
    source = intake.source
    return {
        "id": intake.pk,
        "api_url": request.build_absolute_uri(link) if request is not None else link,
        "state": intake.state,
        "text": intake.text,
        "title": intake.title,
        "url": intake.url,
        "source": {"id": source.pk, "slug": source.slug, "name": source.name} if source else None,
        "report": intake.report_id,
        "published_at": intake.published_at.isoformat() if intake.published_at else None,
        "language": intake.language,
        "drafts": selectors.drafts_shown(intake.drafts),
        "unknown": intake.unknown,
        "made": intake.made,
        "created_at": intake.created_at,
    }


class IntakeViewSet(
    IdempotentPosts, mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """An article read into draft claims. ``POST`` reads it; ``PATCH`` edits drafts (by index);
    ``confirm`` makes the kept drafts into claims (one transaction); ``discard`` sets it aside. Each
    POST honours the ``Idempotency-Key`` header (``core.api.idempotency``)."""

    permission_classes = [CanAddClaims]
    schema = AutoSchema()
    serializer_class = IntakeSerializer
    lookup_value_regex = r"[0-9]+"
    filter_backends: list = []

    def get_queryset(self):
        return selectors.intake_list().order_by("-created_at", "-id")

    def get_object(self) -> Intake:
        return super().get_object()

    def _read(self, intake: Intake, code: int = status.HTTP_200_OK) -> Response:
        return Response(intake_document(intake, self.request), status=code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = [intake_document(intake, request) for intake in (page if page is not None else self.get_queryset())]
        return self.get_paginated_response(rows) if page is not None else Response(rows)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._read(self.get_object())

    @extend_schema(request=IntakeCreateSerializer, responses={201: IntakeSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = IntakeCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        intake = services.intake_create(**given.validated_data, user=request.user)
        response = self._read(intake, status.HTTP_201_CREATED)
        response["Location"] = response.data["api_url"]
        return response

    @extend_schema(request=IntakePatchSerializer, responses={200: IntakeSerializer, 409: SETTLED})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        intake = self.get_object()
        given = IntakePatchSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            intake = services.intake_update_drafts(intake=intake, drafts=given.validated_data["drafts"])
        except services.IntakeStateError as exc:
            raise Conflict(str(exc)) from exc
        return self._read(intake)

    @extend_schema(request=ConfirmSerializer, responses={200: ConfirmedSerializer, 409: SETTLED})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        intake = self.get_object()
        given = ConfirmSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            made = services.intake_confirm(intake=intake, keep=given.validated_data.get("drafts"))
        except services.IntakeStateError as exc:
            raise Conflict(str(exc)) from exc
        return Response(made)

    @extend_schema(request=None, responses={200: IntakeSerializer, 409: SETTLED})
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str | None = None) -> Response:
        try:
            intake = services.intake_discard(intake=self.get_object())
        except services.IntakeStateError as exc:
            raise Conflict(str(exc)) from exc
        return self._read(intake)
