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
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
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


def _refused(delivery: WebhookDelivery) -> bool:
    return delivery.error.startswith(http.REFUSED)


def _take_attempt(delivery: WebhookDelivery, attempt: int) -> WebhookDelivery | None:
    """Take up attempt number ``attempt`` at the event of ``delivery``, or None when it is not this
    task's to make. The first attempt is the pending row itself, taken by a conditional update;
    each later one is a new row, taken by inserting it (one row per subscription, event and attempt:
    of two tasks racing for it, the other's insert fails), and only once the attempt before it was
    made and did not deliver (it failed, or its worker was lost while making it): a retry out of
    turn, from a stale or doubled message, sends nothing."""
    rows = WebhookDelivery.objects.using(PRIMARY).filter(
        subscription_id=delivery.subscription_id, event_id=delivery.event_id
    )
    now = timezone.now()
    if attempt <= 1:
        first = rows.filter(attempt=1).order_by("id").first()
        if first is None:
            return None
        taken = rows.filter(pk=first.pk, attempted_at__isnull=True, response_code__isnull=True, error="").update(
            attempted_at=now
        )
        if not taken:
            return None
        first.attempted_at = now
        return first
    previous = rows.filter(attempt=attempt - 1).first()
    if previous is None or previous.attempted_at is None or previous.delivered or _refused(previous):
        return None
    try:
        with transaction.atomic(using=PRIMARY):
            return WebhookDelivery.objects.using(PRIMARY).create(
                subscription_id=delivery.subscription_id,
                claim_id=delivery.claim_id,
                event_id=delivery.event_id,
                payload=delivery.payload,
                attempt=attempt,
                attempted_at=now,
            )
    except IntegrityError:
        return None  # made by another task


def webhook_attempt(*, delivery_id: int, attempt: int = 1) -> WebhookDelivery | None:
    """Make attempt number ``attempt`` (1: the first) to deliver the event of ``delivery_id`` (any of
    its rows), logged as a WebhookDelivery (the pending row itself for the first attempt, a new row
    for each later one). Returns the attempt, or None when nothing was sent: the event was already
    delivered to this subscription, the subscription is paused or inactive, or that attempt was
    already made (or is not due: the one before it was not made and failed). So a retried,
    redelivered or doubled task never sends an event twice, and a retry comes only after its delay."""
    delivery = WebhookDelivery.objects.using(PRIMARY).select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None:
        return None
    subscription = delivery.subscription
    if _already_delivered(delivery) or not subscription.is_active or subscription.paused_at is not None:
        return None
    if attempt > settings.FOGWATCH_WEBHOOK_MAX_ATTEMPTS:
        return None
    delivery = _take_attempt(delivery, attempt)
    if delivery is None:
        return None
    body = encode(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Fogwatch-Webhooks/0.1",
        SIGNATURE_HEADER: sign(body, subscription.secret),
        "X-Fogwatch-Event": EVENT_TYPE,
        "X-Fogwatch-Event-Id": delivery.event_id,  # the same on every attempt: receivers de-duplicate on it
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


def deliveries_stranded(older_than: timedelta | None = None, limit: int = 1000) -> list[int]:
    """Pending first attempts never made (their task was not queued, e.g. Redis was down), created
    more than ``older_than`` (FOGWATCH_WEBHOOK_STRANDED_AFTER) ago."""
    if older_than is None:
        older_than = timedelta(seconds=settings.FOGWATCH_WEBHOOK_STRANDED_AFTER)
    return list(
        WebhookDelivery.objects.filter(
            Q(response_code__isnull=True) & Q(error=""),
            attempted_at__isnull=True,
            attempt=1,
            delivered=False,
            created_at__lt=timezone.now() - older_than,
            subscription__is_active=True,
            subscription__paused_at__isnull=True,
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )


# How far back the sweep looks for lost retries: longer than the whole retry schedule with the
# defaults (about an hour) and an outage of beat or workers.
OVERDUE_LOOKBACK = timedelta(days=2)


def deliveries_overdue(grace: timedelta | None = None, limit: int = 1000) -> list[tuple[int, int]]:
    """Retries that should have been made by now and were not: the last attempt at an event failed
    (or its worker was lost while making it), more attempts are allowed, and its retry delay passed
    more than ``grace`` (FOGWATCH_WEBHOOK_STRANDED_AFTER) ago; the retry's task was lost (with a
    worker, or with Redis). ``(row id, next attempt number)`` for each: ``webhook_attempt`` makes that
    attempt unless another task made it first. Attempts made more than ``OVERDUE_LOOKBACK`` ago are
    not looked at (the sweep reads recent rows, not the whole log)."""
    if grace is None:
        grace = timedelta(seconds=settings.FOGWATCH_WEBHOOK_STRANDED_AFTER)
    now = timezone.now()
    same_event = WebhookDelivery.objects.filter(
        subscription_id=OuterRef("subscription_id"), event_id=OuterRef("event_id")
    )
    candidates = (
        WebhookDelivery.objects.filter(
            created_at__gte=now - OVERDUE_LOOKBACK,
            attempted_at__lt=now - grace,
            attempt__lt=settings.FOGWATCH_WEBHOOK_MAX_ATTEMPTS,
            delivered=False,
            subscription__is_active=True,
            subscription__paused_at__isnull=True,
        )
        .exclude(error__startswith=http.REFUSED)
        .exclude(Exists(same_event.filter(attempt__gt=OuterRef("attempt"))))
        .exclude(Exists(same_event.filter(delivered=True)))
        .order_by("attempted_at", "id")
        .values_list("pk", "attempt", "attempted_at")
    )
    due = []
    for pk, attempt, attempted_at in candidates.iterator():
        if attempted_at + timedelta(seconds=retry_delay(attempt)) + grace < now:
            due.append((pk, attempt + 1))
            if len(due) >= limit:
                break
    return due
