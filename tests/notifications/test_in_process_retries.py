"""Without a broker (tasks in-process), a webhook retry waits for its delay: the failed attempt is
stored with its time, and the embedded schedule's ``webhook-retries`` entry makes the next attempt
only once that time plus the delay has passed. A receiver down for a moment gets its event on the
next attempt, and its subscription is not paused."""

from datetime import timedelta

import pytest
from django.conf import settings

from core import schedule
from notifications.models import WebhookDelivery
from tests.notifications.test_webhooks import Receiver, scene, subscribe  # noqa: F401  (scene: a fixture)
from tests.support.background import Reply, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

RETRIES = ("webhook-retries", "notifications.tasks.webhook_retries_due")


@pytest.fixture
def in_process(no_redis, settings):
    settings.FOGWATCH_WEBHOOK_RETRY_BASE = 30  # seconds: time is driven through the stored attempt
    settings.FOGWATCH_WEBHOOK_PAUSE_AFTER = 2
    settings.FOGWATCH_WEBHOOK_TIMEOUT = 5
    settings.FOGWATCH_BASE_URL = "https://fogwatch.example.org"


def attempts():
    return list(WebhookDelivery.objects.order_by("attempt").values_list("attempt", "response_code", "delivered"))


def test_a_retry_waits_for_its_delay_then_delivers(in_process, http_server, scene):  # noqa: F811
    _, deny_it, _ = scene
    receiver = Receiver(http_server, "/hook", [Reply(503, b"down"), Reply(200, b"ok")])
    subscription = subscribe(receiver.url)

    deny_it()

    wait_for(lambda: attempts() == [(1, 503, False)], what="the first attempt, failed")
    schedule.run_entry(*RETRIES)  # the schedule runs before the delay has passed: nothing is due
    schedule.run_entry(*RETRIES)
    assert attempts() == [(1, 503, False)]
    assert len(receiver.events()) == 1
    subscription.refresh_from_db()
    assert subscription.paused_at is None and subscription.consecutive_failures == 1

    # 29 s later: still not due.
    WebhookDelivery.objects.update(attempted_at=WebhookDelivery.objects.get().attempted_at - timedelta(seconds=29))
    schedule.run_entry(*RETRIES)
    assert attempts() == [(1, 503, False)]

    # Past the delay (30 s): the next run of the schedule makes the second attempt, which delivers.
    WebhookDelivery.objects.update(attempted_at=WebhookDelivery.objects.get().attempted_at - timedelta(seconds=2))
    schedule.run_entry(*RETRIES)
    wait_for(lambda: attempts() == [(1, 503, False), (2, 200, True)], what="the second attempt, delivered")
    events = receiver.events()
    assert len(events) == 2 and events[0] == events[1]
    subscription.refresh_from_db()
    assert subscription.paused_at is None and subscription.consecutive_failures == 0

    schedule.run_entry(*RETRIES)  # delivered: nothing more is sent
    assert len(receiver.events()) == 2


def test_the_embedded_schedule_runs_the_retries_when_tasks_run_in_process():
    entry = settings.CELERY_BEAT_SCHEDULE.get("webhook-retries")
    if settings.CELERY_TASK_ALWAYS_EAGER:
        assert entry == {"task": RETRIES[1], "schedule": settings.FOGWATCH_WEBHOOK_RETRY_SWEEP_INTERVAL}
    else:  # with a broker, a retry is a Celery retry with its countdown
        assert entry is None
