"""Celery tasks of the import jobs: run one (or take it up again), and the sweep that queues again the
jobs whose worker was lost. Each takes ids, calls a service and returns a short summary; running one
twice changes nothing more."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.signals import worker_ready

from core.tasks import TASK_OPTIONS, WORKER_BOOT, runner_name
from interchange import services

logger = logging.getLogger("fogwatch.tasks")


@shared_task(bind=True, **TASK_OPTIONS)
def import_job(self, job_id: int) -> dict:
    """Run an ImportJob in batches, recording progress; resume one whose worker was lost; leave alone one
    that is done or running under a live worker."""
    job = services.import_job_run(job_id=job_id, runner=runner_name(self.request.hostname))
    return {"job": job.pk, "state": job.state, "rows": job.rows_done, "made": job.made, "faulty": job.faulty}


@shared_task(**TASK_OPTIONS)
def import_jobs_sweep(restarted: str = "", boot: str = "", recheck: bool = False) -> dict:
    """Periodic (FOGWATCH_JOBS_SWEEP_INTERVAL) and when a worker starts: queue again the import jobs
    whose worker was lost. With ``recheck`` (a worker starting), one more look when the running jobs
    that still look alive would go stale."""
    summary = services.import_jobs_sweep(restarted=restarted, boot=boot)
    if recheck and summary["next_check"] is not None:
        try:
            import_jobs_sweep.apply_async(countdown=summary["next_check"], retry=False)
        except Exception as exc:  # the beat's sweep catches up
            logger.warning("Could not queue the import jobs sweep's second look: %s", exc)
    return summary


@worker_ready.connect(dispatch_uid="interchange.tasks.worker_started")
def worker_started(sender: Any = None, **_: Any) -> None:
    """A worker is ready: take up at once the import jobs its earlier self (same name) was running."""
    hostname = getattr(sender, "hostname", "") or ""
    try:
        import_jobs_sweep.apply_async(kwargs={"restarted": hostname, "boot": WORKER_BOOT, "recheck": True}, retry=False)
    except Exception as exc:  # never stop a worker from starting; the beat's sweep catches up
        logger.warning("Could not queue the import jobs sweep at worker start: %s", exc)
