"""Sentry (config/sentry.py): with SENTRY_DSN set, an error reaches the DSN's server (here an HTTP server
on 127.0.0.1 standing in for Sentry) with the environment, the release and the request id, and no
personal data; without it, the SDK is never initialised. Each run is its own process, as in production:
settings initialise the SDK when they load."""

import gzip
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import sentry_sdk

from tests.support.background import LocalServer, Received, Reply

ROOT = Path(__file__).resolve().parents[2]
ENVELOPE_PATH = "/api/1/envelope/"

RAISE = """
import logging
from django_guid import set_guid
set_guid("drill-request-0042")
logging.getLogger("fogwatch.drill").error("a logged error in the drill")
raise RuntimeError("sentry drill 42")
"""


@pytest.fixture
def sentry_server():
    server = LocalServer()
    server.routes[ENVELOPE_PATH] = Reply(200, b'{"id": "x"}', {"Content-Type": "application/json"})
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def manage(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def events(received: list[Received]) -> list[dict]:
    """The event items of the envelopes received (one JSON header line, then item header and payload)."""
    found = []
    for request in received:
        body = request.body
        encoding = request.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def test_an_error_reaches_sentry_with_the_request_id_and_no_personal_data(sentry_server):
    done = manage(
        RAISE,
        SENTRY_DSN=f"http://publickey@127.0.0.1:{sentry_server.port}/1",
        SENTRY_ENVIRONMENT="drill",
        SENTRY_RELEASE="fogwatch@drill",
    )

    assert done.returncode != 0 and "sentry drill 42" in done.stderr
    sent = events(sentry_server.requests_to(ENVELOPE_PATH))
    crash = next(e for e in sent if e.get("exception"))
    logged = next(e for e in sent if e.get("logentry") or e.get("message"))
    assert crash["exception"]["values"][-1]["value"] == "sentry drill 42"
    assert crash["environment"] == "drill" and crash["release"] == "fogwatch@drill"
    assert logged["tags"]["request_id"] == "drill-request-0042"
    assert crash["tags"]["request_id"] == "drill-request-0042"
    for event in sent:
        assert "user" not in event or not event["user"].get("ip_address")
        assert "cookies" not in event.get("request", {})


def test_without_a_dsn_sentry_is_not_initialised(sentry_server):
    done = manage("import sentry_sdk; print('initialised:', sentry_sdk.is_initialized())")

    assert done.returncode == 0, done.stderr
    assert "initialised: False" in done.stdout
    assert sentry_server.received == []


def test_the_suite_itself_never_reports():
    assert not sentry_sdk.is_initialized()  # config/testing.py drops SENTRY_DSN before settings load
