"""The base of every resource's viewset (read through a selector, write through a service), and the
schema and docs views."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.serializers import BaseSerializer

from core.api import sparse
from core.api.idempotency import IdempotentPosts
from core.api.schema import AutoSchema


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, keeping the bound FilterSet on the view (``view.filterset``) so a
    view can read what it worked out (the as-of flags of claims)."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        view.filterset = filterset
        return filterset


class ServiceViewSet(IdempotentPosts, viewsets.ModelViewSet):
    """A thin viewset: the serializer validates, a service writes, the serializer shows the result.
    A create honours the ``Idempotency-Key`` header (``core.api.idempotency``).

    Reads (list, retrieve) take ``?fields=`` (``core.api.sparse``): only those fields are serialized,
    the others are dropped from the serializer before it runs; an unknown name is a 400 before any
    object is read.

    Subclasses name the selector (``selector``), the services (``create_service``,
    ``update_service``, ``delete_service``) and the keyword the update and delete services take
    the object by (``service_object``).
    """

    lookup_value_regex = r"[0-9]+"
    schema = AutoSchema()
    filter_backends = [FilterBackend]
    selector: Callable[[], QuerySet]
    create_service: Callable[..., Model]
    update_service: Callable[..., Model]
    delete_service: Callable[..., None]
    service_object: str
    self_link = "url"  # the field holding the link to the object itself (reports: ``api_url``)
    sparse_actions = ("list", "retrieve")  # the actions that take ``?fields=``

    def sparse_known(self) -> tuple[str, ...]:
        """The fields ``?fields=`` may name: the serializer's read fields, in its order."""
        serializer = self.get_serializer_class()(context=self.get_serializer_context())
        return tuple(name for name, field in serializer.fields.items() if not field.write_only)

    def requested_fields(self) -> tuple[str, ...] | None:
        """The fields asked for with ``?fields=`` (None: all of them, or an action without it)."""
        if self.action not in self.sparse_actions:
            return None
        if not hasattr(self, "_requested_fields"):
            asked = any(self.request.query_params.getlist(sparse.PARAMETER))  # no serializer built without it
            self._requested_fields = sparse.requested_fields(self.request, self.sparse_known()) if asked else None
        return self._requested_fields

    def wants(self, *names: str) -> bool:
        """Whether any of these fields is shown (all are, without ``?fields=``)."""
        fields = self.requested_fields()
        return fields is None or any(name in fields for name in names)

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.requested_fields()  # an unknown field is a 400 before anything is read

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        serializer = super().get_serializer(*args, **kwargs)
        fields = self.requested_fields()
        if fields is not None:
            shown = getattr(serializer, "child", serializer)
            for name in [name for name in shown.fields if name not in fields]:
                shown.fields.pop(name)
        return serializer

    def get_success_headers(self, data: Any) -> dict[str, str]:
        try:
            return {"Location": str(data[self.self_link])}
        except (TypeError, KeyError):
            return {}

    def get_queryset(self) -> QuerySet:
        queryset = type(self).selector()
        if not queryset.ordered:  # an aggregate drops the model's ordering; pages need a stable one
            queryset = queryset.order_by(*(queryset.model._meta.ordering or ["pk"]))
        return queryset

    def service_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return dict(data)

    def fresh(self, obj: Model) -> Model:
        """The written object as a read shows it (annotations and prefetches of the selector)."""
        return type(self).selector().get(pk=obj.pk)

    def perform_create(self, serializer: BaseSerializer) -> None:
        obj = type(self).create_service(**self.service_fields(serializer.validated_data))
        serializer.instance = self.fresh(obj)

    def perform_update(self, serializer: BaseSerializer) -> None:
        fields = self.service_fields(serializer.validated_data)
        obj = type(self).update_service(**{self.service_object: serializer.instance}, **fields)
        serializer.instance = self.fresh(obj)

    def perform_destroy(self, instance: Model) -> None:
        type(self).delete_service(**{self.service_object: instance})


def merge_target(model: type[Model], value: Any, noun: str) -> Model:
    """The object a merge's ``into`` names: an id of an existing ``model`` row, else a 400 on ``into``."""
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise ValidationError({"into": f"Give the id of the {noun} to merge into."})
    into = model._default_manager.filter(pk=int(value)).first()
    if into is None:
        raise ValidationError({"into": f"There is no {noun} #{value}."})
    return into


def merge_permitted(user: Any, model: type[Model], plural: str) -> None:
    """A merge changes the kept object and deletes the other: both rights, else a 403."""
    app, name = model._meta.app_label, model._meta.model_name
    if not (user.has_perm(f"{app}.change_{name}") and user.has_perm(f"{app}.delete_{name}")):
        raise PermissionDenied(f"Merging {plural} needs the right to change and delete {plural}.")


class JsonErrors:
    """A view whose errors are JSON (``{"detail": "…"}``) whatever format its content is in."""

    def handle_exception(self, exc: Exception) -> Any:
        self.request.accepted_renderer = JSONRenderer()  # type: ignore[attr-defined]
        self.request.accepted_media_type = JSONRenderer.media_type  # type: ignore[attr-defined]
        return super().handle_exception(exc)  # type: ignore[misc]


class SchemaView(JsonErrors, SpectacularAPIView):
    """The OpenAPI schema (YAML, or JSON when asked); 401 JSON when reads are closed to anonymous users."""


class DocsView(JsonErrors, SpectacularSwaggerSplitView):
    """The Swagger UI page; 401 JSON when reads are closed to anonymous users."""
