"""Serializer fields shared by every app's API: related objects written by id, read as small
nested objects (``{id, slug, name}``), described accurately in the OpenAPI schema; lists refused
when longer than a setting allows *before* their items are validated (each item of a list of ids
is a query)."""

from typing import Any

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type, force_instance
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from core.services import too_many


class BriefSerializer(serializers.Serializer):
    """A related actor, location or source as a reader sees it."""

    id = serializers.IntegerField(read_only=True)
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


def brief(obj: Any) -> dict[str, Any] | None:
    """``{id, slug, name}`` of a related actor, location or source."""
    return None if obj is None else {"id": obj.pk, "slug": obj.slug, "name": obj.name}


class TextOnly:
    """Text, and only text: DRF's CharField would store the number 12345 as "12345". NUL characters are
    refused (DRF's validator); the services clean what remains (``core.text``)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class TextField(TextOnly, serializers.CharField):
    pass


class SlugField(TextOnly, serializers.SlugField):
    pass


class URLField(TextOnly, serializers.URLField):
    pass


class ModelSerializer(serializers.ModelSerializer):
    """The base of every resource's serializer: model text fields take only text."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: TextField,
        models.TextField: TextField,
        models.SlugField: SlugField,
        models.URLField: URLField,
    }


def check_length(data: Any, setting: str, noun: str) -> None:
    """A 400 on the field (a list of one message) when ``data`` is a list longer than ``setting`` allows."""
    if isinstance(data, list):
        message = too_many(len(data), setting, noun)
        if message:
            raise serializers.ValidationError([message], code="max_length")


class CappedListField(serializers.ListField):
    """A list of at most FOGWATCH_MAX_LIST_ITEMS items (read when a request comes, not at import)."""

    def __init__(self, *args: Any, setting: str = "FOGWATCH_MAX_LIST_ITEMS", noun: str = "items", **kwargs: Any):
        self.setting, self.noun = setting, noun
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        check_length(data, self.setting, self.noun)
        return super().to_internal_value(data)


class CappedListSerializer(serializers.ListSerializer):
    """A nested list (``many=True``) of at most ``setting`` items; subclasses name it and the noun."""

    setting = "FOGWATCH_MAX_LIST_ITEMS"
    noun = "items"

    def to_internal_value(self, data: Any) -> Any:
        check_length(data, self.setting, self.noun)
        return super().to_internal_value(data)


class CappedManyRelatedField(serializers.ManyRelatedField):
    """Ids of related objects (``many=True``), at most FOGWATCH_MAX_LIST_ITEMS of them."""

    def to_internal_value(self, data: Any) -> Any:
        check_length(data, "FOGWATCH_MAX_LIST_ITEMS", "ids")
        return super().to_internal_value(data)


class NestedOnReadField(serializers.PrimaryKeyRelatedField):
    """Written as an id; read as the object rendered by ``read_serializer``."""

    read_serializer: type[serializers.Serializer] = BriefSerializer

    def __init__(self, *args: Any, read_serializer: type[serializers.Serializer] | None = None, **kwargs: Any):
        if read_serializer is not None:
            self.read_serializer = read_serializer
        super().__init__(*args, **kwargs)

    def use_pk_only_optimization(self) -> bool:
        return False

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> serializers.ManyRelatedField:
        field = super().many_init(*args, **kwargs)
        field.__class__ = CappedManyRelatedField  # the same field, refusing a list past the limit first
        return field

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
