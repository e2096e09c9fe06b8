"""Redis stopped mid-run (chaos, with real processes): every read and write through the API answers
(2xx, or the 4xx it deserves: never a 5xx), lists count right, and once Redis is back every flag is
exactly what a recompute from scratch gives, every recompute job is done and every webhook event is
delivered exactly once.

A Redis server of the test's own is the broker, the result store and the cache of both the test
process (the API, through Django's test client) and a real ``celery -A config worker`` with beat in
it. Three rounds of writes and reads, each with a bloc move big enough for a recompute job: with
Redis up (the webhook receiver slow, so the worker is still busy with the round's events and the
job's message waits in Redis); after Redis is SIGKILLed (nothing saved: what was queued is lost,
that job's message and events included); after it is started again, empty.
"""

import time
from collections import Counter

import pytest
from rest_framework.test import APIClient

import core.tasks
from claims.models import Claim, RecomputeJob
from core.cache import outage
from notifications.models import WebhookDelivery, WebhookSubscription
from tests.support.background import Reply
from tests.support.chaos import EXACT, drift, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

MOVED = 25  # claims of the actor each round moves: over the limit below, so a job


@pytest.fixture
def staff_api(django_user_model):
    """An API client with every permission (transactional tests flush the migrations' editors group)."""
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_superuser("chief", "chief@example.org", "pw-12345"))
    return client


class Traffic:
    """API calls, each answer counted; a 5xx is recorded as a failure."""

    def __init__(self, api: APIClient) -> None:
        self.api = api
        self.answers: Counter[int] = Counter()
        self.failures: list[str] = []

    def call(self, method: str, path: str, body: dict | None = None):
        response = getattr(self.api, method)(path, body, format="json") if body else getattr(self.api, method)(path)
        self.answers[response.status_code] += 1
        if response.status_code >= 500:
            self.failures.append(f"{method.upper()} {path} → {response.status_code}")
        return response

    def made(self, path: str, body: dict) -> int:
        response = self.call("post", path, body)
        assert response.status_code == 201, (path, response.status_code, response.content[:300])
        return response.json()["id"]

    def read(self, claim_id: int) -> None:
        listed = self.call("get", "/api/v1/claims/?page_size=5")
        assert listed.status_code == 200 and listed.json()["count"] == Claim.objects.count()  # never stale
        assert self.call("get", f"/api/v1/claims/{claim_id}/").status_code == 200
        assert self.call("get", "/claims/").status_code == 200
        assert self.call("get", "/api/v1/claims/999999999/").status_code == 404

    def round(self, name: str) -> int:
        """Two sides; claims of one denied by the other (webhook events); then the deniers' side joins
        the other's bloc (a bloc move of MOVED claims and more: a recompute job). Returns the job."""
        home = self.made("/api/v1/actors/", {"name": f"Home {name}", "kind": "armed_group"})
        rival = self.made("/api/v1/actors/", {"name": f"Rival {name}", "kind": "armed_group"})
        source = self.made("/api/v1/sources/", {"name": f"Outlet {name}", "kind": "wire"})
        report = self.made(
            "/api/v1/reports/", {"source": source, "title": f"Report {name}", "published_at": "2021-09-01T08:00:00Z"}
        )

        def claim(actor: int, n: int, day: int) -> int:
            return self.made(
                "/api/v1/claims/",
                {
                    "claimant": actor,
                    "kind": "statement",
                    "summary": f"{name} claim {n}",
                    "claimed_on": f"2021-09-0{day}",
                    "citations": [{"report": report}],
                },
            )

        targets = [claim(home, n, 2) for n in range(5)]
        self.read(targets[0])
        deniers = [claim(rival, n, 3) for n in range(MOVED)]
        for denier, target in zip(deniers, targets, strict=False):
            self.made("/api/v1/relations/", {"claim": denier, "target": target, "stance": "denies"})
        bad = self.call("post", "/api/v1/relations/", {"claim": deniers[0], "target": deniers[0], "stance": "denies"})
        assert bad.status_code == 400
        self.read(deniers[-1])
        moved = self.call("patch", f"/api/v1/actors/{rival}/", {"parent": home})
        assert moved.status_code == 200, moved.content[:300]
        self.read(targets[-1])
        return RecomputeJob.objects.get(reason__contains=f"{rival}]").pk


def test_every_request_answers_and_all_is_exact_after_redis_is_stopped_mid_run(
    chaos, settings, staff_api, http_server, monkeypatch
):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": chaos.redis.url(),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.FOGWATCH_VERSION_CACHE_SECONDS = 600  # list counts kept in Redis
    settings.FOGWATCH_SYNC_RECOMPUTE_LIMIT = MOVED - 5
    monkeypatch.setattr(core.tasks, "BROKER_RETRY_AFTER", 1.0)  # 30 s in production: the broker is tried again
    monkeypatch.setattr(outage, "down", False)
    slow = [True]
    http_server.routes["/hook"] = lambda request: Reply(204, b"", delay=1.5 if slow[0] else 0)
    WebhookSubscription.objects.create(name="mirror", url=http_server.url("/hook"), secret="s3cret")
    worker = chaos.worker(
        "worker@fogwatch-test",
        beat=True,  # the sweeps, every 10 s
        FOGWATCH_JOB_HEARTBEAT_SECONDS=1,
        FOGWATCH_JOB_STALE_SECONDS=3,
        FOGWATCH_JOBS_SWEEP_INTERVAL=10,
        FOGWATCH_WEBHOOK_SWEEP_INTERVAL=10,
        FOGWATCH_WEBHOOK_STRANDED_AFTER=1,
        FOGWATCH_WEBHOOK_RETRY_BASE=1,
        FOGWATCH_RECOMPUTE_BATCH=10,
    )
    worker.wait_ready()
    traffic = Traffic(staff_api)

    lost = traffic.round("up")  # Redis up: the job queued behind the events the worker is slowly delivering
    chaos.redis.kill()  # ...and Redis dies, taking the queued job's message with it
    slow[0] = False
    inline = traffic.round("down")  # Redis gone: recomputes run in the request, events wait in the outbox
    assert RecomputeJob.objects.get(pk=inline).state == "done"  # before the write returned
    assert outage.down  # the cache noticed, and the pages were computed without it
    chaos.redis.start()  # back, empty
    time.sleep(1.2)  # past BROKER_RETRY_AFTER: the next task is sent to the broker again
    traffic.round("again")  # Redis back: a job for the worker again

    assert not traffic.failures, traffic.failures
    assert set(traffic.answers) <= {200, 201, 400, 404}, traffic.answers

    # Everything catches up: the lost job by the jobs sweep, the events left in the outbox by the
    # webhooks sweep.
    wait_until(lambda: not RecomputeJob.objects.exclude(state="done").exists(), 60, "every job done", worker.text)
    events = set(WebhookDelivery.objects.values_list("event_id", flat=True))
    assert len(events) >= 3 * 5  # each round's five denied claims, at least
    wait_until(
        lambda: set(WebhookDelivery.objects.filter(delivered=True).values_list("event_id", flat=True)) == events,
        60,
        "every event delivered",
        worker.text,
    )
    assert drift() == EXACT
    received = Counter(r.headers["X-Fogwatch-Event-Id"] for r in http_server.requests_to("/hook"))
    assert set(received) == events and set(received.values()) == {1}
    jobs = RecomputeJob.objects.filter(kind="recompute")
    assert jobs.count() == 3 and all(j.done == j.total and j.runs == 1 for j in jobs)
    assert f"'lost': [{lost}]" in worker.text()  # the job whose message died with Redis: sent again by the sweep
