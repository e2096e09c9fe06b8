"""Idempotency keys, as the database keeps them (``core.models.IdempotencyRecord``); the API's side is
``core.api.idempotency``.

A POST sent with a key runs in two steps, so that a retry can never write twice:

1. **Claim** (``claim``): a row for (user, key) is inserted and committed at once if there is none,
   with the request's method, path and body fingerprint and no answer yet. Expired rows go first.
2. **Run** (``locked``, then ``keep`` or ``forget``), in one transaction: the row is locked without
   waiting (``SELECT … FOR UPDATE NOWAIT``: a request already holding it is still running, and the
   newcomer is told so); the request runs; its answer is written into the row in the same
   transaction as everything it created. Commit: both are there. Rollback, or the process killed
   before its commit (a gunicorn timeout): neither is, the row's lock goes with the dead connection,
   and a retry runs the request afresh.

On SQLite there is no row lock: a write transaction holds the whole database (``IMMEDIATE``), so a
second request waits for the first to commit (up to ``FOGWATCH_SQLITE_BUSY_SECONDS``) and then
replays its answer instead of being told it is running.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone

from core.models import IdempotencyRecord

# Expired rows deleted by each claim of a new key (the periodic sweep deletes the rest).
SWEEP_ON_CLAIM = 100
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a NOWAIT lock that is held


class StillRunning(Exception):
    """Another request holding the same key has not finished."""


@dataclass(frozen=True)
class Request:
    """What a key is bound to: the user's request, as far as a retry must repeat it."""

    user: Any
    key: str
    method: str
    path: str
    fingerprint: str


@dataclass(frozen=True)
class Answer:
    status_code: int
    headers: dict[str, str]
    body: bytes


def fingerprint(data: Any) -> str:
    """SHA-256 of a parsed body, written as canonical JSON: the same fields and values give the same
    fingerprint whatever their order or spacing (a client's retry may serialise them afresh)."""
    if hasattr(data, "lists"):  # a QueryDict (form data): every value of every field
        data = dict(data.lists())
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_value_text)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _value_text(value: Any) -> str:
    """An uploaded file by its name and the SHA-256 of its bytes (another file of the same name is
    another body); anything else JSON cannot write by its ``repr``."""
    if hasattr(value, "chunks") and hasattr(value, "seek"):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return f"file:{getattr(value, 'name', '')}:{digest.hexdigest()}"
    return repr(value)


def lifetime() -> timedelta:
    return timedelta(seconds=settings.FOGWATCH_IDEMPOTENCY_SECONDS)


def sweep(limit: int | None = None) -> int:
    """Delete expired records (at most ``limit``), skipping rows a running request holds. Returns the
    number deleted."""
    with transaction.atomic():
        expired = IdempotencyRecord.objects.filter(expires_at__lte=timezone.now()).order_by("expires_at")
        ids = list(expired.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        if ids:
            IdempotencyRecord.objects.filter(pk__in=ids).delete()
    return len(ids)


def claim(request: Request) -> None:
    """Step 1: make sure a row exists for (user, key), committed at once (outside any transaction of
    the request's), so that a concurrent request with the key finds it."""
    now = timezone.now()
    with transaction.atomic():
        sweep(SWEEP_ON_CLAIM)  # the user's own expired row for this key included: a new one takes its place
        IdempotencyRecord.objects.bulk_create(
            [
                IdempotencyRecord(
                    user=request.user,
                    key=request.key,
                    method=request.method,
                    path=request.path,
                    fingerprint=request.fingerprint,
                    created_at=now,
                    expires_at=now + lifetime(),
                )
            ],
            ignore_conflicts=True,
        )


def peek(request: Request) -> IdempotencyRecord | None:
    """The unexpired record of (user, key), read without a lock (a running request's row included)."""
    return IdempotencyRecord.objects.filter(user=request.user, key=request.key, expires_at__gt=timezone.now()).first()


def same_request(record: IdempotencyRecord, request: Request) -> bool:
    return (record.method, record.path, record.fingerprint) == (request.method, request.path, request.fingerprint)


def locked(request: Request) -> IdempotencyRecord:
    """Step 2 (inside the request's transaction): the row of (user, key), locked until that transaction
    ends. Raises StillRunning when another request holds it. An expired row is started afresh for this
    request."""
    try:
        record = IdempotencyRecord.objects.select_for_update(nowait=True).get(user=request.user, key=request.key)
    except IdempotencyRecord.DoesNotExist:  # swept between the two steps: the client may simply try again
        raise StillRunning from None
    except OperationalError as exc:
        cause = exc.__cause__
        if LOCK_NOT_AVAILABLE in (getattr(cause, "pgcode", None), getattr(cause, "sqlstate", None)):
            raise StillRunning from None
        raise
    if record.expires_at <= timezone.now():
        start_afresh(record, request)
    return record


def start_afresh(record: IdempotencyRecord, request: Request) -> None:
    now = timezone.now()
    record.method, record.path, record.fingerprint = request.method, request.path, request.fingerprint
    record.created_at, record.expires_at = now, now + lifetime()
    record.status_code, record.headers, record.body = None, {}, b""
    record.save()


def answer(record: IdempotencyRecord) -> Answer | None:
    """The kept answer, or None while there is none (running, or its request died uncommitted)."""
    if record.status_code is None:
        return None
    return Answer(record.status_code, dict(record.headers), bytes(record.body))


def keep(record: IdempotencyRecord, kept: Answer) -> None:
    """Write the answer into the locked row, in the transaction of what the request wrote."""
    now: datetime = timezone.now()
    record.status_code, record.headers, record.body = kept.status_code, kept.headers, kept.body
    record.expires_at = now + lifetime()
    record.save(update_fields=["status_code", "headers", "body", "expires_at"])


def forget(record: IdempotencyRecord) -> None:
    """Free the key: the request failed and wrote nothing, so its key may be used again."""
    IdempotencyRecord.objects.filter(pk=record.pk).delete()
