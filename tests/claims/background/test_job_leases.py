"""Recompute jobs and lost workers, piece by piece (the chaos tests in test_worker_killed.py kill real
workers): one runner at a time, a heartbeat however long a batch takes, a runner whose job was taken
over stops without committing, a stuck job is queued again by the jobs sweep and covered by the
consistency sweep, and Redis's visibility timeout is set and checked at start-up."""

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.utils import timezone

import claims.services.jobs as jobs
from actors.services import actor_set_parent
from claims.models import RecomputeJob
from claims.services import claims_sweep, jobs_sweep, recompute_job_run
from tests.support.chaos import EXACT, drift, move_world

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def job(settings, monkeypatch):
    """A bloc move's job, queued and not run (its task is not sent), over a small world."""
    settings.FOGWATCH_SYNC_RECOMPUTE_LIMIT = 5
    settings.FOGWATCH_RECOMPUTE_BATCH = 5
    monkeypatch.setattr(jobs, "enqueue", lambda *args: None)
    world = move_world(denials=20, places=3)
    actor_set_parent(actor=world.nrf, parent=world.taliban)
    return RecomputeJob.objects.get(kind="recompute")


def stale(job_id: int) -> None:
    RecomputeJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now() - timedelta(hours=1))


def test_a_job_is_run_by_one_runner_at_a_time(job):
    assert jobs._job_claim(job.pk, "a@host boot lease-a")
    assert not jobs._job_claim(job.pk, "b@host boot lease-b")  # a's heartbeat is fresh

    assert recompute_job_run(job_id=job.pk, runner="b@host boot lease-b").state == "running"  # left alone
    job.refresh_from_db()
    assert (job.runner, job.runs, job.done) == ("a@host boot lease-a", 1, 0)

    stale(job.pk)  # a was lost
    done = recompute_job_run(job_id=job.pk, runner="b@host boot lease-b")
    assert (done.state, done.runner, done.runs, done.done) == ("done", "b@host boot lease-b", 2, done.total)
    assert drift() == EXACT
    assert not jobs._job_claim(job.pk, "c@host boot lease-c")  # done: nobody takes it again


def test_a_runner_whose_job_was_taken_over_stops_and_its_batch_is_rolled_back(job, monkeypatch):
    recompute = jobs.claims_recompute
    batches = []

    def batch_then_taken_over(ids):
        batches.append(list(ids))
        changed = recompute(ids)  # written...
        if len(batches) == 3:  # ...while another worker, thinking this one lost, takes the job over
            other = threading.Thread(target=take_over)  # its own connection: committed at once
            other.start()
            other.join()
        return changed

    def take_over():
        try:
            RecomputeJob.objects.filter(pk=job.pk).update(runner="other@host boot lease-x")
        finally:
            connections.close_all()

    monkeypatch.setattr(jobs, "claims_recompute", batch_then_taken_over)
    left = recompute_job_run(job_id=job.pk, runner="first@host boot lease-1")

    assert (left.state, left.runner) == ("running", "other@host boot lease-x")
    assert left.done == 2 * 5  # the third batch was rolled back with its progress
    assert drift()["flags"]  # half done: the rest is the other runner's

    monkeypatch.setattr(jobs, "claims_recompute", recompute)
    stale(job.pk)  # the other runner was lost too
    finished = recompute_job_run(job_id=job.pk, runner="third@host boot lease-3")
    assert finished.state == "done" and finished.done == finished.total and finished.runs == 2
    assert drift() == EXACT


def test_the_heartbeat_goes_on_during_a_long_batch(job, settings, monkeypatch):
    settings.FOGWATCH_JOB_HEARTBEAT_SECONDS = 0.15
    settings.FOGWATCH_RECOMPUTE_BATCH = 20  # three batches
    recompute = jobs.claims_recompute
    gaps = []

    def slow(ids):
        before = RecomputeJob.objects.get(pk=job.pk).heartbeat_at
        time.sleep(0.6)  # a long batch
        gaps.append((RecomputeJob.objects.get(pk=job.pk).heartbeat_at - before).total_seconds())
        return recompute(ids)

    monkeypatch.setattr(jobs, "claims_recompute", slow)
    recompute_job_run(job_id=job.pk, runner="slow@host boot lease")

    # During each batch, before its own update, the heartbeat thread moved heartbeat_at on: the
    # runner looked alive however long the batch took.
    assert len(gaps) == 3 and min(gaps) >= 0.3, gaps


def test_the_jobs_sweep_queues_stuck_and_lost_jobs_again_and_fails_lost_sweeps(job, settings, monkeypatch):
    sent = []
    monkeypatch.setattr(jobs, "send", lambda task, *args: sent.append((task, *args)))
    running = RecomputeJob.objects.create(reason="Bloc move", claim_ids=[1], state="running", runner="w@h b l")
    RecomputeJob.objects.filter(pk=running.pk).update(heartbeat_at=timezone.now())  # alive
    stuck = RecomputeJob.objects.create(reason="Bloc move", claim_ids=[2], state="running", runner="w@h b l2")
    stale(stuck.pk)
    old = timezone.now() - timedelta(seconds=settings.FOGWATCH_JOB_STALE_SECONDS + 1)
    RecomputeJob.objects.filter(pk=job.pk).update(created_at=old)  # queued, its message long lost
    sweep = RecomputeJob.objects.create(reason="Consistency sweep", kind="sweep", state="running", runner="w@h b s")
    stale(sweep.pk)

    summary = jobs_sweep()

    assert sorted(sent) == sorted([("claims.tasks.recompute_job", stuck.pk), ("claims.tasks.recompute_job", job.pk)])
    assert summary["stuck"] == [stuck.pk] and summary["lost"] == [job.pk] and summary["sweeps_lost"] == 1
    assert 0 < summary["next_check"] <= settings.FOGWATCH_JOB_STALE_SECONDS + 1  # when `running` would go stale
    sweep.refresh_from_db()
    assert sweep.state == "failed" and "lost" in sweep.error
    running.refresh_from_db()
    assert running.state == "running"


def test_a_restarted_worker_orphans_what_its_earlier_self_was_running_and_only_that(job, monkeypatch):
    sent = []
    monkeypatch.setattr(jobs, "send", lambda task, *args: sent.append(args[0]))
    mine = RecomputeJob.objects.create(reason="m", claim_ids=[1], state="running", runner="w1@host oldboot l1")
    other_worker = RecomputeJob.objects.create(reason="o", claim_ids=[2], state="running", runner="w2@host b l2")
    this_start = RecomputeJob.objects.create(reason="t", claim_ids=[3], state="running", runner="w1@host newboot l3")
    RecomputeJob.objects.filter(pk__in=[mine.pk, other_worker.pk, this_start.pk]).update(heartbeat_at=timezone.now())

    summary = jobs_sweep(restarted="w1@host", boot="newboot")

    assert summary["orphaned"] == 1 and sent == [mine.pk]
    assert RecomputeJob.objects.get(pk=mine.pk).heartbeat_at is None  # any worker may take it up now
    assert jobs._job_claim(mine.pk, "w1@host newboot l4")


def test_the_consistency_sweep_covers_stuck_and_failed_jobs_not_live_ones(job):
    stale(job.pk)
    RecomputeJob.objects.filter(pk=job.pk).update(state="running", runner="lost@host b l")
    failed = RecomputeJob.objects.create(reason="Bloc move", claim_ids=[1], state="failed", error="boom")
    live = RecomputeJob.objects.create(reason="Bloc move", claim_ids=[1], state="running", runner="w@h b l")
    RecomputeJob.objects.filter(pk=live.pk).update(heartbeat_at=timezone.now())

    sweep = claims_sweep()

    assert sweep.state == "done" and sweep.kind == "sweep" and sweep.runs == 1
    assert drift() == EXACT
    job.refresh_from_db()
    assert job.state == "done" and job.runner == "" and f"#{sweep.pk}" in job.error
    failed.refresh_from_db()
    assert failed.state == "done" and failed.error == f"boom Covered by consistency sweep #{sweep.pk}."
    live.refresh_from_db()
    assert live.state == "running"
    assert recompute_job_run(job_id=job.pk).state == "done"  # its message, come back: nothing to do


def test_a_sweep_is_not_run_twice_at_once():
    running = RecomputeJob.objects.create(reason="Consistency sweep", kind="sweep", state="running", runner="w b l")
    RecomputeJob.objects.filter(pk=running.pk).update(heartbeat_at=timezone.now())

    assert claims_sweep().pk == running.pk
    assert RecomputeJob.objects.count() == 1


def test_redis_visibility_timeout_is_set_and_must_outlast_the_longest_countdown():
    options = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["visibility_timeout"] == django_settings.FOGWATCH_TASK_VISIBILITY_SECONDS
    assert options["visibility_timeout"] > django_settings.FOGWATCH_WEBHOOK_LONGEST_WAIT

    def start(**env: str) -> subprocess.CompletedProcess:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("FOGWATCH_")}
        environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
        code = "import django; django.setup(); from django.conf import settings as s;"
        code += " print(s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'])"
        return subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
        )

    assert start().stdout.strip() == str(30 * 2**6 + 900)  # the defaults: the last webhook wait, plus 15 min
    assert start(FOGWATCH_TASK_VISIBILITY_SECONDS="7200").stdout.strip() == "7200"
    too_short = start(FOGWATCH_TASK_VISIBILITY_SECONDS="600")
    assert too_short.returncode != 0 and "FOGWATCH_TASK_VISIBILITY_SECONDS (600) must be longer" in too_short.stderr
    fits = start(FOGWATCH_TASK_VISIBILITY_SECONDS="600", FOGWATCH_WEBHOOK_RETRY_BASE="5")
    assert fits.stdout.strip() == "600"
    beating = start(FOGWATCH_JOB_HEARTBEAT_SECONDS="20", FOGWATCH_JOB_STALE_SECONDS="30")
    assert beating.returncode != 0 and "at least twice" in beating.stderr
