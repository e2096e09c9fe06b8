"""Recomputes too large for a request: bloc moves of many claims (a RecomputeJob run by
``claims.tasks.recompute_job``) and the periodic consistency sweep."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import Claim, RecomputeJob
from claims.selectors import affected_ids
from claims.services.recompute import _batches, auto_relations_refresh, auto_relations_refresh_all, claims_recompute
from core.tasks import enqueue

logger = logging.getLogger("claims.services")


def actors_changed(*, actor_ids: set[int], **_signal: Any) -> None:
    """Receiver of ``actors.events.actors_changed``: actors moved between blocs (or were renamed); refresh
    what depends on them."""
    claim_ids = set(
        Claim.objects.filter(
            Q(claimant_id__in=actor_ids) | Q(subject_id__in=actor_ids) | Q(spokesperson_id__in=actor_ids)
        ).values_list("pk", flat=True)
    )
    if not claim_ids:
        return
    if len(claim_ids) > settings.FOGWATCH_SYNC_RECOMPUTE_LIMIT:
        # Too many to recompute inside the request: a background job does it in batches, with
        # progress (run in-process at commit when there is no broker; see docs/background.md).
        recompute_job_start(reason=f"Bloc move of actors {sorted(actor_ids)}", claim_ids=claim_ids)
        return
    _recompute_moved(claim_ids)


def _recompute_moved(claim_ids: set[int]) -> set[int]:
    touched: set[int] = set()
    for batch in _batches(sorted(claim_ids), settings.FOGWATCH_RECOMPUTE_BATCH):
        touched |= auto_relations_refresh(batch)
    return claims_recompute(affected_ids(claim_ids | touched))


def recompute_job_start(*, reason: str, claim_ids: Iterable[int]) -> RecomputeJob:
    """Record a recompute job and queue its task when the transaction commits."""
    ids = sorted(set(claim_ids))
    job = RecomputeJob.objects.create(reason=reason[:200], claim_ids=ids, total=len(ids))
    enqueue("claims.tasks.recompute_job", job.pk)  # by name: tasks import services
    return job


def _job_progress(job: RecomputeJob, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    RecomputeJob.objects.filter(pk=job.pk).update(**fields)


def recompute_job_run(*, job_id: int) -> RecomputeJob:
    """Run a queued recompute job: refresh automatic relations of its claims, then recompute
    every affected claim, one transaction per batch, recording progress. A finished job is
    left alone, so running it twice changes nothing more."""
    job = RecomputeJob.objects.using("default").get(pk=job_id)  # the primary: a replica may lag the commit
    if job.state == RecomputeJob.State.DONE:
        return job
    _job_progress(job, state=RecomputeJob.State.RUNNING, started_at=timezone.now(), done=0, changed=0, error="")
    try:
        ids = set(job.claim_ids)
        touched: set[int] = set()
        for batch in _batches(sorted(ids), settings.FOGWATCH_RECOMPUTE_BATCH):
            with transaction.atomic():
                touched |= auto_relations_refresh(batch)
        with transaction.atomic():  # read on the primary
            targets = sorted(affected_ids(ids | touched))
        _job_progress(job, total=len(targets))
        changed = 0
        for batch in _batches(targets, settings.FOGWATCH_RECOMPUTE_BATCH):
            with transaction.atomic():
                changed += len(claims_recompute(batch))
            _job_progress(job, done=job.done + len(batch), changed=changed)
    except Exception as exc:
        _job_progress(job, state=RecomputeJob.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        raise
    _job_progress(job, state=RecomputeJob.State.DONE, finished_at=timezone.now())
    return job


def claims_sweep() -> RecomputeJob:
    """The consistency sweep: refresh every automatic relation, recompute every claim and record
    (in a RecomputeJob) the claims whose stored flags had drifted. Jobs still queued when it
    starts (their task was lost, e.g. Redis was down) are covered by it and marked done."""
    leftover = list(RecomputeJob.objects.filter(state=RecomputeJob.State.QUEUED).values_list("pk", flat=True))
    job = RecomputeJob.objects.create(reason="Consistency sweep", state=RecomputeJob.State.RUNNING)
    _job_progress(job, started_at=timezone.now())
    try:
        with transaction.atomic():
            auto_relations_refresh_all()
        all_ids = list(Claim.objects.values_list("pk", flat=True).order_by("pk"))
        _job_progress(job, total=len(all_ids))
        drifted: set[int] = set()
        for batch in _batches(all_ids, settings.FOGWATCH_RECOMPUTE_BATCH):
            with transaction.atomic():
                drifted |= claims_recompute(batch)
            _job_progress(job, done=job.done + len(batch), changed=len(drifted))
    except Exception as exc:
        _job_progress(job, state=RecomputeJob.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        raise
    if drifted:
        logger.warning("Consistency sweep: %d claims had drifted: %s", len(drifted), sorted(drifted)[:50])
    _job_progress(job, drifted=sorted(drifted), state=RecomputeJob.State.DONE, finished_at=timezone.now())
    if leftover:
        RecomputeJob.objects.filter(pk__in=leftover, state=RecomputeJob.State.QUEUED).update(
            state=RecomputeJob.State.DONE, finished_at=timezone.now(), error=f"Covered by consistency sweep #{job.pk}."
        )
    return job
