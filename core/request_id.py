"""The request id: one id per request, on every log line of it, in its ``X-Request-ID`` response
header, and on the tasks it queues.

django-guid holds the id (a context variable, so it follows the request into async views, into
``sync_to_async`` threads and into the tasks run in-process) and its middleware sets it and returns
it in the response header. Around it, ours:

- ``RequestIdHeaderCheck`` (before django-guid's middleware): an incoming ``X-Request-ID`` (a proxy's
  or a client's) is taken only when it looks like an id: 8 to 128 letters, digits, ``-``, ``_``,
  ``.`` or ``:`` (a UUID, nginx's ``$request_id``, a load balancer's trace id). Anything else (too
  long, quotes, spaces, control characters: text meant to forge or break log lines) is dropped and a
  new id is made. django-guid's own check (``VALIDATE_GUID``) accepts only UUIDs, but any number of
  dashes among their digits, so it bounds neither the length nor the look.
- ``AccessLog``: one line per request (logger ``fogwatch.request``: method, path, status, duration,
  user id), which is what ties a request id a user reports to what happened. Healthy answers of the
  health endpoints, probed every few seconds, are logged at DEBUG only.
- Tasks: a task queued from a request carries the id in a message header (``fogwatch_request_id``)
  and the worker runs it under that id; a task with none (beat's) gets an id of its own. A task run
  in-process (no broker, or a broker down) runs under the request's id and leaves it as it was.
  django-guid's Celery integration is not used: on a task run in-process it would make up a new id
  and then clear the request's, which a later log line and the response header would miss.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty
from django_guid import get_guid, set_guid
from django_guid.utils import generate_guid

logger = logging.getLogger("fogwatch.request")

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
TASK_HEADER = "fogwatch_request_id"
ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{8,128}")
QUIET_WHEN_HEALTHY = {"health", "health-ready"}


def acceptable(value: str | None) -> bool:
    return value is not None and ACCEPTED.fullmatch(value) is not None


class RequestIdHeaderCheck:
    """Drops an incoming ``X-Request-ID`` that does not look like an id, so django-guid makes one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get(META_KEY)
        if given is not None and not acceptable(given):
            del request.META[META_KEY]
            request.__dict__.pop("headers", None)  # in case anything read them already
        return self.get_response(request)


class AccessLog:
    """One log line per request, with the request id (the log filter adds it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        quiet = match is not None and match.url_name in QUIET_WHEN_HEALTHY and response.status_code == 200
        logger.log(
            logging.DEBUG if quiet else logging.INFO,
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user": _user_id(request),
            },
        )
        return response


def _user_id(request: HttpRequest) -> int | None:
    """The logged-in user's id, when the request has read its user already (no session lookup is made
    for the log's sake: ``request.user`` is lazy until something reads it)."""
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


# --- Tasks -----------------------------------------------------------------------------------


@before_task_publish.connect(dispatch_uid="core.request_id.publish")
def _publish(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = get_guid()
    if request_id and headers is not None:
        headers[TASK_HEADER] = request_id


@task_prerun.connect(dispatch_uid="core.request_id.prerun")
def _prerun(task: Any = None, **_: Any) -> None:
    if task is None:
        return
    previous = get_guid()
    # A worker: the header the request put on the message. In-process: the request's own id.
    request_id = task.request.get(TASK_HEADER) or previous or generate_guid()
    task.request.fogwatch_previous_request_id = previous
    if request_id != previous:
        set_guid(request_id)


@task_postrun.connect(dispatch_uid="core.request_id.postrun")
def _postrun(task: Any = None, **_: Any) -> None:
    if task is None:
        return
    previous = task.request.get("fogwatch_previous_request_id")
    if get_guid() != previous:
        set_guid(previous)
