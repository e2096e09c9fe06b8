"""Sources and reports as the API reads and writes them."""

from rest_framework import serializers

from actors.models import Actor
from core.api.fields import (
    BriefSerializer,
    CappedListField,
    ModelSerializer,
    NestedOnReadField,
    SlugField,
    TextField,
    URLField,
)
from sources.models import Report, Source


class SourceSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:source-detail")
    slug = SlugField(max_length=200, required=False, help_text="Made from the name when not given.")
    actor = NestedOnReadField(
        queryset=Actor.objects.all(),
        allow_null=True,
        required=False,
        help_text="Id of the actor that owns or speaks through this source (read: {id, slug, name}).",
    )
    aliases = CappedListField(
        child=TextField(max_length=200),
        required=False,
        help_text="Other names the source goes by (a merged duplicate's among them).",
        noun="aliases",
    )
    report_count = serializers.IntegerField(read_only=True, help_text="Reports published by this source.")

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "name",
            "slug",
            "kind",
            "homepage",
            "country",
            "reliability",
            "actor",
            "aliases",
            "description",
            "report_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class ReportSerializer(ModelSerializer):
    """A report; ``url`` is the article's own address, ``api_url`` the link to this record."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:report-detail")
    source = NestedOnReadField(queryset=Source.objects.all(), help_text="Id of the source (read: {id, slug, name}).")
    url = URLField(
        max_length=1000, allow_null=True, allow_blank=True, required=False, help_text="The article's address."
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "api_url",
            "source",
            "title",
            "url",
            "published_at",
            "author",
            "language",
            "summary",
            "triage",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["triage", "created_at", "updated_at"]


class ReportBriefSerializer(serializers.ModelSerializer):
    """A cited report, with its source."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:report-detail")
    source = BriefSerializer(read_only=True)
    reliability = serializers.CharField(source="source.reliability", read_only=True)

    class Meta:
        model = Report
        fields = ["id", "api_url", "title", "url", "published_at", "source", "reliability"]
        read_only_fields = fields
