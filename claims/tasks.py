"""Celery tasks of the claims app: background recomputes and the consistency sweep. Each takes ids,
calls a service and returns a short summary; running one twice changes nothing more."""

from __future__ import annotations

from celery import shared_task

from claims import services
from core.tasks import TASK_OPTIONS


@shared_task(**TASK_OPTIONS)
def recompute_job(job_id: int) -> dict:
    """Run a RecomputeJob (a large bloc move) in batches, recording progress."""
    job = services.recompute_job_run(job_id=job_id)
    return {"job": job.pk, "state": job.state, "done": job.done, "total": job.total, "changed": job.changed}


# Flags must be right when a write returns: with the broker unreachable, run it in-process.
recompute_job.fogwatch_inline = True


@shared_task(**TASK_OPTIONS)
def consistency_sweep() -> dict:
    """Periodic: recompute every claim; the RecomputeJob lists the claims that had drifted."""
    job = services.claims_sweep()
    return {"job": job.pk, "claims": job.total, "drifted": len(job.drifted)}
