"""Locations as the API reads and writes them."""

from rest_framework import serializers

from core.api.fields import CappedListField, ModelSerializer, NestedOnReadField, SlugField, TextField
from locations.models import Location


class LocationSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:location-detail")
    parent = NestedOnReadField(
        queryset=Location.objects.all(),
        allow_null=True,
        required=False,
        help_text="Id of the place this one lies in (read: {id, slug, name}).",
    )
    slug = SlugField(max_length=200, required=False, help_text="Made from the name when not given.")
    latitude = serializers.FloatField(min_value=-90, max_value=90, allow_null=True, required=False)
    longitude = serializers.FloatField(min_value=-180, max_value=180, allow_null=True, required=False)
    aliases = CappedListField(
        child=TextField(max_length=200), required=False, help_text="Alternate spellings.", noun="aliases"
    )

    class Meta:
        model = Location
        fields = [
            "id",
            "url",
            "name",
            "slug",
            "kind",
            "parent",
            "latitude",
            "longitude",
            "aliases",
            "description",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
