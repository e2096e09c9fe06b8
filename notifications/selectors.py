"""Reads of webhook subscriptions."""

from django.db.models import QuerySet

from notifications.models import WebhookSubscription


def subscription_list() -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.select_related("claimant_bloc", "location").order_by("name", "id")
