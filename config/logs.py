"""Logging: one line per record on standard error, as JSON or as text (``FOGWATCH_LOG_FORMAT``), each
with the request id of the request or task it belongs to (core/request_id.py).

A JSON line (python-json-logger)::

    {"level": "INFO", "logger": "fogwatch.request", "message": "GET /claims/ 200", "request_id": "7f0c…",
     "method": "GET", "path": "/claims/", "status": 200, "duration_ms": 41.2, "user": null,
     "time": "2026-11-30T10:00:00.123456+00:00"}

Fields: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, ``request_id`` (null outside a
request or task), what the call passed as ``extra`` (the access line's ``method``, ``path``, ``status``,
``duration_ms``, ``user``; ``status_code`` on Django's ``django.request`` lines), ``task`` and
``task_id`` inside a Celery task, and ``exc_info`` (the traceback) when there is one. A text line::

    2026-11-30 10:00:00,123 INFO fogwatch.request [7f0c…] GET /claims/ 200

The web processes (Django applies ``LOGGING``) and the Celery worker and beat (config/celery.py hands
Celery the same ``LOGGING``) write the same lines. Logger names are the modules' own
(``fogwatch.tasks``, ``fogwatch.cache``, ``fogwatch.http``, ``sources.feeds`` …), unchanged.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_task
from django_guid import get_guid
from pythonjsonlogger.core import RESERVED_ATTRS

FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# Record attributes left out of JSON lines: Django hangs the request object (and runserver a formatted
# time) on some records; the request id and the status already say what matters of them.
NOT_IN_JSON = [*RESERVED_ATTRS, "request", "server_time", "color_message"]


class RequestIdFilter(logging.Filter):
    """Puts the request id (``request_id``) on every record, ``missing`` outside a request or task,
    and the task's name and id (``task``, ``task_id``) inside a Celery task."""

    def __init__(self, missing: str | None = None) -> None:
        super().__init__()
        self.missing = missing

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = get_guid() or self.missing
        task = current_task
        if task and getattr(task.request, "id", None) and not hasattr(record, "task_id"):
            record.task = task.name
            record.task_id = task.request.id
        return True


def logging_config(log_format: str = "text", level: str = "INFO") -> dict[str, Any]:
    """The ``LOGGING`` dict: every record to standard error in ``log_format`` ("json" or "text")."""
    if log_format not in FORMATS:
        raise ValueError(f"FOGWATCH_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}")
    if log_format == "json":
        formatter: dict[str, Any] = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message", "request_id"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "reserved_attrs": NOT_IN_JSON,
            "timestamp": "time",
        }
    else:
        formatter = {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "config.logs.RequestIdFilter", "missing": None if log_format == "json" else "-"}
        },
        "formatters": {"default": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "default", "filters": ["request_id"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # django-health-check logs each failing check with its traceback, at every probe: core/health.py
            # says it in one line (fogwatch.health); an unexpected error in a check is still logged.
            "health_check": {"level": "ERROR"},
            # django-guid says at INFO that each request had (or had not) an id: the access line says enough.
            "django_guid": {"level": "WARNING"},
            # runserver's own request lines (make run): the access line (fogwatch.request) replaces them;
            # its warnings and errors (4xx, 5xx) stay, in the same format as everything else.
            "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        },
    }
