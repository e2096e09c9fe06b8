"""Background work against the real Redis and a real Celery worker, and local HTTP servers.

The worker runs in a thread of the test process (``celery.contrib.testing.worker``), on a
Redis database of its own (``TEST_BACKGROUND_REDIS_URL``, db 14 by default), for the whole
package. Redis missing is a failure, never a skip. The only fakes are the outside world: HTTP
servers on 127.0.0.1 standing in for feeds, article pages and webhook receivers.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from config.celery import app
from core.tasks import broker_reset

REDIS_URL = os.environ.get("TEST_BACKGROUND_REDIS_URL", "redis://127.0.0.1:6379/14")
CLOSED_PORT_URL = "redis://127.0.0.1:6399/0"  # nothing listens there: "Redis is down"


def configure_celery(broker: str) -> dict[str, Any]:
    """Point the app at ``broker`` (broker and result store), not eager; returns what to restore."""
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=broker, result_backend=broker, task_always_eager=False)
    _reset_connections()
    return saved


def restore_celery(saved: dict[str, Any]) -> None:
    app.conf.update(**saved)
    _reset_connections()


def _reset_connections() -> None:
    broker_reset()
    app._pool = None  # the publishers' connection pool, built from broker_url on first use
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    if hasattr(app._local, "backend"):
        del app._local.backend


@pytest.fixture(scope="package")
def celery_redis() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc}); the background tests need it.")
    client.flushdb()  # a database of its own: stale messages of an earlier run
    saved = configure_celery(REDIS_URL)
    yield REDIS_URL
    restore_celery(saved)
    client.flushdb()


@dataclass
class TaskLog:
    """Tasks the worker ran, with the thread that ran them."""

    runs: list[tuple[str, str, Any]] = field(default_factory=list)

    def names(self) -> list[str]:
        return [name for name, _, _ in self.runs]


@pytest.fixture(scope="package")
def worker(celery_redis, django_db_setup, django_db_blocker) -> Iterator[TaskLog]:
    log = TaskLog()

    def after_task(sender=None, retval=None, **_: Any) -> None:
        log.runs.append((sender.name, threading.current_thread().name, retval))
        connections.close_all()  # the worker thread's connections must not outlive the test database

    task_postrun.connect(after_task, weak=False)
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=20):
        yield log
    task_postrun.disconnect(after_task)


@pytest.fixture
def celery_worker(worker) -> Iterator[TaskLog]:
    """The package's worker, with an empty queue and a fresh log for this test."""
    app.control.purge()
    worker.runs.clear()
    yield worker
    app.control.purge()


def wait_for(
    predicate: Callable[[], Any],
    timeout: float = 20,
    interval: float = 0.05,
    *,
    what: str | None = None,
    logs: Callable[[], str] | None = None,
) -> Any:
    """Poll until ``predicate()`` is truthy; fail with a clear message otherwise: what was awaited and,
    given ``logs``, what the processes involved said."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            awaited = what or getattr(predicate, "__name__", predicate)
            said = f"\n{logs()}" if logs else ""
            pytest.fail(f"Timed out after {timeout:g} s waiting for {awaited}{said}")
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------
# The outside world: an HTTP server on 127.0.0.1
# ---------------------------------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    declare_length: bool = True
    drip: float = 0.0  # seconds between bytes of the body: a server that never quite finishes


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class LocalServer:
    """Routes: path -> Reply, or a callable(Received) -> Reply, or a list of Replies (one per request,
    the last one repeating). Every request is recorded. Listens on ``host`` (any loopback address)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Any] = {}
        self.received: list[Received] = []
        self.sent: dict[str, int] = {}  # bytes of body written per path, for the last request there
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                got = Received(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
                with server._lock:
                    server.received.append(got)
                    route = server.routes.get(self.path.split("?")[0], Reply(404, b"not here"))
                    if isinstance(route, list):
                        route = route.pop(0) if len(route) > 1 else route[0]
                if callable(route):
                    route = route(got)
                if route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    if route.declare_length:
                        self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    if not route.drip:
                        self.wfile.write(route.body)
                        server.sent[got.path] = len(route.body)
                        return
                    server.sent[got.path] = 0
                    for i in range(len(route.body)):
                        self.wfile.write(route.body[i : i + 1])
                        self.wfile.flush()
                        server.sent[got.path] = i + 1
                        time.sleep(route.drip)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = _serve

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    scheme = "http"

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def url(self, path: str) -> str:
        return self.base + path

    def requests_to(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path.split("?")[0] == path]


@pytest.fixture(autouse=True)
def fetch_loopback(settings) -> None:
    """The test servers listen on 127.0.0.1, which production refuses to fetch."""
    settings.FOGWATCH_FETCH_ALLOW_PRIVATE = True


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    server = LocalServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def no_redis() -> Iterator[None]:
    """The embedded default: no REDIS_URL, tasks in-process (``CELERY_TASK_ALWAYS_EAGER``)."""
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url="memory://", result_backend=None, task_always_eager=True)
    _reset_connections()
    yield
    restore_celery(saved)


@pytest.fixture
def broker_down() -> Iterator[str]:
    """Celery pointed at a port where no Redis listens (the shared Redis is left running)."""
    saved = configure_celery(CLOSED_PORT_URL)
    yield CLOSED_PORT_URL
    restore_celery(saved)
