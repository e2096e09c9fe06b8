"""Leases of background jobs (recompute jobs, import jobs): a worker takes a job with one
conditional UPDATE naming itself, records that it is alive (a heartbeat thread, and each batch's
progress), and a job silent for ``FOGWATCH_JOB_STALE_SECONDS`` is stuck: taken up again by a sweep
or by another worker, from its last committed batch (docs/background.md).

Any job model with ``state`` (``queued``, ``running``, …), ``runner``, ``heartbeat_at``, ``runs`` and
``started_at`` fits.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.tasks import PRIMARY

logger = logging.getLogger("core.leases")

RUNNING = "running"


class JobTakenOver(Exception):
    """The job is no longer this runner's (another took it up after it looked stuck, or it was
    lost). The batch in hand is rolled back; the other runner carries on from the last commit."""


def stale_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(seconds=settings.FOGWATCH_JOB_STALE_SECONDS)


def stuck(now: datetime | None = None) -> Q:
    """Running, and its runner silent too long (or known gone: no heartbeat)."""
    return Q(state=RUNNING) & (Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale_before(now)))


def take(model: type[Any], job_id: int, runner: str, takeable: Q, *, where: Q | None = None, **fields: Any) -> bool:
    """Take the job up for ``runner`` when it is ``takeable`` or stuck (and matches ``where``), setting
    ``fields`` too. One conditional update, so of two workers trying at once exactly one gets it."""
    now = timezone.now()
    return bool(
        model.objects.using(PRIMARY)
        .filter(takeable | stuck(now), where or Q(), pk=job_id)
        .update(
            state=RUNNING,
            runner=runner,
            heartbeat_at=now,
            runs=F("runs") + 1,
            started_at=Coalesce(F("started_at"), Value(now, output_field=DateTimeField())),
            **fields,
        )
    )


def advance(model: type[Any], job_id: int, runner: str, **fields: Any) -> None:
    """Record progress (and that the runner is alive) if the job is still this runner's; inside a
    batch's transaction, so the batch commits only with it. Raises JobTakenOver otherwise."""
    updated = (
        model.objects.using(PRIMARY)
        .filter(pk=job_id, runner=runner, state=RUNNING)
        .update(heartbeat_at=timezone.now(), **fields)
    )
    if not updated:
        raise JobTakenOver(f"{model._meta.verbose_name.capitalize()} #{job_id} is no longer run by {runner}")


class Heartbeat:
    """While a job runs, a thread records every ``FOGWATCH_JOB_HEARTBEAT_SECONDS`` that its runner is
    alive, however long a batch takes; it stops when the job is no longer the runner's. Not started
    inside an outer transaction (the job's rows would not be visible to the thread's connection)."""

    def __init__(self, job_id: int, runner: str, model: type[Any]) -> None:
        self.job_id, self.runner, self.model = job_id, runner, model
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        if not transaction.get_connection(PRIMARY).in_atomic_block:
            self._thread = threading.Thread(target=self._beat, name=f"job-{self.job_id}-heartbeat", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=settings.FOGWATCH_JOB_HEARTBEAT_SECONDS + 5)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(settings.FOGWATCH_JOB_HEARTBEAT_SECONDS):
                try:
                    alive = (
                        self.model.objects.using(PRIMARY)
                        .filter(pk=self.job_id, runner=self.runner, state=RUNNING)
                        .update(heartbeat_at=timezone.now())
                    )
                except DatabaseError as exc:  # the next beat tries again; the batch's own update decides
                    logger.warning("%s #%s: heartbeat not recorded: %s", self.model.__name__, self.job_id, exc)
                    continue
                if not alive:
                    return
        finally:
            connections.close_all()  # this thread's connections only
