"""Queueing tasks from the write path: on commit, never raising to the user.

``enqueue(task, *args)`` sends the task when the surrounding transaction commits (at once
outside one). What happens then:

- Redis configured and reachable: the task goes to the broker; a worker runs it.
- Redis configured but unreachable: the failure is logged. A task marked ``fogwatch_inline``
  (recomputes: flags must be right when the write returns) runs here and now; any other
  (feeds, archiving, webhooks) is left to its periodic sweep, which catches it up. For
  ``BROKER_RETRY_AFTER`` seconds after a failure the broker is not tried again, so a write
  queueing many tasks pays for one failed attempt, not one per task.
- No Redis (the embedded default, ``CELERY_TASK_ALWAYS_EAGER``): recomputes run here and now;
  network tasks run in a small thread pool after the write returns, so no request waits on
  the network. Their failures are recorded and logged, never raised.
"""

from __future__ import annotations

import contextvars
import logging
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError, close_old_connections, connections, transaction

logger = logging.getLogger("fogwatch.tasks")

# Errors worth retrying: the database or the network hiccupped.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, ConnectionError, TimeoutError)

# Options shared by every Fogwatch task: acknowledge after running (a worker lost mid-task
# leaves it queued), retry transient errors with exponential backoff and jitter.
TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}

# Tasks read what they act on from the primary: a read replica (DATABASE_REPLICA_URL) may not yet
# have the commit that queued them.
PRIMARY = "default"

# After a failed publish, stop trying the broker for this long: a write that queues many tasks
# (an import, a bloc move's webhook events) then costs one failed attempt, not one per task.
BROKER_RETRY_AFTER = 30.0
_broker_down_until = 0.0

# This process's start: a worker started again under the same name (a restart) tells the jobs its
# earlier self was running from its own by it (claims.tasks.worker_started). Made at import, before
# a prefork worker forks its children, so they share it.
WORKER_BOOT = uuid.uuid4().hex[:12]


def runner_name(hostname: str | None = None) -> str:
    """Who runs a job: the worker's name (``celery@host``; a task's ``request.hostname``), this
    process's start, and a lease of its own (two runs never share one)."""
    node = hostname or f"in-process@{socket.gethostname()}"
    return f"{node} {WORKER_BOOT} {uuid.uuid4().hex[:8]}"


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _background() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="fogwatch-task")
        return _executor


def task_named(task: Task | str) -> Task:
    """The task itself, given it or its dotted path (``"claims.tasks.recompute_job"``): services name
    the tasks they queue, so a tasks module may import its services without an import circle."""
    if not isinstance(task, str):
        return task
    module, _, name = task.rpartition(".")
    return getattr(import_module(module), name)


def enqueue(task: Task | str, *args: Any) -> None:
    """Queue ``task(*args)`` once the current transaction commits. Never raises."""
    transaction.on_commit(lambda: send(task, *args), robust=True)


def send(task: Task | str, *args: Any) -> bool:
    """Send ``task(*args)`` now (see the module docstring). True when it was queued or run."""
    task = task_named(task)
    inline = getattr(task, "fogwatch_inline", False)
    if task.app.conf.task_always_eager:
        if inline:
            return run_here(task, *args)
        # The thread runs the task under the request's context: its id (core/request_id.py) goes along.
        _background().submit(contextvars.copy_context().run, _run_in_thread, task, args)
        return True
    global _broker_down_until
    level = logging.WARNING
    if time.monotonic() < _broker_down_until:
        problem = "it failed moments ago"
    else:
        try:
            task.apply_async(args, retry=False, ignore_result=True)
            return True
        except Exception as exc:  # the broker's and the result store's errors vary by transport
            _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER
            problem, level = str(exc), logging.ERROR
    if inline:
        logger.log(level, "Broker unreachable, running %s%r in-process instead: %s", task.name, args, problem)
        return run_here(task, *args)
    logger.log(level, "Broker unreachable, %s%r not queued (a sweep will catch up): %s", task.name, args, problem)
    return False


def broker_reset() -> None:
    """Forget a recent broker failure (the next send tries the broker again)."""
    global _broker_down_until
    _broker_down_until = 0.0


def run_here(task: Task, *args: Any) -> bool:
    """Run a task in this process, logging (not raising) its failure."""
    try:
        result = task.apply(args, throw=False)
    except Exception:  # never raise to the user
        logger.exception("Task %s%r failed in-process", task.name, args)
        return False
    if result.failed():
        logger.error("Task %s%r failed in-process: %r", task.name, args, result.result)
        return False
    return True


def _run_in_thread(task: Task, args: tuple[Any, ...]) -> None:
    close_old_connections()
    try:
        run_here(task, *args)
    finally:
        connections.close_all()


@shared_task(**TASK_OPTIONS)
def idempotency_sweep() -> dict:
    """Periodic: delete the kept answers of Idempotency-Keys past FOGWATCH_IDEMPOTENCY_SECONDS
    (core/idempotency.py; each new key also deletes up to 100 on its way)."""
    from core.idempotency import sweep  # the models are not imported with this module: it loads early

    total = 0
    while True:
        deleted = sweep(1000)
        total += deleted
        if deleted < 1000:
            return {"deleted": total}
