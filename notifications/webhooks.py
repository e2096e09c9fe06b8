"""Webhooks: tell subscribed tools when a claim's status or flags change.

When a recompute changes a claim's status or flags, ``flags_changed_receiver`` (a receiver of
the ``claims.events.flags_changed`` signal, inside the writing transaction) writes one pending
``WebhookDelivery`` per matching subscription (an outbox: the event survives a broker
outage) and queues its delivery on commit. ``webhook_attempt`` POSTs the event, signed with
``X-Fogwatch-Signature: sha256=<HMAC-SHA256 of the raw body>``, and logs every attempt as a
``WebhookDelivery`` with its response code. A subscription failing
``FOGWATCH_WEBHOOK_PAUSE_AFTER`` times in a row is paused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from claims.events import FlagChange
from claims.selectors import claim_event_rows
from core import http
from core.tasks import PRIMARY, send
from notifications.models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

EVENT_TYPE = "claim.flags_changed"
SIGNATURE_HEADER = "X-Fogwatch-Signature"


# ---------------------------------------------------------------------------------------------
# Events and signatures
# ---------------------------------------------------------------------------------------------


def sign(body: bytes, secret: str) -> str:
    """The signature header value: ``sha256=`` and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str) -> bool:
    """For receivers (and tests): does ``header`` sign ``body`` with ``secret``?"""
    return hmac.compare_digest(sign(body, secret), header or "")


def encode(payload: Mapping[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact, keys sorted, so every attempt sends the same body."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def claim_url(claim_id: int) -> str:
    try:
        path = reverse("api:claim-detail", kwargs={"pk": claim_id})
    except (NoReverseMatch, ImportError):  # the API's routes not (yet) installed
        path = f"/api/v1/claims/{claim_id}/"
    return f"{settings.FOGWATCH_BASE_URL}{path}"


def event_payload(claim: Mapping[str, Any], change: FlagChange, *, event_id: str, at: str) -> dict[str, Any]:
    """The event for one claim (a row of ``claims.selectors.claim_event_rows``)."""
    return {
        "event_id": event_id,
        "type": EVENT_TYPE,
        "time": at,
        "claim": {"id": claim["id"], "url": claim_url(claim["id"])},
        "old_status": change.old_status,
        "new_status": change.new_status,
        "flags": {
            "contested": claim["contested"],
            "corroborated": claim["corroborated"],
            "unverified": claim["unverified"],
        },
        "reasons": claim["reasons"],
    }


# ---------------------------------------------------------------------------------------------
# Subscriptions
# ---------------------------------------------------------------------------------------------


def subscriptions_live() -> list[WebhookSubscription]:
    return list(
        WebhookSubscription.objects.filter(is_active=True, paused_at__isnull=True).select_related(
            "claimant_bloc", "location"
        )
    )


def subscription_matches(subscription: WebhookSubscription, *, status: str, bloc_id: int | None, path: str) -> bool:
    """Filters: new status in ``statuses`` (empty: any), claimant in the bloc of ``claimant_bloc``,
    place at or below ``location``."""
    if subscription.statuses and status not in subscription.statuses:
        return False
    if subscription.claimant_bloc_id is not None:
        wanted = subscription.claimant_bloc.bloc_id or subscription.claimant_bloc_id  # type: ignore[union-attr]
        if bloc_id != wanted:
            return False
    location = subscription.location
    return location is None or bool(path and path.startswith(location.path))


@transaction.atomic
def subscription_resume(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """Un-pause a subscription (after its receiver was fixed): failures count from zero again."""
    WebhookSubscription.objects.filter(pk=subscription.pk).update(paused_at=None, consecutive_failures=0)
    subscription.refresh_from_db()
    return subscription


# ---------------------------------------------------------------------------------------------
# The listener: write the outbox, queue deliveries on commit
# ---------------------------------------------------------------------------------------------


def flags_changed_receiver(sender: Any, changes: Mapping[int, FlagChange], **kwargs: Any) -> None:
    """Receiver of ``claims.events.flags_changed``: an event per claim whose status or flags changed, for
    every live subscription it matches. Reason-only changes send nothing."""
    relevant = {
        pk: change
        for pk, change in changes.items()
        if change.old_status != change.new_status or change.old_flags != change.new_flags
    }
    if not relevant:
        return
    subscriptions = subscriptions_live()
    if not subscriptions:
        return
    at = timezone.now().isoformat()
    pending = []
    for claim in claim_event_rows(list(relevant)):
        change = relevant[claim["id"]]
        bloc_id = claim["bloc_id"]
        path = claim["location_path"]
        matching = [
            s for s in subscriptions if subscription_matches(s, status=claim["status"], bloc_id=bloc_id, path=path)
        ]
        if not matching:
            continue
        event_id = uuid.uuid4().hex
        payload = event_payload(claim, change, event_id=event_id, at=at)
        pending += [
            WebhookDelivery(subscription=s, claim_id=claim["id"], event_id=event_id, payload=payload, attempt=1)
            for s in matching
        ]
    if pending:
        created = WebhookDelivery.objects.bulk_create(pending)
        ids = [d.pk for d in created]
        transaction.on_commit(lambda: _queue(ids), robust=True)


def _queue(delivery_ids: list[int]) -> None:
    for pk in delivery_ids:
        send("notifications.tasks.webhook_deliver", pk)  # by name: the tasks import this module


# ---------------------------------------------------------------------------------------------
# Delivery
# ---------------------------------------------------------------------------------------------


def _already_delivered(delivery: WebhookDelivery) -> bool:
    return (
        WebhookDelivery.objects.using(PRIMARY)
        .filter(subscription_id=delivery.subscription_id, event_id=delivery.event_id, delivered=True)
        .exists()
    )


def webhook_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """One attempt to deliver the event of ``delivery_id``, logged as a WebhookDelivery (the
    pending row itself for the first attempt, a new row for each later one). Returns the attempt,
    or None when nothing was sent (already delivered, subscription paused or inactive)."""
    delivery = WebhookDelivery.objects.using(PRIMARY).select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None:
        return None
    subscription = delivery.subscription
    if _already_delivered(delivery) or not subscription.is_active or subscription.paused_at is not None:
        return None
    attempted = delivery.response_code is not None or bool(delivery.error)
    if attempted:
        attempts = WebhookDelivery.objects.using(PRIMARY).filter(subscription=subscription, event_id=delivery.event_id)
        last = attempts.aggregate(n=Max("attempt"))["n"]
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            claim_id=delivery.claim_id,
            event_id=delivery.event_id,
            payload=delivery.payload,
            attempt=(last or 0) + 1,
        )
    body = encode(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Fogwatch-Webhooks/0.1",
        SIGNATURE_HEADER: sign(body, subscription.secret),
        "X-Fogwatch-Event": EVENT_TYPE,
        "X-Fogwatch-Event-Id": delivery.event_id,
        "X-Fogwatch-Attempt": str(delivery.attempt),
    }
    answer = http.post(subscription.url, body, headers, timeout=float(settings.FOGWATCH_WEBHOOK_TIMEOUT))
    # Only the status and why it failed are kept, never the answer's body; a refused address gets
    # only the reason ("refused: 10.0.0.1 is a private address"): nothing was sent to it.
    delivery.response_code = answer.status
    delivery.delivered = answer.ok
    delivery.error = answer.error
    delivery.save(update_fields=["response_code", "delivered", "error"])
    delivery.retryable = not answer.refused  # type: ignore[attr-defined]  # read by the task
    _count(subscription, delivery)
    return delivery


def _count(subscription: WebhookSubscription, delivery: WebhookDelivery) -> None:
    subs = WebhookSubscription.objects.using(PRIMARY).filter(pk=subscription.pk)
    if delivery.delivered:
        subs.update(consecutive_failures=0)
        return
    subs.update(consecutive_failures=F("consecutive_failures") + 1)
    paused = subs.filter(
        paused_at__isnull=True, consecutive_failures__gte=settings.FOGWATCH_WEBHOOK_PAUSE_AFTER
    ).update(paused_at=timezone.now())
    if paused:
        logger.warning(
            "Webhook subscription #%s (%s) paused after %d consecutive failures; last: %s",
            subscription.pk,
            subscription.name,
            settings.FOGWATCH_WEBHOOK_PAUSE_AFTER,
            delivery.error,
        )


def retry_delay(attempt: int) -> float:
    """Seconds before the next attempt: the base, doubled per attempt already made."""
    return float(settings.FOGWATCH_WEBHOOK_RETRY_BASE) * 2 ** max(attempt - 1, 0)


def deliveries_stranded(older_than: timedelta = timedelta(minutes=5), limit: int = 1000) -> list[int]:
    """Pending first attempts never made (their task was not queued, e.g. Redis was down)."""
    return list(
        WebhookDelivery.objects.filter(
            Q(response_code__isnull=True) & Q(error=""),
            delivered=False,
            created_at__lt=timezone.now() - older_than,
            subscription__is_active=True,
            subscription__paused_at__isnull=True,
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
