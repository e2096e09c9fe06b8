"""Webhook subscriptions as the API reads and writes them: the secret is written, never read."""

from rest_framework import serializers

from actors.models import Actor
from claims.models import Claim
from core.api.fields import NestedOnReadField
from locations.models import Location
from notifications.models import WebhookSubscription


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    """A subscription; ``url`` is the receiver's address, ``api_url`` the link to this record."""

    api_url = serializers.HyperlinkedIdentityField(view_name="api:webhook-detail")
    url = serializers.URLField(
        max_length=1000,
        help_text="The receiver: http(s), on a public address (a private, loopback or link-local one is refused).",
    )
    secret = serializers.CharField(
        max_length=200, write_only=True, help_text="Signs each delivery (HMAC-SHA256 of the body); never read back."
    )
    statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=Claim.Status.choices),
        required=False,
        help_text="Only claims whose new status is one of these (empty: every status).",
    )
    claimant_bloc = NestedOnReadField(
        queryset=Actor.objects.all(),
        allow_null=True,
        required=False,
        help_text="Only claims by actors of this actor's bloc (read: {id, slug, name}).",
    )
    location = NestedOnReadField(
        queryset=Location.objects.all(),
        allow_null=True,
        required=False,
        help_text="Only claims about this place or places below it (read: {id, slug, name}).",
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "api_url",
            "name",
            "url",
            "secret",
            "is_active",
            "statuses",
            "claimant_bloc",
            "location",
            "paused_at",
            "consecutive_failures",
            "created_at",
        ]
        read_only_fields = ["paused_at", "consecutive_failures", "created_at"]
