"""The intake API's shapes: what a client posts (an article) and what it reads (the intake with its
drafts). Drafts are plain JSON built by ``intake.selectors``; their shape is described for the
schema here."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.validators import RegexValidator
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import BriefSerializer, CappedListField, NestedOnReadField, TextField, URLField
from sources.models import Source

LANGUAGE = RegexValidator(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "Give a language code such as en, ru, fa or pt-BR.")


DRAFT_STANCES = ["denies", "supports", "contradicts"]  # how a drafted claim may answer another


@extend_schema_field({"oneOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]})
class DateOrDateTimeField(serializers.Field):
    """A date (``2021-09-03``) or a datetime (``2021-09-03T10:00:00Z``)."""

    default_error_messages = {"invalid": "“{value}” is not a date (YYYY-MM-DD) or a date and time (ISO 8601)."}

    def to_internal_value(self, data: Any) -> date | datetime:
        if not isinstance(data, str):
            self.fail("invalid", value=str(data)[:40])
        text = data.strip()
        try:
            value = parse_date(text) if len(text) == 10 else parse_datetime(text)
        except ValueError:
            value = None
        if value is None:
            self.fail("invalid", value=str(data)[:40])
        return value

    def to_representation(self, value: Any) -> Any:
        return value.isoformat() if value is not None else None


class IntakeCreateSerializer(serializers.Serializer):
    text = TextField(max_length=100_000, help_text="The article's text (at most 100,000 characters).")
    title = TextField(max_length=500, required=False, allow_blank=True, default="")
    url = URLField(max_length=1000, required=False, allow_blank=True, default="")
    source = NestedOnReadField(
        queryset=Source.objects.all(), required=False, allow_null=True, default=None, help_text="Id of the outlet."
    )
    published_at = DateOrDateTimeField(required=False, allow_null=True, default=None)
    language = TextField(max_length=20, required=False, allow_blank=True, default="", validators=[LANGUAGE])


class LinkSerializer(serializers.Serializer):
    draft = serializers.IntegerField(required=False, help_text="Index of a draft of this intake.")
    claim = serializers.IntegerField(required=False, help_text="Id of a claim already in the database.")
    stance = serializers.ChoiceField(choices=DRAFT_STANCES)


class EvidenceSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class DraftSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    kind = serializers.CharField()
    claimant = BriefSerializer(allow_null=True)
    spokesperson = BriefSerializer(allow_null=True)
    subject = BriefSerializer(allow_null=True)
    location = BriefSerializer(allow_null=True)
    summary = serializers.CharField()
    quote = serializers.CharField()
    evidence = EvidenceSerializer()
    event_start = serializers.DateField(allow_null=True)
    event_end = serializers.DateField(allow_null=True)
    date_precision = serializers.CharField()
    count_min = serializers.IntegerField(allow_null=True)
    count_max = serializers.IntegerField(allow_null=True)
    count_unit = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="What the count counts (killed, wounded, …)."
    )
    responds_to = LinkSerializer(many=True)
    same_as = serializers.ListField(child=serializers.IntegerField())
    confidence = serializers.FloatField()
    notes = serializers.CharField()


class UnknownSerializer(serializers.Serializer):
    text = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    guess = serializers.ChoiceField(choices=["actor", "location"])


class IntakeSerializer(serializers.Serializer):
    """What the API reads: ``api_url`` is the intake's own link (``url`` is the article's)."""

    id = serializers.IntegerField()
    api_url = serializers.CharField()
    state = serializers.ChoiceField(choices=["draft", "confirmed", "discarded"])
    text = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    source = BriefSerializer(allow_null=True)
    report = serializers.IntegerField(allow_null=True)
    published_at = serializers.CharField(allow_null=True)
    language = serializers.CharField()
    drafts = DraftSerializer(many=True)
    unknown = UnknownSerializer(many=True)
    made = serializers.DictField()
    created_at = serializers.DateTimeField()


class IntakePatchSerializer(serializers.Serializer):
    drafts = CappedListField(
        child=serializers.DictField(), help_text="Each draft to change: its index and the fields it changes."
    )


class ConfirmSerializer(serializers.Serializer):
    drafts = CappedListField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text="Indexes of the drafts to keep (all of them when left out).",
    )


class ConfirmedSerializer(serializers.Serializer):
    report = serializers.IntegerField()
    claims = serializers.ListField(child=serializers.IntegerField(), help_text="Claims made.")
    cited = serializers.ListField(child=serializers.IntegerField(), help_text="Existing claims the report now cites.")
    relations = serializers.ListField(child=serializers.IntegerField())
    drafts = serializers.DictField(child=serializers.IntegerField(), help_text="Draft index -> claim id.")
