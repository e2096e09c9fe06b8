"""Actors as the API reads and writes them."""

from rest_framework import serializers

from actors.models import Actor
from core.api.fields import CappedListField, ModelSerializer, NestedOnReadField, SlugField, TextField


class ActorSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:actor-detail")
    parent = NestedOnReadField(
        queryset=Actor.objects.all(),
        allow_null=True,
        required=False,
        help_text="Id of the group or coalition this actor belongs to (read: {id, slug, name}).",
    )
    bloc = NestedOnReadField(
        read_only=True, help_text="The root of the parent chain: actors of one bloc are affiliated."
    )
    slug = SlugField(max_length=200, required=False, help_text="Made from the name when not given.")
    aliases = CappedListField(
        child=TextField(max_length=200),
        required=False,
        help_text="Other names and spellings.",
        noun="aliases",
    )

    class Meta:
        model = Actor
        fields = [
            "id",
            "url",
            "name",
            "slug",
            "kind",
            "parent",
            "bloc",
            "aliases",
            "description",
            "is_party",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
