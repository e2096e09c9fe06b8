"""Serializer fields shared by every app's API: related objects written by id, read as small
nested objects (``{id, slug, name}``), described accurately in the OpenAPI schema."""

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type, force_instance
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers


class BriefSerializer(serializers.Serializer):
    """A related actor, location or source as a reader sees it."""

    id = serializers.IntegerField(read_only=True)
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


def brief(obj: Any) -> dict[str, Any] | None:
    """``{id, slug, name}`` of a related actor, location or source."""
    return None if obj is None else {"id": obj.pk, "slug": obj.slug, "name": obj.name}


class NestedOnReadField(serializers.PrimaryKeyRelatedField):
    """Written as an id; read as the object rendered by ``read_serializer``."""

    read_serializer: type[serializers.Serializer] = BriefSerializer

    def __init__(self, *args: Any, read_serializer: type[serializers.Serializer] | None = None, **kwargs: Any):
        if read_serializer is not None:
            self.read_serializer = read_serializer
        super().__init__(*args, **kwargs)

    def use_pk_only_optimization(self) -> bool:
        return False

    def to_internal_value(self, data: Any) -> Any:
        if (
            isinstance(data, bool)
            or not isinstance(data, int | str)
            or (isinstance(data, str) and not (data.isascii() and data.isdigit()))
        ):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 0 < int(data) <= 2**63 - 1:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)

    def to_representation(self, value: Any) -> Any:
        # One reader per field, not a serializer (and a deep copy of its fields) per object read.
        if self.read_serializer is BriefSerializer:
            return brief(value)
        reader = self.__dict__.get("_reader")
        if reader is None:
            reader = self._reader = self.read_serializer(context=self.context)
        return reader.to_representation(value)

    def get_choices(self, cutoff: int | None = None) -> dict[Any, str]:
        """Choices for the browsable API's form: keyed by id (what a write sends)."""
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {item.pk: self.display_value(item) for item in queryset}


class NestedOnReadFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NestedOnReadField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return build_basic_type(OpenApiTypes.INT)
        component = auto_schema.resolve_serializer(force_instance(self.target.read_serializer), direction)
        return component.ref
