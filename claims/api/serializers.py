"""Claims, citations and relations as the API reads and writes them.

The derived fields (``status``, ``contested``, ``corroborated``, ``unverified``, ``reasons``)
are read-only: a client that sends them is ignored, the services compute them.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.models import Actor
from claims import flags as flag_rules
from claims.models import Citation, Claim, Conflict, Relation
from claims.services import CLAIM_EDITABLE, QUOTE_FIELDS, citation_quote_settle
from core.api.fields import (
    BriefSerializer,
    CappedListSerializer,
    ModelSerializer,
    NestedOnReadField,
    SlugField,
    TextField,
)
from locations.models import Location
from sources.api.serializers import ReportBriefSerializer
from sources.models import Report


class ReasonSerializer(serializers.Serializer):
    """One cause of a flag or of the status."""

    code = serializers.ChoiceField(choices=flag_rules.REASON_CODES, read_only=True)
    claim = serializers.IntegerField(allow_null=True, read_only=True, help_text="The responding claim, if any.")
    actor = serializers.IntegerField(allow_null=True, read_only=True, help_text="The actor behind the cause.")
    on = serializers.DateField(allow_null=True, read_only=True)
    text = serializers.CharField(read_only=True, help_text="A sentence an analyst can read.")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        # Stored reasons are already in this shape (claims.flags.Reason.as_dict): pass them through.
        return dict(instance)


class ClaimBriefSerializer(serializers.ModelSerializer):
    """A claim at the other end of a relation."""

    url = serializers.HyperlinkedIdentityField(view_name="api:claim-detail")
    claimant = BriefSerializer(read_only=True)

    class Meta:
        model = Claim
        fields = ["id", "url", "summary", "claimed_on", "claimant"]
        read_only_fields = fields


class CitationListSerializer(CappedListSerializer):
    setting = "FOGWATCH_MAX_CITATIONS"
    noun = "citations per claim"


class CitationSerializer(ModelSerializer):
    report = NestedOnReadField(
        queryset=Report.objects.all(),
        read_serializer=ReportBriefSerializer,
        help_text="Id of the report (read: the report with its source).",
    )
    quote = TextField(
        required=False, allow_blank=True, default="", help_text="The passage quoted, verbatim, in its own language."
    )
    language = TextField(
        required=False, allow_blank=True, default="", help_text="The quote's language (BCP 47: ps, prs, ar, uk …)."
    )
    translation = TextField(
        required=False, allow_blank=True, default="", help_text="The quote translated; needs the original quote."
    )
    translation_language = TextField(
        required=False, allow_blank=True, default="en", help_text="The translation's language (BCP 47; default en)."
    )
    translated_by = TextField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Who translated it: a person's name, or machine:<engine>. Required with a translation.",
    )
    translated_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="When it was translated (empty: now)."
    )

    class Meta:
        model = Citation
        fields = ["id", "report", *QUOTE_FIELDS]
        read_only_fields = ["id"]
        list_serializer_class = CitationListSerializer  # a long list is refused before its reports are looked up

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The service's quote rules (``citation_quote_settle``), said on this citation's own fields."""
        settled, errors = citation_quote_settle(attrs)
        if errors:
            raise serializers.ValidationError(errors)
        return {**attrs, **settled}


class RelationMadeSerializer(serializers.ModelSerializer):
    """A relation this claim makes: it responds to ``target``."""

    url = serializers.HyperlinkedIdentityField(view_name="api:relation-detail")
    target = ClaimBriefSerializer(read_only=True)

    class Meta:
        model = Relation
        fields = ["id", "url", "stance", "origin", "note", "target"]
        read_only_fields = fields


class RelationReceivedSerializer(serializers.ModelSerializer):
    """A relation this claim receives: ``claim`` responds to it."""

    url = serializers.HyperlinkedIdentityField(view_name="api:relation-detail")
    claim = ClaimBriefSerializer(read_only=True)

    class Meta:
        model = Relation
        fields = ["id", "url", "stance", "origin", "note", "claim"]
        read_only_fields = fields


def _as_of(claim: Any) -> Any:
    """The date of a claim read as of a date (``claims.as_of.ClaimThen``); None for a stored claim."""
    return getattr(claim, "as_of", None)


def _visible(relations: Any, other: str, as_of: Any) -> list[Relation]:
    rows = list(relations.all())
    if as_of is None:
        return rows
    return [r for r in rows if getattr(r, other).claimed_on <= as_of]


class ClaimSerializer(ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:claim-detail")
    claimant = NestedOnReadField(queryset=Actor.objects.all(), help_text="Id of the actor making the claim.")
    spokesperson = NestedOnReadField(
        queryset=Actor.objects.all(),
        allow_null=True,
        required=False,
        help_text="Id of the actor who spoke for the claimant (in the claimant's bloc).",
    )
    subject = NestedOnReadField(
        queryset=Actor.objects.all(),
        allow_null=True,
        required=False,
        help_text="Control: who holds the place. Casualties: who suffered the losses. Attack/advance: who acted.",
    )
    location = NestedOnReadField(queryset=Location.objects.all(), allow_null=True, required=False)
    citations = CitationSerializer(
        many=True,
        help_text="Where the claim was reported; at least one, at most 200 (FOGWATCH_MAX_CITATIONS). On update, "
        "replaces the set.",
    )
    relations_made = serializers.SerializerMethodField(help_text="Claims this claim responds to.")
    relations_received = serializers.SerializerMethodField(help_text="Claims that respond to this claim.")
    reasons = ReasonSerializer(many=True, read_only=True, help_text="Why each flag and the status are as they are.")
    as_of = serializers.SerializerMethodField(help_text="The date the flags are shown as of (null: now).")
    external_id = TextField(max_length=100, allow_null=True, allow_blank=True, required=False)

    class Meta:
        model = Claim
        fields = [
            "id",
            "url",
            *CLAIM_EDITABLE,
            "citations",
            "status",
            "contested",
            "corroborated",
            "unverified",
            "reasons",
            "grade",
            "as_of",
            "relations_made",
            "relations_received",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "contested", "corroborated", "unverified", "grade", "created_at", "updated_at"]
        extra_kwargs = {
            "grade": {
                "help_text": "NATO/Admiralty grade, e.g. B2: the best reliability (A–F) among the sources citing the "
                "claim, then the credibility (1–6) of its state (as of the date asked, when as_of is given)."
            }
        }

    def _reader(self, cls: type[serializers.Serializer]) -> serializers.Serializer:
        """One serializer per list (this instance serves every row), not one per row."""
        readers = self.__dict__.setdefault("_readers", {})
        if cls not in readers:
            readers[cls] = cls(context=self.context)
        return readers[cls]

    @extend_schema_field(RelationMadeSerializer(many=True))
    def get_relations_made(self, claim: Claim) -> list[dict[str, Any]]:
        reader = self._reader(RelationMadeSerializer)
        return [reader.to_representation(r) for r in _visible(claim.relations_made, "target", _as_of(claim))]

    @extend_schema_field(RelationReceivedSerializer(many=True))
    def get_relations_received(self, claim: Claim) -> list[dict[str, Any]]:
        reader = self._reader(RelationReceivedSerializer)
        return [reader.to_representation(r) for r in _visible(claim.relations_received, "claim", _as_of(claim))]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_as_of(self, claim: Any) -> str | None:
        as_of = _as_of(claim)
        return None if as_of is None else as_of.isoformat()

    def validate_external_id(self, value: str | None) -> str | None:
        return value or None


class RelationSerializer(ModelSerializer):
    """One claim (``claim``) responding to another (``target``). Automatic relations (``origin:
    auto``) follow from the claims: they can be read, not changed."""

    url = serializers.HyperlinkedIdentityField(view_name="api:relation-detail")
    # With their claimants: the flag history names who responded (``claim_label``) without a query more.
    claim = NestedOnReadField(
        queryset=Claim.objects.select_related("claimant", "spokesperson"),
        read_serializer=ClaimBriefSerializer,
        help_text="Id of the responding claim.",
    )
    target = NestedOnReadField(
        queryset=Claim.objects.select_related("claimant", "spokesperson"),
        read_serializer=ClaimBriefSerializer,
        help_text="Id of the claim responded to.",
    )

    class Meta:
        model = Relation
        fields = ["id", "url", "claim", "target", "stance", "origin", "note", "created_at", "updated_at"]
        read_only_fields = ["origin", "created_at", "updated_at"]
        validators: list = []  # the service checks uniqueness (an editor's relation may replace an automatic one)


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryUserSerializer(serializers.Serializer):
    """Who made a change: named to staff users; to everyone else only "an editor"."""

    id = serializers.IntegerField(allow_null=True, help_text="The user's id (staff readers only; else null).")
    username = serializers.CharField(allow_null=True, help_text="The username (staff readers only; else null).")
    name = serializers.CharField(help_text="The username for staff readers, “an editor” for everyone else.")


class HistoryEntrySerializer(serializers.Serializer):
    """One recorded change of a claim."""

    id = serializers.IntegerField(help_text="Id of the history record.")
    object = serializers.ChoiceField(choices=["claim", "citation"], help_text="What changed: the claim or a citation.")
    when = serializers.DateTimeField()
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    user = HistoryUserSerializer(allow_null=True, help_text="Who made the change (null: a command or import).")
    reason = serializers.CharField(allow_null=True, help_text="The change reason, when one was given.")
    changes = HistoryChangeSerializer(many=True, help_text="Each changed field with its old and new value.")


class HistoryEditSerializer(HistoryEntrySerializer):
    """An edit: what its author changed (the claim's own fields, or a citation)."""

    kind = serializers.ChoiceField(choices=["edit"], help_text="`edit`: a recorded version of the claim or a citation.")


class FlagStateSerializer(serializers.Serializer):
    status = serializers.CharField()
    contested = serializers.BooleanField()
    corroborated = serializers.BooleanField()
    unverified = serializers.BooleanField()
    grade = serializers.CharField()
    reasons = ReasonSerializer(many=True)


class FlagCauseSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[
            "claim_created",
            "claim_updated",
            "claim_deleted",
            "verdict",
            "relation_created",
            "relation_updated",
            "relation_deleted",
            "bloc_move",
            "actor_renamed",
            "source_grade",
            "merge",
            "import",
            "recompute",
        ],
        help_text="The write that caused the change.",
    )
    id = serializers.IntegerField(
        allow_null=True, help_text="Id of the object written (claim, relation, actor, source or report)."
    )
    text = serializers.CharField(help_text="The cause as a sentence.")


class HistoryFlagsSerializer(serializers.Serializer):
    """A change of the claim's derived state (status, flags, reasons, grade), made by a recompute."""

    kind = serializers.ChoiceField(choices=["flags"], help_text="`flags`: a change the recompute made.")
    id = serializers.IntegerField(help_text="Id of the flag-change record.")
    when = serializers.DateTimeField(help_text="When the change was written.")
    effective_on = serializers.DateField(
        help_text="The day it took effect: the causing claim's date for a claim or relation, else the day written."
    )
    old = FlagStateSerializer(allow_null=True, help_text="The state before (null: the claim's first state).")
    new = FlagStateSerializer()
    cause = FlagCauseSerializer()


class IntervalSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="Inclusive.")
    blocs = BriefSerializer(many=True, help_text="The blocs claimed in control on these days.")
    contested = serializers.BooleanField(help_text="More than one bloc is claimed in control.")
    claims = serializers.ListField(child=serializers.IntegerField(), help_text="Ids of the claims counted.")


class ControlClaimSerializer(serializers.Serializer):
    """A control claim in brief: who claims which bloc holds the place, when, and how it stands."""

    id = serializers.IntegerField()
    url = serializers.URLField(help_text="The full claim.")
    claimant = BriefSerializer()
    subject = BriefSerializer(allow_null=True, help_text="The actor said to control the place.")
    event_start = serializers.DateField(allow_null=True)
    event_end = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Claim.Status.choices, help_text="As of `as_of` when given.")
    contested = serializers.BooleanField(help_text="As of `as_of` when given.")


class ControlTimelineSerializer(serializers.Serializer):
    location = BriefSerializer()
    as_of = serializers.DateField(allow_null=True)
    start = serializers.DateField(allow_null=True, help_text="The window's first day (null: open).")
    end = serializers.DateField(allow_null=True, help_text="The window's last day, inclusive (null: open).")
    claims = ControlClaimSerializer(
        many=True, help_text="The control claims on the place whose event window overlaps the window, oldest first."
    )
    intervals = IntervalSerializer(
        many=True, help_text="Maximal runs of days with the same set of blocs claimed, cut at the window's edges."
    )


class AsOfQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, allow_null=True, help_text="Flags as they stood on this date.")


class ControlQuerySerializer(AsOfQuerySerializer):
    start = serializers.DateField(required=False, allow_null=True, help_text="The window's first day.")
    end = serializers.DateField(required=False, allow_null=True, help_text="The window's last day (inclusive).")

    def validate(self, attrs: dict) -> dict:
        start, end = attrs.get("start"), attrs.get("end")
        if start is not None and end is not None and start > end:
            raise serializers.ValidationError(
                {"end": [f"The window's end ({end.isoformat()}) is before its start ({start.isoformat()})."]}
            )
        return attrs


class ConflictSerializer(ModelSerializer):
    """A conflict: the places it covers and the parties that fight it, over a period. Its claims are
    the claim list filtered by it (``claims_url``)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:conflict-detail")
    slug = SlugField(max_length=200, required=False, help_text="Made from the name when not given.")
    places = NestedOnReadField(
        many=True,
        queryset=Location.objects.all(),
        required=False,
        help_text="Ids of the places it covers, each with every place below it (read: {id, slug, name}).",
    )
    parties = NestedOnReadField(
        many=True,
        queryset=Actor.objects.all(),
        required=False,
        help_text="Ids of the actors that fight it; their whole blocs count (read: {id, slug, name}).",
    )
    claims_url = serializers.SerializerMethodField(help_text="The claim list filtered by this conflict.")

    class Meta:
        model = Conflict
        fields = [
            "id",
            "url",
            "name",
            "slug",
            "description",
            "start",
            "end",
            "places",
            "parties",
            "claims_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_claims_url(self, obj: Conflict) -> str:
        path = f"/api/v1/claims/?conflict={obj.slug}"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
