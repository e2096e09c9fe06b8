"""Each attempt at an event is made once, whichever task gets there (a retry, a redelivered message,
the sweep, racing worker threads); a retry only after the attempt before it failed; nothing after a
success; and the sweep finds the retries whose task was lost."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from notifications.models import WebhookDelivery, WebhookSubscription
from notifications.webhooks import deliveries_overdue, deliveries_stranded, webhook_attempt
from tests.support.background import Reply

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def subscription(http_server):
    return WebhookSubscription.objects.create(name="tool", url=http_server.url("/hook"), secret="x")


def pending(subscription, event_id="e1"):
    return WebhookDelivery.objects.create(subscription=subscription, claim_id=1, event_id=event_id, payload={"a": 1})


def test_the_first_attempt_is_made_once(http_server, subscription):
    http_server.routes["/hook"] = Reply(503, b"")
    delivery = pending(subscription)

    made = webhook_attempt(delivery_id=delivery.pk)
    again = webhook_attempt(delivery_id=delivery.pk)  # a redelivered message for the same attempt

    assert made.attempt == 1 and made.attempted_at is not None and made.response_code == 503
    assert again is None
    assert len(http_server.requests_to("/hook")) == 1


def test_a_retry_comes_only_after_the_attempt_before_it_failed_and_never_after_a_success(http_server, subscription):
    http_server.routes["/hook"] = [Reply(500, b""), Reply(204, b"")]
    delivery = pending(subscription)

    assert webhook_attempt(delivery_id=delivery.pk, attempt=2) is None  # out of turn: attempt 1 not made
    assert webhook_attempt(delivery_id=delivery.pk).response_code == 500
    second = webhook_attempt(delivery_id=delivery.pk, attempt=2)
    assert second.attempt == 2 and second.delivered
    assert webhook_attempt(delivery_id=delivery.pk, attempt=2) is None  # made already
    assert webhook_attempt(delivery_id=second.pk, attempt=3) is None  # delivered: nothing more
    sent = http_server.requests_to("/hook")
    assert [r.headers["X-Fogwatch-Attempt"] for r in sent] == ["1", "2"]
    assert {r.headers["X-Fogwatch-Event-Id"] for r in sent} == {"e1"}
    assert list(WebhookDelivery.objects.order_by("attempt").values_list("attempt", "delivered")) == [
        (1, False),
        (2, True),
    ]


@pytest.mark.parametrize("attempt", [1, 2])
def test_racing_tasks_make_an_attempt_once(http_server, subscription, attempt):
    http_server.routes["/hook"] = Reply(503, b"", delay=0.2)
    delivery = pending(subscription)
    if attempt == 2:
        webhook_attempt(delivery_id=delivery.pk)  # attempt 1 failed
    results = []
    start = threading.Barrier(8)

    def task():
        start.wait()
        try:
            results.append(webhook_attempt(delivery_id=delivery.pk, attempt=attempt))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=task) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r is not None for r in results) == 1
    assert len(http_server.requests_to("/hook")) == attempt
    assert WebhookDelivery.objects.filter(attempt=attempt).count() == 1


def test_the_sweep_finds_retries_whose_task_was_lost(subscription, settings):
    settings.FOGWATCH_WEBHOOK_RETRY_BASE = 60
    settings.FOGWATCH_WEBHOOK_MAX_ATTEMPTS = 4
    now = timezone.now()
    grace = timedelta(seconds=settings.FOGWATCH_WEBHOOK_STRANDED_AFTER)

    def event(event_id, *attempts, **last):
        """Rows for attempts made (minutes ago, code, error); the last one's fields overridden by ``last``."""
        rows = []
        for number, (ago, code, error) in enumerate(attempts, start=1):
            rows.append(
                WebhookDelivery.objects.create(
                    subscription=subscription,
                    claim_id=1,
                    event_id=event_id,
                    payload={},
                    attempt=number,
                    attempted_at=now - timedelta(minutes=ago),
                    response_code=code,
                    error=error,
                    delivered=code == 204,
                )
            )
        return rows[-1]

    overdue = event("overdue", (30, 500, "HTTP 500"), (15, 500, "HTTP 500"))  # waited 2 min, plus the grace
    crashed = event("crashed", (30, 500, "HTTP 500"), (15, None, ""))  # its worker was lost mid-attempt
    event("waiting", (30, 500, "HTTP 500"), (2, 500, "HTTP 500"))  # 2 min ago: its retry is not due yet
    event("delivered", (30, 500, "HTTP 500"), (15, 204, ""))
    event("refused", (30, None, "refused: 10.0.0.1 is a private address"))
    event("gave up", (40, 500, "HTTP 500"), (30, 500, "HTTP 500"), (20, 500, "HTTP 500"), (10, 500, "HTTP 500"))
    never = pending(subscription, "never tried")
    WebhookDelivery.objects.filter(pk=never.pk).update(created_at=now - grace - timedelta(seconds=1))

    assert sorted(deliveries_overdue()) == sorted([(overdue.pk, 3), (crashed.pk, 3)])  # their third attempt
    assert deliveries_stranded() == [never.pk]  # first attempts never made; made ones are not "stranded"
    subscription.paused_at = now
    subscription.save()
    assert deliveries_overdue() == [] and deliveries_stranded() == []
