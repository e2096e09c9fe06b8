"""Shared by the benchmark's stages: the checkout's root, progress on stdout, commands run under a
stage, one HTTP request on loopback, and the environment of Fogwatch's ``manage.py`` and gunicorn.
"""

from __future__ import annotations

import http.client
import json
import os
import shlex
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

SECRET_KEY = "fogwatch-bench-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"


def say(message: str = "") -> None:
    print(message, flush=True)


@contextmanager
def stage(name: str):
    say(f"==> {name}")
    started = time.monotonic()
    try:
        yield
    except BaseException:
        say(f"<== {name}: failed after {time.monotonic() - started:.1f}s")
        raise
    say(f"<== {name}: {time.monotonic() - started:.1f}s")


def run_streamed(command: list[str], env: dict[str, str], *, timeout: float | None = None) -> None:
    """Run a command, its output indented under the current stage; fail on a non-zero exit."""
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    deadline = time.monotonic() + timeout if timeout else None
    assert process.stdout is not None
    for line in process.stdout:
        say(f"    {line.rstrip()}")
        if deadline and time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"timed out: {shlex.join(command)}")
    if process.wait() != 0:
        raise RuntimeError(f"failed ({process.returncode}): {shlex.join(command)}")


def fetch(
    port: int,
    path: str,
    *,
    method: str = "GET",
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 300.0,
) -> tuple[int, bytes, float]:
    """One request on 127.0.0.1 (no redirect followed): status, body, milliseconds."""
    data = json.dumps(body).encode() if body is not None else None
    all_headers = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    if data is not None:
        all_headers["Content-Type"] = "application/json"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        started = time.perf_counter()
        connection.request(method, path, body=data, headers=all_headers)
        response = connection.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        return response.status, payload, elapsed
    finally:
        connection.close()


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def django_env(database_url: str, static_root: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_REPLICA_URL")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONUNBUFFERED="1",
        # wrk is one address asking thousands of times a second: the throttles would measure
        # themselves, so they are off here (their cost, a cache read, is left out of the figures).
        FOGWATCH_THROTTLE_ANON_READS="",
        FOGWATCH_THROTTLE_WRITES="",
    )
    if static_root is not None:
        env["BENCH_STATIC_ROOT"] = str(static_root)
    return env
