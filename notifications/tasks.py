"""Celery tasks of webhooks: one delivery attempt (retried with backoff) and the sweep that queues
deliveries whose task was lost (never queued, or a retry lost with a worker or with Redis).

In-process (no broker: ``CELERY_TASK_ALWAYS_EAGER``) a Celery retry would run at once, whatever its
countdown. There a failed attempt is not retried by the task: the stored attempt (its
``attempted_at``, plus ``retry_delay``) says when the next one is due, and ``webhook_retries_due``,
run every FOGWATCH_WEBHOOK_RETRY_SWEEP_INTERVAL by the embedded schedule, makes the attempts that
are due. Stored rows survive a restart of the server; a timer would not."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from core.tasks import TASK_OPTIONS, send
from notifications import webhooks


@shared_task(bind=True, **TASK_OPTIONS)
def webhook_deliver(self, delivery_id: int, attempt: int = 1) -> dict:
    """Make attempt number ``attempt`` at one event for its subscription; retried with exponential
    backoff (the next attempt's number in the retry) until delivered, the subscription is paused, or
    FOGWATCH_WEBHOOK_MAX_ATTEMPTS attempts were made. An attempt refused for its address
    (``core.http``) is not retried. A task whose attempt was already made, or whose event was
    already delivered, sends nothing (``webhooks.webhook_attempt``)."""
    made = webhooks.webhook_attempt(delivery_id=delivery_id, attempt=attempt)
    if made is None:
        return {"delivery": delivery_id, "attempt": attempt, "sent": False}
    summary = {"delivery": made.pk, "attempt": made.attempt, "code": made.response_code}
    if made.delivered:
        return {**summary, "delivered": True}
    made.subscription.refresh_from_db(fields=["paused_at", "is_active"])
    retryable = getattr(made, "retryable", True)  # a refused address stays refused: not retried
    if retryable and made.subscription.paused_at is None and made.attempt < settings.FOGWATCH_WEBHOOK_MAX_ATTEMPTS:
        if self.request.is_eager:  # in-process: no timer; webhook_retries_due makes it when it is due
            due = made.attempted_at + timedelta(seconds=webhooks.retry_delay(made.attempt))
            return {**summary, "delivered": False, "retry_due": due.isoformat()}
        raise self.retry(
            args=(delivery_id,),
            kwargs={"attempt": made.attempt + 1},
            countdown=webhooks.retry_delay(made.attempt),
            max_retries=settings.FOGWATCH_WEBHOOK_MAX_ATTEMPTS,
        )
    return {**summary, "delivered": False, "gave_up": True}


@shared_task(**TASK_OPTIONS)
def webhooks_sweep() -> dict:
    """Periodic: queue deliveries whose first attempt was never queued (e.g. Redis was down), and
    retries whose task was lost (with a worker, or with Redis) well past their delay."""
    ids = webhooks.deliveries_stranded()
    queued = sum(send(webhook_deliver, pk) for pk in ids)
    overdue = webhooks.deliveries_overdue()
    queued += sum(send(webhook_deliver, pk, attempt) for pk, attempt in overdue)
    return {"stranded": len(ids), "overdue": len(overdue), "queued": queued}


@shared_task(**TASK_OPTIONS)
def webhook_retries_due() -> dict:
    """Periodic, in-process only (the embedded schedule; with a broker a retry is a Celery retry with
    its countdown): make each webhook retry whose delay has passed. Each is sent to the background
    threads (``core.tasks.send``), so the schedule never waits on a receiver; an attempt already
    made by another run is not made twice (``webhooks.webhook_attempt``)."""
    due = webhooks.deliveries_overdue(grace=timedelta(0))
    return {"due": len(due), "queued": sum(send(webhook_deliver, pk, attempt) for pk, attempt in due)}
