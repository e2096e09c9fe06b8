"""Webhook subscriptions in the admin: paused ones stand out and can be resumed."""

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import WebhookDelivery, WebhookSubscription
from tests.support.admin import form_errors

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = reverse("admin:notifications_webhooksubscription_changelist")


def test_an_editor_registers_a_subscription_with_status_filters(editor_client, world):
    response = editor_client.post(
        reverse("admin:notifications_webhooksubscription_add"),
        {
            "name": "Newsroom",
            "url": "https://hooks.example/fogwatch",
            "secret": "s3cret",
            "is_active": "on",
            "statuses": ["contested", "refuted"],
            "claimant_bloc": world.taliban.pk,
            "location": "",
        },
    )

    assert response.status_code == 302, form_errors(response)
    subscription = WebhookSubscription.objects.get()
    assert subscription.statuses == ["contested", "refuted"]
    assert subscription.history.get().history_user.username == "editor"


def test_a_paused_subscription_is_shown_paused_and_can_be_resumed(editor_client):
    paused_at = timezone.now()
    paused = WebhookSubscription.objects.create(
        name="Broken receiver", url="https://down.example/", secret="x", paused_at=paused_at, consecutive_failures=5
    )
    live = WebhookSubscription.objects.create(name="Fine receiver", url="https://up.example/", secret="y")
    WebhookDelivery.objects.create(subscription=paused, claim_id=1, event_id="e1", payload={}, response_code=500)

    response = editor_client.get(SUBSCRIPTIONS, {"state": "paused"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [paused]
    assert "PAUSED" in response.content.decode()

    response = editor_client.post(
        SUBSCRIPTIONS, {"action": "resume", "_selected_action": [paused.pk, live.pk]}, follow=True
    )
    assert "1 subscription(s) resumed" in response.content.decode()
    paused.refresh_from_db()
    assert paused.paused_at is None and paused.consecutive_failures == 0

    deliveries = editor_client.get(
        reverse("admin:notifications_webhookdelivery_changelist"), {"subscription__id__exact": paused.pk}
    )
    assert deliveries.status_code == 200
    assert "e1" in deliveries.content.decode()


def test_deliveries_and_recompute_jobs_are_read_only(editor_client):
    subscription = WebhookSubscription.objects.create(name="R", url="https://r.example/", secret="x")
    delivery = WebhookDelivery.objects.create(subscription=subscription, claim_id=1, event_id="e1", payload={})

    page = editor_client.get(reverse("admin:notifications_webhookdelivery_change", args=[delivery.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert editor_client.get(reverse("admin:notifications_webhookdelivery_add")).status_code == 403
    assert editor_client.get(reverse("admin:claims_recomputejob_add")).status_code == 403


SUBSCRIPTION_FORM = {"name": "Internal probe", "secret": "s3cret", "is_active": "on", "statuses": []}


@pytest.mark.parametrize(
    "url, why",
    [
        ("http://127.0.0.1:8080/hook", "127.0.0.1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://10.0.0.1/hook", "10.0.0.1 is a private address"),
        ("http://[::ffff:127.0.0.1]/hook", "::ffff:127.0.0.1 is IPv4-mapped 127.0.0.1, a loopback address"),
        ("http://localhost:8000/admin/", "localhost names this machine"),
    ],
)
def test_a_subscription_to_a_local_address_is_a_form_error_on_its_url(editor_client, no_private, url, why):
    response = editor_client.post(
        reverse("admin:notifications_webhooksubscription_add"), {**SUBSCRIPTION_FORM, "url": url}
    )

    assert response.status_code == 200
    assert form_errors(response) == {"url": [f"Refused: {why}. Webhooks are delivered to public addresses only."]}
    assert f"Refused: {why}" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_changing_a_subscription_to_a_private_address_is_refused(editor_client, no_private):
    subscription = WebhookSubscription.objects.create(name="Newsroom", url="https://hooks.example/in", secret="x")

    response = editor_client.post(
        reverse("admin:notifications_webhooksubscription_change", args=[subscription.pk]),
        {**SUBSCRIPTION_FORM, "name": "Newsroom", "url": "http://192.168.1.10/in"},
    )

    assert form_errors(response) == {
        "url": ["Refused: 192.168.1.10 is a private address. Webhooks are delivered to public addresses only."]
    }
    subscription.refresh_from_db()
    assert subscription.url == "https://hooks.example/in"


def test_with_private_addresses_allowed_a_local_receiver_is_saved(editor_client, settings):
    settings.FOGWATCH_FETCH_ALLOW_PRIVATE = True

    response = editor_client.post(
        reverse("admin:notifications_webhooksubscription_add"),
        {**SUBSCRIPTION_FORM, "url": "http://127.0.0.1:8080/hook"},
    )

    assert response.status_code == 302, form_errors(response)
    assert WebhookSubscription.objects.get().url == "http://127.0.0.1:8080/hook"


def test_a_refused_delivery_shows_only_why_and_an_answer_is_never_shown(editor_client):
    subscription = WebhookSubscription.objects.create(name="R", url="http://10.0.0.1/hook", secret="x")
    WebhookDelivery.objects.create(
        subscription=subscription,
        claim_id=1,
        event_id="e-refused",
        payload={},
        error="refused: 10.0.0.1 is a private address",
    )
    WebhookDelivery.objects.create(
        subscription=subscription, claim_id=1, event_id="e-500", payload={}, response_code=500, error="HTTP 500"
    )

    page = editor_client.get(reverse("admin:notifications_webhookdelivery_changelist")).content.decode()

    assert "refused: 10.0.0.1 is a private address" in page
    assert "HTTP 500" in page
