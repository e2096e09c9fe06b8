"""Without a broker (``make run``), the server runs the periodic tasks itself: feeds are pulled and
sweeps run on their schedule with nobody clicking (core/schedule.py).

The end-to-end test serves as ``make run`` does: ``manage.py runserver`` with its autoreloader (the
schedule must start in the serving child only, once), a fresh SQLite file, no Redis, short intervals,
and a feed on a local HTTP server. The others run the schedule's parts in this process.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from celery import shared_task

from core import schedule
from tests.support.background import LocalServer, Reply, wait_for

ROOT = Path(__file__).resolve().parents[3]
STARTED = "Embedded schedule started"

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Valley news</title><link>{base}/</link><description>d</description>
<item><title>Resistance holds the Anaba gorge</title><link>{base}/anaba</link>
<pubDate>Fri, 03 Sep 2021 08:00:00 GMT</pubDate><description>From the valley.</description></item>
<item><title>Taliban claim Bazarak</title><link>{base}/bazarak</link>
<pubDate>Sat, 04 Sep 2021 09:00:00 GMT</pubDate><description>A claim.</description></item>
</channel></rss>"""

SETUP = """
from sources.models import Feed, Source
source = Source.objects.create(name="Valley news", slug="valley-news", kind="independent_media")
Feed.objects.create(source=source, url={feed!r})
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def rows(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        return connection.execute(sql).fetchall()


def wait_until(what: str, predicate, timeout: float, log: Path) -> object:
    """``wait_for``, with the end of the server's log in the failure."""
    return wait_for(predicate, timeout, 0.25, what=what, logs=lambda: f"the server said:\n{log.read_text()[-4000:]}")


@pytest.mark.timeout(300)
def test_make_run_pulls_feeds_and_runs_sweeps_with_nobody_clicking(tmp_path):
    site = LocalServer()
    site.routes["/feed.xml"] = Reply(200, RSS.format(base=site.base).encode(), {"Content-Type": "application/rss+xml"})
    for page in ("/anaba", "/bazarak"):
        site.routes[page] = Reply(200, b"<html>article</html>", {"Content-Type": "text/html"})
    site.thread.start()
    database = tmp_path / "fogwatch.sqlite3"
    unset = ("DATABASE_URL", "REDIS_URL", "DATABASE_REPLICA_URL", "RUN_MAIN")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        SQLITE_PATH=str(database),
        DJANGO_DEBUG="true",  # as make run serves it
        DJANGO_SETTINGS_MODULE="config.settings",
        FOGWATCH_FETCH_ALLOW_PRIVATE="true",  # the feed is on 127.0.0.1
        FOGWATCH_FEED_INTERVAL="2",
        FOGWATCH_ARCHIVE_SWEEP_INTERVAL="3",
        FOGWATCH_WEBHOOK_SWEEP_INTERVAL="3",
        FOGWATCH_SWEEP_INTERVAL="3",
        PYTHONUNBUFFERED="1",
    )
    migrated = manage(env, "migrate", "--noinput")
    assert STARTED not in migrated.stdout + migrated.stderr  # not in manage.py commands
    manage(env, "shell", "-c", SETUP.format(feed=site.url("/feed.xml")))

    port = free_port()
    log = tmp_path / "runserver.log"
    with log.open("w") as output:
        # make run's command, autoreloader included; a session of its own, so the reloader and the
        # serving child it starts are stopped together
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                return requests.get(f"{base}/api/v1/", timeout=2).status_code == 200
            except requests.ConnectionError:
                assert server.poll() is None, f"runserver exited:\n{log.read_text()}"
                return False

        wait_until("runserver", up, 60, log)

        def feed_reports() -> list[dict]:
            answer = requests.get(f"{base}/api/v1/reports/", {"source": "valley-news"}, timeout=10).json()
            return answer["results"] if answer["count"] == 2 else []

        reports = wait_until("the feed's items to become reports", feed_reports, 60, log)
        assert {r["title"] for r in reports} == {"Resistance holds the Anaba gorge", "Taliban claim Bazarak"}
        assert {r["triage"] for r in reports} == {"pending"}
        assert len(site.requests_to("/feed.xml")) >= 1

        sweeps = wait_until(
            "a consistency sweep",
            lambda: rows(database, "SELECT state FROM claims_recomputejob WHERE reason = 'Consistency sweep'"),
            60,
            log,
        )
        assert ("done",) in sweeps or ("running",) in sweeps
        # the sweeps that follow the feed's work: the new reports' pages archived
        wait_until("the reports' pages archived", lambda: site.requests_to("/anaba"), 60, log)
        # and it goes on: the feed is pulled again at its interval
        pulls = len(site.requests_to("/feed.xml"))
        wait_until("another pull", lambda: len(site.requests_to("/feed.xml")) > pulls, 30, log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        site.httpd.shutdown()
    said = log.read_text()
    assert said.count(STARTED) == 1, said  # in the serving child only, not in the reloader too
    assert "could not run" not in said
    assert not [line for line in said.splitlines() if "Scheduled" in line and "failed" in line], said


# -- the schedule's parts ---------------------------------------------------------------------------

RUNS: list[str] = []


@shared_task
def flaky() -> str:
    """Fails on its first run, succeeds after: a task error must not stop the schedule."""
    RUNS.append("run")
    if len(RUNS) == 1:
        raise RuntimeError("the first run fails")
    return "ok"


@shared_task
def slow() -> str:
    RUNS.append(threading.current_thread().name)
    time.sleep(0.7)
    return "ok"


def test_a_failing_run_is_logged_and_the_next_run_happens(settings, caplog):
    RUNS.clear()
    settings.CELERY_BEAT_SCHEDULE = {"flaky": {"task": f"{__name__}.flaky", "schedule": 0.2}}
    scheduler = schedule.build()
    scheduler.start()
    try:
        deadline = time.monotonic() + 10
        while len(RUNS) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.shutdown(wait=True)
    assert len(RUNS) >= 3
    assert "Scheduled flaky" in caplog.text and "failed" in caplog.text
    assert "the first run fails" in caplog.text


def test_runs_of_one_entry_never_overlap(settings):
    RUNS.clear()
    settings.CELERY_BEAT_SCHEDULE = {"slow": {"task": f"{__name__}.slow", "schedule": 0.1}}
    scheduler = schedule.build()
    job = scheduler.get_job("slow")
    assert job.max_instances == 1 and job.coalesce

    scheduler.start()
    try:
        time.sleep(2)
    finally:
        scheduler.shutdown(wait=True)
    # 0.7 s a run, every 0.1 s for 2 s: at most 3 runs, one after another (never 20)
    assert 1 <= len(RUNS) <= 3, RUNS


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_an_unknown_task_is_logged_not_raised():
    """Read on the schedule's own logger (whatever the tests before it did to the root logger's handlers)."""
    kept = Kept()
    schedule.logger.addHandler(kept)
    try:
        schedule.run_entry("nowhere", "sources.tasks.no_such_task")
    finally:
        schedule.logger.removeHandler(kept)
    said = [(r.levelno, r.getMessage()) for r in kept.records]
    assert said and said[-1][0] == logging.ERROR and "could not run" in said[-1][1], said


def test_every_beat_entry_is_scheduled_at_its_interval(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        **settings.CELERY_BEAT_SCHEDULE,
        "every-minute": {"task": "claims.tasks.consistency_sweep", "schedule": timedelta(minutes=1)},
    }
    scheduler = schedule.build()
    intervals = {job.id: job.trigger.interval.total_seconds() for job in scheduler.get_jobs()}
    assert intervals == {
        "feeds-pull": settings.FOGWATCH_FEED_INTERVAL,
        "archive-missing": settings.FOGWATCH_ARCHIVE_SWEEP_INTERVAL,
        "webhooks-sweep": settings.FOGWATCH_WEBHOOK_SWEEP_INTERVAL,
        "consistency-sweep": settings.FOGWATCH_SWEEP_INTERVAL,
        "idempotency-sweep": settings.FOGWATCH_IDEMPOTENCY_SWEEP_INTERVAL,
        "jobs-sweep": settings.FOGWATCH_JOBS_SWEEP_INTERVAL,
        "import-jobs-sweep": settings.FOGWATCH_JOBS_SWEEP_INTERVAL,
        "every-minute": 60,
        # in-process only: webhook retries wait in their stored attempts
        **(
            {"webhook-retries": settings.FOGWATCH_WEBHOOK_RETRY_SWEEP_INTERVAL}
            if settings.CELERY_TASK_ALWAYS_EAGER
            else {}
        ),
    }


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        (["manage.py", "runserver", "127.0.0.1:8000"], {"RUN_MAIN": "true"}, True),  # the autoreloader's child
        (["manage.py", "runserver", "--noreload"], {}, True),
        (["manage.py", "runserver", "127.0.0.1:8000"], {}, False),  # the reloader itself
        (["manage.py", "migrate", "--noinput"], {"RUN_MAIN": "true"}, False),
        (["manage.py", "shell"], {}, False),
        (["manage.py", "test"], {}, False),
        (["pytest"], {}, False),
        (["celery", "-A", "config", "worker"], {}, False),
    ],
)
def test_started_only_in_the_serving_process(settings, argv, environ, expected):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.FOGWATCH_EMBEDDED_SCHEDULE = True
    assert schedule.wanted(argv, environ) is expected


def test_not_started_with_a_broker_or_when_turned_off(settings):
    serving = (["manage.py", "runserver", "--noreload"], {})
    settings.FOGWATCH_EMBEDDED_SCHEDULE, settings.CELERY_TASK_ALWAYS_EAGER = True, False  # REDIS_URL set
    assert not schedule.wanted(*serving)
    settings.FOGWATCH_EMBEDDED_SCHEDULE, settings.CELERY_TASK_ALWAYS_EAGER = False, True
    assert not schedule.wanted(*serving)


def test_started_once_per_process(settings):
    settings.CELERY_BEAT_SCHEDULE = {}
    try:
        assert schedule.start() is not None
        assert schedule.start() is None
    finally:
        schedule.stop()
