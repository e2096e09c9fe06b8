"""Celery tasks of the claims app: background recomputes, the consistency sweep and the jobs sweep.
Each takes ids, calls a service and returns a short summary; running one twice changes nothing more."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.signals import worker_ready

from claims import services
from core.tasks import TASK_OPTIONS, WORKER_BOOT, runner_name

logger = logging.getLogger("fogwatch.tasks")


@shared_task(bind=True, **TASK_OPTIONS)
def recompute_job(self, job_id: int) -> dict:
    """Run a RecomputeJob (a large bloc move) in batches, recording progress; resume one whose worker
    was lost; leave alone one that is done or running under a live worker."""
    job = services.recompute_job_run(job_id=job_id, runner=runner_name(self.request.hostname))
    return {"job": job.pk, "state": job.state, "done": job.done, "total": job.total, "changed": job.changed}


# Flags must be right when a write returns: with the broker unreachable, run it in-process.
recompute_job.fogwatch_inline = True


@shared_task(bind=True, **TASK_OPTIONS)
def consistency_sweep(self) -> dict:
    """Periodic: recompute every claim; the RecomputeJob lists the claims that had drifted."""
    job = services.claims_sweep(runner=runner_name(self.request.hostname))
    return {"job": job.pk, "claims": job.total, "drifted": len(job.drifted)}


@shared_task(**TASK_OPTIONS)
def jobs_sweep(restarted: str = "", boot: str = "", recheck: bool = False) -> dict:
    """Periodic (FOGWATCH_JOBS_SWEEP_INTERVAL) and when a worker starts: queue again the recompute
    jobs whose worker was lost. With ``recheck`` (a worker starting), one more look when the running
    jobs that still look alive would go stale, so a job lost just before the start is taken up
    then rather than at the next beat."""
    summary = services.jobs_sweep(restarted=restarted, boot=boot)
    if recheck and summary["next_check"] is not None:
        try:
            jobs_sweep.apply_async(countdown=summary["next_check"], retry=False)
        except Exception as exc:  # the beat's sweep catches up
            logger.warning("Could not queue the jobs sweep's second look: %s", exc)
    return summary


@worker_ready.connect(dispatch_uid="claims.tasks.worker_started")
def worker_started(sender: Any = None, **_: Any) -> None:
    """A worker is ready: take up at once the jobs its earlier self (same name, another start) was
    running, and look again at the others when they would go stale."""
    hostname = getattr(sender, "hostname", "") or ""
    try:
        jobs_sweep.apply_async(kwargs={"restarted": hostname, "boot": WORKER_BOOT, "recheck": True}, retry=False)
    except Exception as exc:  # never stop a worker from starting; the beat's sweep catches up
        logger.warning("Could not queue the jobs sweep at worker start: %s", exc)
