"""The embedded default never refuses a write for being busy.

``make run``'s set-up, for real: a fresh SQLite file, no Redis (tasks in-process), ``runserver``
in its own process, archiving and webhooks on (a local server answers both, a little slowly, so
the in-process tasks write while the next request does). A client then makes random API writes
one after another, as a tool would; every one must answer 2xx or the 4xx it deserves: never a
5xx ("database is locked").
"""

from __future__ import annotations

import os
import random
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from tests.support.background import LocalServer, Reply

ROOT = Path(__file__).resolve().parents[3]
WRITES = 2000

pytestmark = pytest.mark.timeout(900)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


SETUP = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from notifications.models import WebhookSubscription
user = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-12345-chief")
WebhookSubscription.objects.create(name="receiver", url={hook!r}, secret="s3cret")
print(Token.objects.create(user=user).key)
"""


@pytest.fixture
def embedded(tmp_path):
    """``make run``'s server on a fresh SQLite file, with a local site to archive and a webhook receiver."""
    site = LocalServer()
    site.routes["/hook"] = Reply(200, b"ok", delay=0.02)
    site.thread.start()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DATABASE_REPLICA_URL")}
    env.update(
        SQLITE_PATH=str(tmp_path / "fogwatch.sqlite3"),
        DJANGO_DEBUG="true",  # as make run serves it
        FOGWATCH_FETCH_ALLOW_PRIVATE="true",  # the local site and receiver are on 127.0.0.1
        FOGWATCH_WEBHOOK_RETRY_BASE="0",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    manage(env, "migrate", "--noinput")
    token = manage(env, "shell", "-c", SETUP.format(hook=site.url("/hook"))).strip().splitlines()[-1]
    port = free_port()
    log = tmp_path / "runserver.log"  # a file, not a pipe nobody reads (it would fill and block the server)
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if session.get(f"{base}/api/v1/", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        assert server.poll() is None and time.monotonic() < deadline, f"runserver did not start:\n{log.read_text()}"
        time.sleep(0.2)
    try:
        yield base, session, site
    finally:
        server.terminate()
        server.wait(timeout=20)
        site.httpd.shutdown()


def error_title(text: str) -> str:
    """What a 5xx said: the debug page's title (the exception and where), else the start of the body."""
    found = re.search(r"<title>(.*?)</title>", text, re.S)
    return " ".join((found.group(1) if found else text[:300]).split())


class Writer:
    """Random writes of every kind a tool makes, each on what exists so far."""

    def __init__(self, base: str, session: requests.Session, site: LocalServer, seed: int) -> None:
        self.base, self.session, self.site = base, session, site
        self.random = random.Random(seed)
        self.actors: list[int] = []
        self.reports: list[int] = []
        self.claims: list[int] = []
        self.n = 0
        self.answers: Counter[int] = Counter()
        self.failures: list[str] = []

    def call(self, method: str, path: str, body: dict | None = None) -> dict | None:
        response = self.session.request(method, self.base + path, json=body, timeout=60)
        self.answers[response.status_code] += 1
        if response.status_code >= 500:
            self.failures.append(f"{method} {path} → {response.status_code}: {error_title(response.text)}")
            return None
        return response.json() if response.status_code in (200, 201) else None

    def write(self) -> None:
        self.n += 1
        n, pick = self.n, self.random.choice
        choice = self.random.random()
        if len(self.actors) < 2 or choice < 0.08:
            made = self.call("POST", "/api/v1/actors/", {"name": f"Actor {n}", "kind": "armed_group"})
            if made:
                self.actors.append(made["id"])
        elif not self.reports or choice < 0.25:
            source = self.call("POST", "/api/v1/sources/", {"name": f"Outlet {n}", "kind": "wire"})
            if source:
                self.site.routes[f"/article-{n}"] = Reply(200, f"<html>article {n}</html>".encode(), delay=0.03)
                report = self.call(
                    "POST",
                    "/api/v1/reports/",
                    {
                        "source": source["id"],
                        "title": f"Report {n}",
                        "url": self.site.url(f"/article-{n}"),
                        "published_at": "2021-09-01T08:00:00Z",
                    },
                )
                if report:
                    self.reports.append(report["id"])
        elif not self.claims or choice < 0.6:
            body = {
                "claimant": pick(self.actors),
                "kind": pick(["control", "casualties", "statement"]),
                "summary": f"Claim {n}",
                "claimed_on": f"2021-09-0{self.random.randint(1, 9)}",
                "citations": [{"report": pick(self.reports), "quote": f"quote {n}"}],
            }
            made = self.call("POST", "/api/v1/claims/", body)
            if made:
                self.claims.append(made["id"])
        elif choice < 0.8:
            self.call(
                "POST",
                "/api/v1/relations/",
                {"claim": pick(self.claims), "target": pick(self.claims), "stance": pick(["denies", "supports"])},
            )
        elif choice < 0.95:
            self.call("PATCH", f"/api/v1/claims/{pick(self.claims)}/", {"summary": f"Claim edited at {n}"})
        else:
            claim = pick(self.claims)
            response = self.session.delete(f"{self.base}/api/v1/claims/{claim}/", timeout=60)
            self.answers[response.status_code] += 1
            if response.status_code >= 500:
                self.failures.append(f"DELETE claim {claim} → {response.status_code}: {error_title(response.text)}")
            elif response.status_code == 204:
                self.claims.remove(claim)


def test_thousands_of_random_writes_to_the_embedded_default_all_answer(embedded):
    base, session, site = embedded
    writer = Writer(base, session, site, seed=20211)

    for _ in range(WRITES):
        writer.write()

    assert not writer.failures, f"{len(writer.failures)} writes failed, first: {writer.failures[:3]}"
    assert sum(writer.answers.values()) >= WRITES
    assert writer.answers[201] > WRITES // 2, writer.answers  # the writes were real, not refused
    assert set(writer.answers) <= {200, 201, 204, 400, 409}, writer.answers
    # the in-process tasks did run beside the writes: pages archived, events delivered
    assert len(site.requests_to("/hook")) > 0
    assert any(r.path.startswith("/article-") for r in site.received)
