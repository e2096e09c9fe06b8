"""Celery tasks of webhooks: one delivery attempt (retried with backoff) and the sweep that queues
deliveries whose task was never queued."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from core.tasks import TASK_OPTIONS, send
from notifications import webhooks


@shared_task(bind=True, **TASK_OPTIONS)
def webhook_deliver(self, delivery_id: int) -> dict:
    """POST one event to its subscription; retried with exponential backoff until delivered, the
    subscription is paused, or FOGWATCH_WEBHOOK_MAX_ATTEMPTS attempts were made. An attempt refused
    for its address (``core.http``) is not retried."""
    attempt = webhooks.webhook_attempt(delivery_id=delivery_id)
    if attempt is None:
        return {"delivery": delivery_id, "sent": False}
    summary = {"delivery": attempt.pk, "attempt": attempt.attempt, "code": attempt.response_code}
    if attempt.delivered:
        return {**summary, "delivered": True}
    attempt.subscription.refresh_from_db(fields=["paused_at", "is_active"])
    retryable = getattr(attempt, "retryable", True)  # a refused address stays refused: not retried
    if (
        retryable
        and attempt.subscription.paused_at is None
        and attempt.attempt < settings.FOGWATCH_WEBHOOK_MAX_ATTEMPTS
    ):
        raise self.retry(
            countdown=webhooks.retry_delay(attempt.attempt),
            max_retries=settings.FOGWATCH_WEBHOOK_MAX_ATTEMPTS,
        )
    return {**summary, "delivered": False, "gave_up": True}


@shared_task(**TASK_OPTIONS)
def webhooks_sweep() -> dict:
    """Periodic: queue deliveries whose first attempt was never queued (e.g. Redis was down)."""
    ids = webhooks.deliveries_stranded()
    queued = sum(send(webhook_deliver, pk) for pk in ids)
    return {"stranded": len(ids), "queued": queued}
