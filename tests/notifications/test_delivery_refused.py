"""Every delivery checks its receiver's address again (DNS can change after the subscription was
saved): a refused one records only why, sends nothing and is not retried."""

import time
from datetime import date

import pytest

from notifications.models import WebhookDelivery, WebhookSubscription
from notifications.tasks import webhook_deliver
from notifications.webhooks import webhook_attempt
from tests.factories import ActorFactory, ClaimFactory, RelationFactory, ReportFactory
from tests.support.background import Reply, wait_for
from tests.support.network import PUBLIC

pytestmark = pytest.mark.django_db(transaction=True)


def pending(subscription):
    return WebhookDelivery.objects.create(subscription=subscription, claim_id=1, event_id="e1", payload={"a": 1})


def test_a_change_for_a_receiver_on_loopback_is_refused_and_nothing_is_sent(
    celery_worker, http_server, no_private, settings
):
    settings.FOGWATCH_WEBHOOK_RETRY_BASE = 0.1
    http_server.routes["/hook"] = Reply(200, b"ok")
    # Saved while the switch was on (or before this check existed): delivery is the real guard.
    WebhookSubscription.objects.create(name="Probe", url=http_server.url("/hook"), secret="x")
    report = ReportFactory(url=None)
    claim = ClaimFactory(claimant=ActorFactory(name="Taliban"), citations=[{"report": report}])
    denial = ClaimFactory(
        claimant=ActorFactory(name="NRF"), citations=[{"report": report}], claimed_on=date(2021, 9, 3)
    )

    RelationFactory(claim=denial, target=claim, stance="denies")

    attempt = wait_for(lambda: WebhookDelivery.objects.exclude(error="").first())
    time.sleep(0.5)  # past the first retry's delay: a retry would have been logged by now
    assert attempt.error == "refused: 127.0.0.1 is a loopback address"
    assert attempt.response_code is None and not attempt.delivered
    assert WebhookDelivery.objects.count() == 1
    assert not http_server.received


def test_a_name_that_now_resolves_to_a_private_address_is_refused_at_delivery(network, servers, no_private):
    receiver = servers()
    receiver.routes["/hook"] = Reply(204, b"")
    network.route(PUBLIC, receiver)
    network.answer("hooks.example", [PUBLIC], ["10.0.0.1"])
    subscription = WebhookSubscription.objects.create(name="Newsroom", url="http://hooks.example/hook", secret="x")

    first = webhook_attempt(delivery_id=pending(subscription).pk)
    second = webhook_attempt(
        delivery_id=WebhookDelivery.objects.create(
            subscription=subscription, claim_id=2, event_id="e2", payload={"a": 2}
        ).pk
    )

    assert first.delivered and first.response_code == 204
    assert second.error == "refused: hooks.example resolves to 10.0.0.1, a private address"
    assert second.response_code is None and not second.delivered
    assert network.connections == [(PUBLIC, 80)] and len(receiver.received) == 1


def test_a_refused_delivery_is_not_retried(http_server, no_private, settings):
    settings.FOGWATCH_WEBHOOK_MAX_ATTEMPTS = 5
    http_server.routes["/hook"] = Reply(200, b"ok")
    subscription = WebhookSubscription.objects.create(name="Probe", url=http_server.url("/hook"), secret="x")

    summary = webhook_deliver.apply(args=(pending(subscription).pk,)).get()

    assert summary["delivered"] is False and summary["gave_up"] is True
    assert list(WebhookDelivery.objects.values_list("attempt", "error")) == [
        (1, "refused: 127.0.0.1 is a loopback address")
    ]
    assert not http_server.received
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 1  # counts towards pausing the subscription


def test_a_redirecting_receiver_is_a_failed_delivery_and_the_target_gets_nothing(http_server):
    http_server.routes["/hook"] = Reply(302, b"", {"Location": "/internal"})
    http_server.routes["/internal"] = Reply(200, b"secret")
    subscription = WebhookSubscription.objects.create(name="R", url=http_server.url("/hook"), secret="x")

    attempt = webhook_attempt(delivery_id=pending(subscription).pk)

    assert (attempt.response_code, attempt.delivered) == (302, False)
    assert attempt.error == "HTTP 302: redirects are not followed."
    assert not http_server.requests_to("/internal")


def test_a_failing_receivers_answer_is_not_kept(http_server):
    http_server.routes["/hook"] = Reply(500, b"Traceback: db password=hunter2", {"X-Reason": "internal"})
    subscription = WebhookSubscription.objects.create(name="R", url=http_server.url("/hook"), secret="x")

    attempt = webhook_attempt(delivery_id=pending(subscription).pk)

    assert (attempt.response_code, attempt.error) == (500, "HTTP 500")
