"""The periodic tasks without a broker: ``CELERY_BEAT_SCHEDULE`` run in the serving process.

With Redis, celery beat sends the periodic tasks (feeds, the archive, webhook and consistency sweeps)
to the workers. Without it (the embedded default, ``make run``) nothing would, so the server runs them
itself: an APScheduler ``BackgroundScheduler`` (a daemon thread, so it stops with the server) with
one interval job per ``CELERY_BEAT_SCHEDULE`` entry, the same entries and intervals beat uses.

- Started once, and only where it is wanted (``wanted``): ``FOGWATCH_EMBEDDED_SCHEDULE`` on, no broker
  (``CELERY_TASK_ALWAYS_EAGER``: tasks run in-process), and this process serves requests:
  ``runserver``'s child (``RUN_MAIN``, the process the autoreloader restarts) or ``runserver
  --noreload``; never its reloader, ``migrate``, ``shell``, the tests or a worker.
  ``manage.py run_schedule`` runs the same schedule in a process of its own (a server other than
  ``runserver``, still without a broker).
- Each run calls the task in-process, as a worker would (``core.tasks.run_here``): an error is logged
  (``fogwatch.schedule``, and ``fogwatch.tasks`` by the task) and the next run happens on time. A job's
  runs never overlap (``max_instances=1``); runs missed while one was busy are made up once, not
  one by one (``coalesce``). The tasks write through the same services as requests, so SQLite's
  write lock (WAL, IMMEDIATE transactions) orders them with the requests' writes.
- A job's first run is one interval after start, as with beat.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from django.conf import settings
from django.db import close_old_connections, connections

from core.tasks import run_here, task_named

logger = logging.getLogger("fogwatch.schedule")

_lock = threading.Lock()
_scheduler: BaseScheduler | None = None


def interval_seconds(schedule: Any) -> float | None:
    """A beat entry's schedule in seconds: a number, a ``timedelta`` or Celery's ``schedule(run_every=…)``;
    None for what an interval cannot say (a crontab)."""
    if isinstance(schedule, int | float):
        return float(schedule)
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    run_every = getattr(schedule, "run_every", None)
    return run_every.total_seconds() if isinstance(run_every, timedelta) else None


def run_entry(name: str, task_path: str) -> None:
    """One run of a beat entry, in-process; never raises (the scheduler's next run must happen)."""
    try:
        close_old_connections()
        if run_here(task_named(task_path)):
            logger.info("Scheduled %s (%s) ran", name, task_path)
        else:
            logger.error("Scheduled %s (%s) failed; it runs again at its next interval", name, task_path)
    except Exception:  # an unknown task name, an import error: logged, the schedule goes on
        logger.exception("Scheduled %s (%s) could not run; it runs again at its next interval", name, task_path)
    finally:
        connections.close_all()  # this thread's connections, not the requests'


def add_jobs(scheduler: BaseScheduler) -> list[str]:
    """One interval job per ``CELERY_BEAT_SCHEDULE`` entry; the names added."""
    added = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        seconds = interval_seconds(entry["schedule"])
        if not seconds or seconds <= 0:
            logger.warning("Schedule %s is not an interval (%r): not run without celery beat", name, entry["schedule"])
            continue
        scheduler.add_job(
            run_entry,
            "interval",
            seconds=seconds,
            args=[name, entry["task"]],
            id=name,
            name=f"{name}: {entry['task']}",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,  # late (the process was busy or asleep) is still worth a run
        )
        added.append(name)
    return added


def build(blocking: bool = False) -> BaseScheduler:
    # One job at a time would let a long consistency sweep hold back a feed pull; the network work
    # itself runs in core.tasks' own thread pool, so two threads are enough.
    executors = {"default": {"type": "threadpool", "max_workers": 2}}
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = scheduler_class(executors=executors, timezone=settings.TIME_ZONE)
    add_jobs(scheduler)
    return scheduler


def serving(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> bool:
    """Whether this process is the one ``runserver`` serves requests from."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ  # type: ignore[assignment]
    if len(argv) < 2 or argv[1] != "runserver":
        return False
    return environ.get("RUN_MAIN") == "true" or "--noreload" in argv


def wanted(argv: list[str] | None = None, environ: dict[str, str] | None = None) -> bool:
    return settings.FOGWATCH_EMBEDDED_SCHEDULE and bool(settings.CELERY_TASK_ALWAYS_EAGER) and serving(argv, environ)


def start() -> BaseScheduler | None:
    """Start the background schedule once per process; the scheduler, or None if it was running already."""
    global _scheduler
    with _lock:
        if _scheduler is not None:
            return None
        _scheduler = build()
        _scheduler.start()
    jobs = ", ".join(f"{job.id} every {job.trigger.interval.total_seconds():g} s" for job in _scheduler.get_jobs())
    logger.info("Embedded schedule started in process %s (no broker): %s", os.getpid(), jobs)
    return _scheduler


def stop() -> None:
    global _scheduler
    with _lock:
        if _scheduler is not None and _scheduler.running:
            _scheduler.shutdown(wait=False)
        _scheduler = None
