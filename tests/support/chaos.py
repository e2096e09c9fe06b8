"""Chaos tests with real processes: a Redis server of the test's own (started and killed at will, on
a free port in a temporary folder), real ``celery -A config worker`` processes (SIGKILLed at will)
on the test database, and checks that stored flags are exactly what a recompute from scratch gives.

The workers are separate processes, so what they must see is committed: the tests using them are
``django_db(transaction=True)``. They get the test database (``settings.DATABASES``), the test's
Redis, and whatever Fogwatch settings the test passes as environment variables. Every process is
stopped when the test ends, whatever happened.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db.models import Q

from claims import flags
from claims.auto_relations import compute
from claims.models import Claim, Relation
from claims.selectors import flag_inputs, proposition_facts
from claims.services import claims_recompute_all
from tests.factories import ActorFactory, LocationFactory
from tests.support.background import configure_celery, restore_celery, wait_for

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """``redis-server`` on a free port, its files in ``folder``; no persistence, so a restart comes back
    empty (as a Redis without a volume does): whatever was queued is lost."""

    def __init__(self, folder: Path) -> None:
        if REDIS_SERVER is None:
            pytest.fail(
                "redis-server is not installed; the chaos tests start their own (apt-get install redis-server)."
            )
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "already running"
        log = (self.folder / "redis.log").open("a")
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        client = redis.Redis.from_url(self.url(), socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.RedisError:
                assert self.process.poll() is None, f"redis-server exited:\n{(self.folder / 'redis.log').read_text()}"
                assert time.monotonic() < deadline, "redis-server did not answer within 10 s"
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: Redis gone at once, nothing saved."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def database_url() -> str:
    """The test database (pytest-django's), for processes of our own."""
    db = settings.DATABASES["default"]
    assert db["ENGINE"].endswith("postgresql"), "the chaos tests need PostgreSQL (a worker process shares the database)"
    auth = quote(db.get("USER") or "postgres", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@dataclass
class Worker:
    """A ``celery -A config worker`` process."""

    name: str
    process: subprocess.Popen
    log: Path
    started: float  # time.monotonic() when it was started

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while " ready." not in self.text():
            assert self.process.poll() is None, f"worker {self.name} exited:\n{self.text()[-5000:]}"
            assert time.monotonic() < deadline, f"worker {self.name} not ready in {timeout} s:\n{self.text()[-5000:]}"
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-task, acknowledging nothing, cleaning nothing up."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # a warm shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Chaos:
    """A test's Redis and workers; the test process's Celery points at that Redis too."""

    folder: Path
    redis: RedisServer
    env: dict[str, str] = field(default_factory=dict)
    workers: list[Worker] = field(default_factory=list)

    def worker(self, name: str, *, pool: str = "solo", concurrency: int = 1, beat: bool = False, **env: Any) -> Worker:
        """Start a worker named ``name`` (``-n``; the same name twice is a restarted worker) with these
        settings on top of the test's; ``beat``: with celery beat in it (``-B``), running the periodic
        tasks at the intervals the settings give."""
        environment = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("FOGWATCH_", "CELERY_")) and k not in ("DATABASE_REPLICA_URL",)
        }
        environment.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=database_url(),
            REDIS_URL=self.redis.url(),
            FOGWATCH_FETCH_ALLOW_PRIVATE="true",  # receivers are on 127.0.0.1
            PYTHONUNBUFFERED="1",
        )
        environment.update(self.env)
        environment.update({k: str(v) for k, v in env.items()})
        log = self.folder / f"worker-{len(self.workers)}-{name.split('@')[0]}.log"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-n", name, "--loglevel", "INFO"]
        command += ["--pool", pool, "--concurrency", str(concurrency), "--without-gossip", "--without-mingle"]
        if beat:
            command += ["--beat", "--schedule", str(self.folder / f"beat-{len(self.workers)}")]
        with log.open("w") as output:
            process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
        worker = Worker(name, process, log, time.monotonic())
        self.workers.append(worker)
        return worker

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.redis.kill()

    def logs(self) -> str:
        return "\n".join(f"--- {w.name} ---\n{w.text()[-4000:]}" for w in self.workers)


@pytest.fixture
def chaos(tmp_path) -> Iterator[Chaos]:
    """A Redis of the test's own (the test process's Celery publishes to it) and workers started by
    the test; everything stopped at the end."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    saved = configure_celery(server.url())
    scene = Chaos(tmp_path, server)
    try:
        yield scene
    finally:
        scene.stop()
        restore_celery(saved)


# ---------------------------------------------------------------------------------------------
# A world where one bloc move changes many claims, and flags checked against a fresh recompute
# ---------------------------------------------------------------------------------------------


@dataclass
class MoveWorld:
    taliban: Any
    nrf: Any
    targets: list[int]  # Taliban claims, each denied by an NRF claim: contested until the NRF joins
    denials: list[int]
    controls: list[int]  # control claims, Taliban against NRF at one place each: automatic contradictions
    region: Any  # the places of the control claims are in it


def move_world(denials: int, places: int) -> MoveWorld:
    """Taliban claims each denied by an NRF claim (contested), and pairs of control claims (one of
    each side, at one place each, overlapping windows: an automatic contradiction between them).
    When the NRF joins the Taliban's bloc, the denials become echoes (the targets are no longer
    contested) and the automatic contradictions go (their claims are no longer independent)."""
    taliban = ActorFactory(name="Taliban", kind="armed_group")
    nrf = ActorFactory(name="National Resistance Front", kind="armed_group")
    made = Claim.objects.bulk_create(
        [
            Claim(claimant=taliban, claimed_on=date(2021, 9, 2), kind="statement", summary=f"Taliban claim {i}.")
            for i in range(denials)
        ]
        + [
            Claim(claimant=nrf, claimed_on=date(2021, 9, 3), kind="statement", summary=f"NRF denial {i}.")
            for i in range(denials)
        ]
    )
    targets, denied_by = [c.pk for c in made[:denials]], [c.pk for c in made[denials:]]
    controls: list[Claim] = []
    region = LocationFactory(name="Panjshir", kind="province")
    for p in range(places):
        place = LocationFactory(name=f"Valley {p}", parent=region)
        for side in (taliban, nrf):
            controls.append(
                Claim(
                    claimant=side,
                    subject=side,
                    location=place,
                    kind="control",
                    claimed_on=date(2021, 9, 4),
                    event_start=date(2021, 9, 4),
                    summary=f"{side.name} holds Valley {p}.",
                )
            )
    controls = Claim.objects.bulk_create(controls)
    Relation.objects.bulk_create(
        [
            Relation(claim_id=d, target_id=t, stance="denies", origin="editor")
            for d, t in zip(denied_by, targets, strict=True)
        ]
    )
    claims_recompute_all()
    return MoveWorld(taliban, nrf, targets, denied_by, [c.pk for c in controls], region)


def flag_snapshot() -> dict[int, tuple]:
    """Every claim's stored status, flags and reasons."""
    return {
        pk: (status, contested, corroborated, unverified, reasons)
        for pk, status, contested, corroborated, unverified, reasons in Claim.objects.values_list(
            "pk", "status", "contested", "corroborated", "unverified", "reasons"
        )
    }


def drift() -> dict[str, Any]:
    """How the stored data differs from a recompute from scratch, without writing anything: claims
    whose stored status, flags or reasons are not what the rules give now, and automatic relations
    missing, extra or doubled. Empty lists: exact."""
    ids = list(Claim.objects.order_by("pk").values_list("pk", flat=True))
    facts, relations = flag_inputs(ids)
    results = flags.evaluate(ids, facts, relations)
    stored = flag_snapshot()
    wrong = [
        pk
        for pk in ids
        if stored[pk]
        != (
            results[pk].status,
            results[pk].contested,
            results[pk].corroborated,
            results[pk].unverified,
            results[pk].reasons_as_dicts(),
        )
    ]
    candidates = proposition_facts(Q(kind__in=["control", "casualties"], event_start__isnull=False))
    editor = set(Relation.objects.filter(origin="editor").values_list("claim_id", "target_id", "stance"))
    wanted = {
        r
        for r in compute(candidates)
        if r not in editor and not (r[2] == "contradicts" and (r[1], r[0], r[2]) in editor)
    }
    auto = list(Relation.objects.filter(origin="auto").values_list("claim_id", "target_id", "stance"))
    return {
        "flags": wrong,
        "auto_missing": sorted(wanted - set(auto)),
        "auto_extra": sorted(set(auto) - wanted),
        "auto_doubled": sorted({r for r in auto if auto.count(r) > 1}),
    }


EXACT = {"flags": [], "auto_missing": [], "auto_extra": [], "auto_doubled": []}


def wait_until(predicate, timeout: float, what: str, logs=lambda: "") -> Any:
    """``wait_for`` naming what is awaited, with the chaos processes' logs in the failure."""
    return wait_for(predicate, timeout, what=what, logs=logs)
