"""A worker killed mid-job (chaos, with real processes): the job finishes within a minute of a new
worker starting, every claim's flags are exactly what a recompute from scratch gives, and nothing is
done twice (no batch applied twice, no webhook event sent twice, no automatic relation doubled).

A real ``celery -A config worker`` (pool solo) on a Redis of the test's own takes a bloc move's
recompute job, made slow by small batches; it is SIGKILLed in the middle (it acknowledges nothing:
Redis would hand the message out again only after the visibility timeout, 47 minutes by default).
Then a new worker starts:

- under another name (another machine, a new container): the job's heartbeat goes stale after
  ``FOGWATCH_JOB_STALE_SECONDS`` and the jobs sweep the new worker runs when it starts (with a
  second look when the job would go stale) queues it again;
- under the same name (the same worker restarted): the job is taken up at once, long before its
  heartbeat would go stale.

Either way the job resumes from its last committed batch.
"""

import signal
import time
from collections import Counter

import pytest

from actors.services import actor_set_parent
from claims.models import RecomputeJob, Relation
from claims.tasks import recompute_job
from notifications.models import WebhookDelivery, WebhookSubscription
from tests.support.background import LocalServer, Reply
from tests.support.chaos import EXACT, drift, flag_snapshot, move_world, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

DENIALS, PLACES = 200, 25
BATCH = 4  # claims per batch: 170 batches, seconds of work to kill in the middle of


@pytest.fixture
def receiver():
    server = LocalServer()
    server.routes["/hook"] = Reply(204, b"")
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def world(receiver, settings):
    settings.FOGWATCH_SYNC_RECOMPUTE_LIMIT = 10  # the bloc move below goes to a job
    world = move_world(denials=DENIALS, places=PLACES)
    # A tool watching the region: an event for each control claim whose flags change.
    WebhookSubscription.objects.create(name="mirror", url=receiver.url("/hook"), secret="s3cret", location=world.region)
    return world


def kill_mid_job(chaos, world, *, name, stop_when, **env):
    """Start a worker, make the bloc move, SIGKILL the worker when ``stop_when(job)``; the job as it was
    left, and the flags before the move."""
    before = flag_snapshot()
    first = chaos.worker(name, **env)
    first.wait_ready()

    actor_set_parent(actor=world.nrf, parent=world.taliban)  # the NRF joins the Taliban's bloc

    job = RecomputeJob.objects.get(kind="recompute")
    wait_until(lambda: stop_when(RecomputeJob.objects.get(pk=job.pk)), 60, "the job to get under way", logs=chaos.logs)
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    job.refresh_from_db()
    assert job.state == "running" and job.runs == 1, (job.state, job.runs)
    return job, before


def check_finished_once(chaos, world, receiver, job, before, *, started):
    """The job done, within a minute of ``started``; flags exact; nothing doubled."""
    job = wait_until(
        lambda: RecomputeJob.objects.filter(pk=job.pk, state="done").first(), 60, "the job to finish", chaos.logs
    )
    took = time.monotonic() - started
    assert took < 60, f"the job finished {took:.1f} s after the new worker started"
    assert job.runs == 2  # taken up once more, by the new worker
    assert job.done == job.total == len(job.targets) == 2 * DENIALS + 2 * PLACES

    assert drift() == EXACT  # every claim's flags as a recompute from scratch gives them
    after = flag_snapshot()
    changed = {pk for pk in after if after[pk] != before[pk]}
    assert job.changed == len(changed)  # each batch applied (and counted) exactly once
    assert set(world.targets) <= changed
    assert not Relation.objects.filter(origin="auto").exists()  # the contradictions went, none doubled

    # One webhook event per watched claim whose status or flags changed, each delivered once.
    flag_changed = {pk for pk in changed if after[pk][:4] != before[pk][:4] and pk in world.controls}
    assert len(flag_changed) == 2 * PLACES
    events = Counter(WebhookDelivery.objects.filter(attempt=1).values_list("claim_id", flat=True))
    assert set(events) == flag_changed and set(events.values()) == {1}
    wait_until(
        lambda: WebhookDelivery.objects.filter(delivered=True).count() == len(flag_changed),
        30,
        "the events to be delivered",
        chaos.logs,
    )
    received = Counter(r.headers["X-Fogwatch-Event-Id"] for r in receiver.requests_to("/hook"))
    assert len(received) == len(flag_changed) and set(received.values()) == {1}

    # The dead worker's message, handed out again (as Redis does after the visibility timeout):
    # the job is done, so it changes nothing.
    stamp = flag_snapshot()
    assert recompute_job.delay(job.pk).get(timeout=30)["state"] == "done"
    job.refresh_from_db()
    assert job.runs == 2 and flag_snapshot() == stamp
    assert WebhookDelivery.objects.count() == len(flag_changed)


def test_a_job_whose_worker_was_killed_is_finished_by_a_new_worker(chaos, world, receiver):
    env = {"FOGWATCH_RECOMPUTE_BATCH": BATCH, "FOGWATCH_JOB_HEARTBEAT_SECONDS": 1, "FOGWATCH_JOB_STALE_SECONDS": 3}
    job, before = kill_mid_job(
        chaos,
        world,
        name="first@fogwatch-test",
        # in the recompute itself, a third of the way through
        stop_when=lambda job: job.targets is not None and job.done >= job.total // 3,
        **env,
    )
    assert job.done < job.total

    second = chaos.worker("second@fogwatch-test", **env)  # another machine
    second.wait_ready()

    check_finished_once(chaos, world, receiver, job, before, started=second.started)
    assert "taken up again (run 2)" in second.text()


def test_a_restarted_worker_takes_up_its_own_job_at_once(chaos, world, receiver):
    # The heartbeat would go stale only after two minutes: the restart alone explains a quick finish.
    env = {"FOGWATCH_RECOMPUTE_BATCH": BATCH, "FOGWATCH_JOB_HEARTBEAT_SECONDS": 1, "FOGWATCH_JOB_STALE_SECONDS": 120}
    job, before = kill_mid_job(
        chaos,
        world,
        name="worker@fogwatch-test",
        # while it refreshes the automatic relations, before it knows which claims to recompute
        stop_when=lambda job: job.refreshed >= 5 * BATCH,
        **env,
    )
    assert job.targets is None and job.refreshed < len(job.claim_ids)

    again = chaos.worker("worker@fogwatch-test", **env)  # the same worker, restarted
    again.wait_ready()

    check_finished_once(chaos, world, receiver, job, before, started=again.started)
    assert time.monotonic() - again.started < 60
    assert "taken up again (run 2)" in again.text()
