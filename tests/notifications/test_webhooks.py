"""Webhooks: signed events when a claim's status or flags change, retried with backoff, every
attempt logged, a failing subscription paused, subscriptions' filters applied."""

import hashlib
import hmac
import json
import time
from datetime import date

import pytest

from claims.models import Claim
from notifications.models import WebhookDelivery, WebhookSubscription
from notifications.webhooks import webhook_attempt
from tests.factories import ActorFactory, ClaimFactory, LocationFactory, RelationFactory, ReportFactory
from tests.support.background import Reply, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "s3cret-shared-with-the-receiver"


class Receiver:
    """A webhook receiver: checks each request's signature itself, answers from a script."""

    def __init__(self, server, path, script):
        self.server, self.path, self.valid = server, path, []
        replies = list(script)

        def answer(request):
            expected = "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
            self.valid.append(hmac.compare_digest(expected, request.headers.get("X-Fogwatch-Signature", "")))
            return replies.pop(0) if len(replies) > 1 else replies[0]

        server.routes[path] = answer

    @property
    def url(self):
        return self.server.url(self.path)

    def events(self):
        return [json.loads(r.body) for r in self.server.requests_to(self.path)]


@pytest.fixture
def fast_retries(settings):
    settings.FOGWATCH_WEBHOOK_RETRY_BASE = 0.2
    settings.FOGWATCH_WEBHOOK_TIMEOUT = 5
    settings.FOGWATCH_BASE_URL = "https://fogwatch.example.org"


@pytest.fixture
def scene():
    """A Taliban claim about Shattal (in Parwan); deny_it() makes an independent NRF denial."""
    report = ReportFactory(url=None)
    taliban, nrf = ActorFactory(name="Taliban"), ActorFactory(name="National Resistance Front")
    mujahid = ActorFactory(name="Zabihullah Mujahid", kind="person", parent=taliban)
    parwan = LocationFactory(name="Parwan", kind="province")
    shattal = LocationFactory(name="Shattal", parent=parwan)
    claim = ClaimFactory(claimant=mujahid, location=shattal, citations=[{"report": report}])

    def deny_it():
        denial = ClaimFactory(claimant=nrf, citations=[{"report": report}], claimed_on=date(2021, 9, 3))
        RelationFactory(claim=denial, target=claim, stance="denies")
        return denial

    return claim, deny_it, {"taliban": taliban, "nrf": nrf, "mujahid": mujahid, "parwan": parwan, "shattal": shattal}


def subscribe(url, name="analysis tool", **filters):
    return WebhookSubscription.objects.create(name=name, url=url, secret=SECRET, **filters)


def test_a_status_change_is_delivered_signed(celery_worker, http_server, fast_retries, scene):
    claim, deny_it, _ = scene
    receiver = Receiver(http_server, "/hook", [Reply(200, b"ok")])
    subscription = subscribe(receiver.url)

    deny_it()

    wait_for(lambda: WebhookDelivery.objects.filter(delivered=True).exists())
    assert receiver.valid == [True]
    [event] = receiver.events()
    assert event["type"] == "claim.flags_changed"
    assert event["claim"] == {"id": claim.pk, "url": f"https://fogwatch.example.org/api/v1/claims/{claim.pk}/"}
    assert (event["old_status"], event["new_status"]) == ("unverified", "contested")
    assert event["flags"] == {"contested": True, "corroborated": False, "unverified": True}
    assert [r["code"] for r in event["reasons"]] == [r["code"] for r in Claim.objects.get(pk=claim.pk).reasons]
    assert "denied_by" in [r["code"] for r in event["reasons"]]
    assert event["event_id"] and event["time"]
    [delivery] = WebhookDelivery.objects.all()
    assert (delivery.subscription_id, delivery.claim_id, delivery.attempt) == (subscription.pk, claim.pk, 1)
    assert delivery.response_code == 200 and delivery.event_id == event["event_id"]

    assert webhook_attempt(delivery_id=delivery.pk) is None  # delivered: running it again sends nothing
    assert len(receiver.events()) == 1


def test_a_failed_delivery_is_retried_then_delivered_once(celery_worker, http_server, fast_retries, scene):
    _, deny_it, _ = scene
    receiver = Receiver(http_server, "/hook", [Reply(500, b"oops"), Reply(200, b"ok")])
    subscription = subscribe(receiver.url)

    deny_it()

    wait_for(lambda: WebhookDelivery.objects.filter(delivered=True).exists())
    time.sleep(0.6)  # longer than the next backoff: a second delivery would have happened by now
    attempts = list(WebhookDelivery.objects.order_by("attempt").values_list("attempt", "response_code", "delivered"))
    assert attempts == [(1, 500, False), (2, 200, True)]
    events = receiver.events()
    assert len(events) == 2 and events[0] == events[1]  # the same event, byte for byte
    assert receiver.valid == [True, True]
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0 and subscription.paused_at is None


def test_a_subscription_that_keeps_failing_is_paused(celery_worker, http_server, fast_retries, scene, settings):
    settings.FOGWATCH_WEBHOOK_PAUSE_AFTER = 3
    settings.FOGWATCH_WEBHOOK_MAX_ATTEMPTS = 6
    claim, deny_it, _ = scene
    receiver = Receiver(http_server, "/hook", [Reply(503, b"down")])
    subscription = subscribe(receiver.url)

    deny_it()

    wait_for(lambda: WebhookSubscription.objects.filter(pk=subscription.pk, paused_at__isnull=False).exists())
    time.sleep(1.0)  # the next backoff has passed: no attempt after the pause
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 3
    assert list(WebhookDelivery.objects.order_by("attempt").values_list("attempt", "response_code")) == [
        (1, 503),
        (2, 503),
        (3, 503),
    ]
    assert len(receiver.events()) == 3

    from claims.services import claim_set_verdict

    claim_set_verdict(claim=Claim.objects.get(pk=claim.pk), verdict="confirmed")  # another change: paused, not sent
    assert WebhookDelivery.objects.count() == 3


def test_only_matching_subscriptions_get_the_event(celery_worker, http_server, fast_retries, scene):
    _, deny_it, world = scene
    receiver = Receiver(http_server, "/hook", [Reply(204, b"")])
    everything = subscribe(receiver.url, "everything")
    contested = subscribe(receiver.url, "contested only", statuses=["contested", "refuted"])
    corroborated = subscribe(receiver.url, "corroborated only", statuses=["corroborated"])
    taliban_bloc = subscribe(receiver.url, "Taliban bloc", claimant_bloc=world["taliban"])
    nrf_bloc = subscribe(receiver.url, "NRF bloc", claimant_bloc=world["nrf"])
    in_parwan = subscribe(receiver.url, "Parwan and below", location=world["parwan"])
    elsewhere = subscribe(receiver.url, "Elsewhere", location=LocationFactory(name="Baghlan", kind="province"))
    inactive = subscribe(receiver.url, "switched off", is_active=False)

    deny_it()

    expected = {everything.pk, contested.pk, taliban_bloc.pk, in_parwan.pk}
    assert set(WebhookDelivery.objects.values_list("subscription_id", flat=True)) == expected
    wait_for(lambda: WebhookDelivery.objects.filter(delivered=True).count() == len(expected))
    assert len(receiver.events()) == len(expected) and all(receiver.valid)
    assert {corroborated.pk, nrf_bloc.pk, elsewhere.pk, inactive.pk}.isdisjoint(
        WebhookDelivery.objects.values_list("subscription_id", flat=True)
    )
