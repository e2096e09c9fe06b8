"""The cache down: claim lists still answer (counts computed fresh, right after writes), the outage is
logged once, and the cache is used again when Redis answers. Against the real Redis and a port
where nothing listens."""

import logging

import pytest
import redis
from django.core.cache import cache

from claims.models import Claim
from core.cache import outage
from tests.factories import ActorFactory, ClaimFactory, ReportFactory
from tests.support.background import CLOSED_PORT_URL, REDIS_URL

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_known_outage():
    """Each test starts with the cache believed up (the state is per process, as in a worker)."""
    outage.down = False
    yield
    outage.down = False


def redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def versioned(settings, db):
    """The data-version cache on (PostgreSQL only: elsewhere nothing is cached)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail("The data-version cache needs PostgreSQL; run the suite against it.")
    settings.FOGWATCH_VERSION_CACHE_SECONDS = 600
    return settings


def make_claims(n: int) -> list[Claim]:
    taliban, report = ActorFactory(name="Taliban"), ReportFactory(url=None)
    return [ClaimFactory(claimant=taliban, citations=[{"report": report}]) for _ in range(n)]


def test_claim_lists_answer_and_count_right_with_the_cache_down(versioned, client, caplog):
    versioned.CACHES = redis_cache(CLOSED_PORT_URL)
    caplog.set_level(logging.WARNING, logger="fogwatch.cache")
    make_claims(3)

    api = client.get("/api/v1/claims/")
    page = client.get("/claims/")
    make_claims(2)
    after = client.get("/api/v1/claims/?status=unverified")

    assert api.status_code == 200 and api.json()["count"] == 3
    assert page.status_code == 200 and "3 claims" in " ".join(page.content.decode().split())
    assert after.status_code == 200 and after.json()["count"] == 5  # nothing stale was kept
    outage = [r for r in caplog.records if r.name == "fogwatch.cache"]
    assert len(outage) == 1, [r.getMessage() for r in outage]  # once per outage, not per request
    assert "Cache unreachable" in outage[0].getMessage() and "6399" in outage[0].getMessage()


def test_with_redis_up_the_count_is_cached_and_a_later_outage_then_recovery_is_logged(versioned, client, caplog):
    versioned.CACHES = redis_cache(REDIS_URL)
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    caplog.set_level(logging.WARNING, logger="fogwatch.cache")
    make_claims(2)

    assert client.get("/api/v1/claims/").json()["count"] == 2
    assert any(b"fogwatch:count" in key for key in server.keys("*")), "the count was not cached in Redis"

    versioned.CACHES = redis_cache(CLOSED_PORT_URL)
    assert client.get("/api/v1/claims/").json()["count"] == 2
    versioned.CACHES = redis_cache(REDIS_URL)
    assert client.get("/api/v1/claims/").json()["count"] == 2
    assert cache.set("probe", 1) is None and cache.get("probe") == 1

    messages = [r.getMessage() for r in caplog.records if r.name == "fogwatch.cache"]
    assert [m.split(" (")[0] for m in messages] == ["Cache unreachable", "Cache reachable again"]
    server.flushdb()


def test_errors_that_are_not_an_outage_still_raise(settings):
    settings.CACHES = redis_cache(REDIS_URL)
    server = redis.Redis.from_url(REDIS_URL)
    server.rpush(":1:a-list", "x")  # a key of another type: a bug, not an outage
    try:
        with pytest.raises(redis.exceptions.ResponseError):
            cache.get("a-list")
    finally:
        server.delete(":1:a-list")
