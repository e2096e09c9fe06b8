"""Webhook subscriptions API: /api/v1/webhooks/ (users with the model's permissions only)."""

from core.api.permissions import ModelPermissions
from core.api.views import ServiceViewSet
from notifications.api.serializers import WebhookSubscriptionSerializer
from notifications.selectors import subscription_list
from notifications.services import subscription_create, subscription_delete, subscription_update


class WebhookSubscriptionViewSet(ServiceViewSet):
    """Tools told when a claim's status or flags change. Not public: reading needs the view
    permission (editors have it); a receiver on a private, loopback or link-local address is a 400
    on ``url``."""

    serializer_class = WebhookSubscriptionSerializer
    permission_classes = [ModelPermissions]
    selector = subscription_list
    create_service = subscription_create
    update_service = subscription_update
    delete_service = subscription_delete
    service_object = "subscription"
    self_link = "api_url"
