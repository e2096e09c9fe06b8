"""The health endpoints: is this Fogwatch able to serve, and if not, what is missing.

``/health/`` runs every check: the database (and the read replica when there is one), the cache, the
broker, the migrations. ``/health/ready/`` runs only what a web container cannot serve without (the
database and the migrations): with Redis down the pages and the API keep answering (the cache is a
miss, recomputes run in-process, docs/background.md), so a load balancer or an orchestrator that
drains or restarts unhealthy containers probes that one, and does not turn a degraded site into a
down one (docs/deployment.md).

Both answer 200 when every check passes and 503 when one fails; JSON (``?format=json`` or
``Accept: application/json``, and for clients that accept anything), plain text or a page. Everyone
may ask, whatever ``FOGWATCH_PUBLIC_READ`` says (core/access.py): docker compose and load balancers
carry no login. Anonymous clients read the verdict only (``{"status": "ok"}``); which check failed and
why (an error may name a host, a port or a database) is for staff users, for ``manage.py
health_check health --no-http`` inside a container, and for the log (logger ``health_check``).

The checks are django-health-check's: its ``Database``, and checks of ours on its ``HealthCheck``.
Those that touch the database run on the request's own thread (``sync_to_async(thread_sensitive=True)``),
on the request's connection, as a view would.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import logging
import uuid
from collections.abc import Iterator
from typing import Any

from asgiref.sync import sync_to_async
from celery import current_app
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from health_check import checks
from health_check.base import HealthCheck, HealthCheckResult
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView, MediaType

from core.access import may_see_health

logger = logging.getLogger("fogwatch.health")

# A probe gives up on a check after this long (the library waits one second more for a check's own
# client to report first); docker compose's probe waits 5 s for the whole answer.
CHECK_TIMEOUT = datetime.timedelta(seconds=3)


@dataclasses.dataclass(repr=False)
class Database(checks.Database):
    """``SELECT 1`` on a database (django-health-check's check), on the request's thread."""

    timeout = CHECK_TIMEOUT

    def __repr__(self) -> str:
        return "database" if self.alias == "default" else f"database ({self.alias})"

    async def run(self) -> None:
        await sync_to_async(super().run, thread_sensitive=True)()


@dataclasses.dataclass(repr=False)
class Cache(HealthCheck):
    """A value written to the cache is read back. Redis is asked directly first: the cache itself
    turns an unreachable Redis into a miss (core/cache.py), which would hide why."""

    alias: str = "default"
    timeout = CHECK_TIMEOUT

    def __repr__(self) -> str:
        return "cache"

    async def run(self) -> None:
        await sync_to_async(self._probe, thread_sensitive=True)()

    def _probe(self) -> None:
        cache = caches[self.alias]
        if isinstance(cache, RedisCache):
            try:
                # Django's own client of that Redis (a private attribute: the cache's public calls hide errors)
                cache._cache.get_client(write=True).ping()  # type: ignore[attr-defined]
            except Exception as error:  # redis-py's connection and timeout errors, and OSErrors
                raise ServiceUnavailable(f"Redis did not answer: {error}") from error
        key, value = f"fogwatch:health:{uuid.uuid4().hex}", uuid.uuid4().hex
        cache.set(key, value, timeout=10)
        if cache.get(key) != value:
            raise ServiceUnavailable("a value written to the cache could not be read back")
        cache.delete(key)


@dataclasses.dataclass(repr=False)
class Broker(HealthCheck):
    """The Celery broker takes a connection. Without one (no ``REDIS_URL``: the embedded default)
    tasks run in the web process, and there is nothing to fail: the check passes and says so."""

    timeout = CHECK_TIMEOUT
    note: str = dataclasses.field(default="", init=False)

    def __repr__(self) -> str:
        return "broker"

    async def run(self) -> None:
        await sync_to_async(self._probe, thread_sensitive=False)()

    def _probe(self) -> None:
        app = current_app
        if app.conf.task_always_eager:
            self.note = "no broker: tasks run in-process"
            return
        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, interval_start=0, timeout=CHECK_TIMEOUT.total_seconds())
        except Exception as error:  # kombu's OperationalError and the transports' own
            raise ServiceUnavailable(f"the broker did not answer: {error}") from error


@dataclasses.dataclass(repr=False)
class Migrations(HealthCheck):
    """Every migration in the code is applied to the database (unapplied: the code expects tables or
    columns that are not there yet; the compose file's ``migrate`` service had not run or failed)."""

    alias: str = "default"
    timeout = CHECK_TIMEOUT

    def __repr__(self) -> str:
        return "migrations"

    async def run(self) -> None:
        await sync_to_async(self._probe, thread_sensitive=True)()

    def _probe(self) -> None:
        try:
            executor = MigrationExecutor(connections[self.alias])
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as error:
            raise ServiceUnavailable(f"the applied migrations could not be read: {error}") from error
        if plan:
            names = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            raise ServiceUnavailable(f"{len(names)} migration(s) not applied: {shown} (run manage.py migrate)")


def all_checks() -> Iterator[HealthCheck]:
    yield Database()
    if "replica" in settings.DATABASES:
        yield Database(alias="replica")
    yield Cache()
    yield Broker()
    yield Migrations()


def ready_checks() -> Iterator[HealthCheck]:
    yield Database()
    yield Migrations()


class HealthView(HealthCheckView):
    """django-health-check's view, answering 503 (not 500) when a check fails, and details to staff only."""

    template_name = "health.html"
    which = "all"  # or "ready"
    formats = ("json", "text", "html")  # ?format=
    accepts = {  # or the Accept header; JSON for clients that take anything
        "application/json": "json",
        "application/*": "json",
        "text/plain": "text",
        "text/*": "text",
        "text/html": "html",
        "application/xhtml+xml": "html",
        "*/*": "json",
    }

    def get_checks(self) -> Iterator[HealthCheck]:
        return ready_checks() if self.which == "ready" else all_checks()

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        results = await asyncio.gather(*(check.get_result() for check in self.get_checks()))
        healthy = not any(result.error for result in results)
        for result in results:
            if result.error is not None:
                logger.warning("Health check %r failing: %s", result.check, result.error)
        report: dict[str, Any] = {"status": "ok" if healthy else "unavailable"}
        if may_see_health(await request.auser()):
            report["checks"] = {repr(result.check): described(result) for result in results}
        status = 200 if healthy else 503
        chosen = self.chosen_format(request)
        response: HttpResponse
        if chosen == "text":
            response = HttpResponse(as_text(report), status=status, content_type="text/plain; charset=utf-8")
        elif chosen == "html":
            response = TemplateResponse(request, self.template_name, {"report": report}, status=status)
        else:
            response = JsonResponse(report, status=status)
        # Said once above, one line per failing check: not again by Django as an ERROR for every probe
        # (every few seconds, from every probe, each one an error report when Sentry is on).
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response

    def chosen_format(self, request: HttpRequest) -> str:
        asked = request.GET.get("format")
        if asked is not None and asked in self.formats:
            return asked
        try:
            for media in MediaType.parse_header(request.headers.get("accept") or "*/*"):
                if media.mime_type in self.accepts and media.weight > 0:
                    return self.accepts[media.mime_type]
        except ValueError:  # a malformed Accept header: answer anyway, a probe must never get a 4xx
            pass
        return "json"


def described(result: HealthCheckResult) -> dict[str, Any]:
    entry: dict[str, Any] = {"ok": result.error is None, "seconds": round(result.time_taken, 3)}
    if result.error is not None:
        entry["error"] = str(result.error)
    elif note := getattr(result.check, "note", ""):
        entry["note"] = note
    return entry


def as_text(report: dict[str, Any]) -> str:
    lines = [report["status"]]
    for name, entry in report.get("checks", {}).items():
        said = entry.get("error") or entry.get("note") or ""
        lines.append(f"{name}: {'ok' if entry['ok'] else 'FAILING'}{f' ({said})' if said else ''}")
    return "\n".join(lines) + "\n"
