"""A webhook receiver that fails, then recovers (chaos, with real processes): each event is delivered
exactly once, every attempt carries the same ``X-Fogwatch-Event-Id``, and each retry comes no sooner
than its configured delay, even when every task is doubled (redelivered messages, the sweep), when
several worker threads race for the same event, and when the worker holding the retries is killed.

Real ``celery -A config worker`` processes on a Redis of the test's own; the receiver is an HTTP
server in the test process that fails the first requests of each event and records when each one
arrived.
"""

import json
import threading
import time
from collections import defaultdict
from datetime import date

import pytest

from notifications.models import WebhookDelivery, WebhookSubscription
from notifications.tasks import webhook_deliver, webhooks_sweep
from tests.factories import ActorFactory, ClaimFactory, RelationFactory, ReportFactory
from tests.support.background import Reply
from tests.support.chaos import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

EVENTS = 5


class FlakyReceiver:
    """Answers 503 to the first ``fails`` requests of each event, then 204; records each request (its
    event id as sent in the header and in the body, its attempt header, when it arrived, the answer)."""

    def __init__(self, server, fails: int) -> None:
        self.fails = fails
        self.requests: dict[str, list[dict]] = defaultdict(list)
        self.lock = threading.Lock()
        server.routes["/hook"] = self.answer
        self.url = server.url("/hook")

    def answer(self, request) -> Reply:
        event_id = request.headers["X-Fogwatch-Event-Id"]
        with self.lock:
            seen = self.requests[event_id]
            status = 503 if len(seen) < self.fails else 204
            seen.append(
                {
                    "at": time.monotonic(),
                    "attempt": int(request.headers["X-Fogwatch-Attempt"]),
                    "body_event_id": json.loads(request.body)["event_id"],
                    "status": status,
                }
            )
        return Reply(status, b"")

    def delivered(self) -> dict[str, int]:
        with self.lock:
            return {e: sum(r["status"] == 204 for r in rs) for e, rs in self.requests.items()}


def make_events(n: int) -> list[str]:
    """``n`` claims become contested (an independent denial each): one event each."""
    report = ReportFactory(url=None)
    taliban, nrf = ActorFactory(name="Taliban"), ActorFactory(name="National Resistance Front")
    for _ in range(n):
        claim = ClaimFactory(claimant=taliban, citations=[{"report": report}])
        denial = ClaimFactory(claimant=nrf, citations=[{"report": report}], claimed_on=date(2021, 9, 3))
        RelationFactory(claim=denial, target=claim, stance="denies")
    events = sorted(set(WebhookDelivery.objects.values_list("event_id", flat=True)))
    assert len(events) == n
    return events


def check_once_with_delays(receiver: FlakyReceiver, events: list[str], base: float, fails: int) -> None:
    """Each event: ``fails`` failures then one success, attempts numbered 1.. in order, the same event
    id each time, each retry at least its delay (base, doubling) after the attempt before it."""
    assert sorted(receiver.requests) == events
    for event_id in events:
        got = receiver.requests[event_id]
        assert [r["status"] for r in got] == [503] * fails + [204], event_id
        assert [r["attempt"] for r in got] == list(range(1, fails + 2)), event_id
        assert {r["body_event_id"] for r in got} == {event_id}
        for n, (before, after) in enumerate(zip(got, got[1:], strict=False), start=1):
            wait = base * 2 ** (n - 1)
            gap = after["at"] - before["at"]
            assert gap >= wait, f"{event_id}: attempt {n + 1} came {gap:.2f} s after attempt {n}, before its {wait} s"
        rows = list(
            WebhookDelivery.objects.filter(event_id=event_id).order_by("attempt").values_list("attempt", "delivered")
        )
        assert rows == [(n, n == fails + 1) for n in range(1, fails + 2)], rows


def test_each_event_is_delivered_once_and_retries_keep_their_delays_though_every_task_is_doubled(chaos, http_server):
    base, fails = 1, 3  # waits of 1, 2 and 4 s
    receiver = FlakyReceiver(http_server, fails)
    WebhookSubscription.objects.create(name="mirror", url=receiver.url, secret="s3cret")
    env = {
        "FOGWATCH_WEBHOOK_RETRY_BASE": base,
        "FOGWATCH_WEBHOOK_MAX_ATTEMPTS": 6,
        "FOGWATCH_WEBHOOK_PAUSE_AFTER": 1000,
        "FOGWATCH_WEBHOOK_STRANDED_AFTER": 1,
    }
    worker = chaos.worker("threads@fogwatch-test", pool="threads", concurrency=4, **env)  # four racing threads
    worker.wait_ready()

    events = make_events(EVENTS)  # each event's task is queued on commit
    for pk in WebhookDelivery.objects.values_list("pk", flat=True):
        webhook_deliver.delay(pk)  # ...and twice more, as a redelivered message would be
        webhook_deliver.delay(pk)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sum(receiver.delivered().values()) < EVENTS:
        webhooks_sweep.delay()  # the sweep, far more often than beat runs it: it queues retries again
        time.sleep(0.5)
    wait_until(lambda: sum(receiver.delivered().values()) >= EVENTS, 5, "every event delivered", chaos.logs)
    time.sleep(2 * base)  # a doubled attempt would have arrived by now

    assert receiver.delivered() == dict.fromkeys(events, 1)
    check_once_with_delays(receiver, events, base, fails)
    assert "sent': False" in worker.text()  # the doubled tasks ran, and sent nothing


def test_retries_held_by_a_killed_worker_are_made_once_by_the_next(chaos, http_server):
    base, fails = 3, 2  # waits of 3 and 6 s
    receiver = FlakyReceiver(http_server, fails)
    WebhookSubscription.objects.create(name="mirror", url=receiver.url, secret="s3cret")
    env = {
        "FOGWATCH_WEBHOOK_RETRY_BASE": base,
        "FOGWATCH_WEBHOOK_MAX_ATTEMPTS": 6,
        "FOGWATCH_WEBHOOK_PAUSE_AFTER": 1000,
        "FOGWATCH_WEBHOOK_STRANDED_AFTER": 1,
        "FOGWATCH_WEBHOOK_SWEEP_INTERVAL": 10,
    }
    first = chaos.worker("first@fogwatch-test", **env)
    first.wait_ready()

    events = make_events(EVENTS)
    wait_until(lambda: len(receiver.requests) == EVENTS, 30, "every event's first attempt", chaos.logs)
    first.kill()  # it holds every event's retry, unacknowledged (Redis gives them back only after 47 min)
    assert all(len(r) == 1 for r in receiver.requests.values())

    second = chaos.worker("second@fogwatch-test", beat=True, **env)  # beat in it: the webhooks sweep every 10 s
    second.wait_ready()
    wait_until(lambda: sum(receiver.delivered().values()) >= EVENTS, 60, "every event delivered", chaos.logs)
    time.sleep(1)

    assert receiver.delivered() == dict.fromkeys(events, 1)
    check_once_with_delays(receiver, events, base, fails)

    # The dead worker's retries, handed out again (as Redis does after the visibility timeout): each
    # finds its attempt made, and sends nothing.
    for pk in WebhookDelivery.objects.filter(attempt=1).values_list("pk", flat=True):
        assert webhook_deliver.delay(pk, 2).get(timeout=30)["sent"] is False
    assert receiver.delivered() == dict.fromkeys(events, 1)
    assert sum(len(r) for r in receiver.requests.values()) == EVENTS * (fails + 1)
