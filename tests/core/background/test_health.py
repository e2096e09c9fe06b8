"""The health endpoints (core/health.py) against the real PostgreSQL and Redis: healthy when everything
answers, 503 naming the failing check (to staff) when Redis is down or a migration is not applied, the
broker never failing in the embedded default (tasks in-process), open to anonymous probes whatever
FOGWATCH_PUBLIC_READ says but telling them only the verdict, never throttled, and docker compose's
probe script (tools/healthcheck.py) exiting by the verdict."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from core.api.throttles import AnonReadThrottle
from core.cache import outage
from tests.support.background import CLOSED_PORT_URL, REDIS_URL

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
EVERY_CHECK = {"database", "cache", "broker", "migrations"}


def redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture(autouse=True)
def no_known_outage():
    outage.down = False
    yield
    outage.down = False


@pytest.fixture
def redis_up(settings, celery_redis):
    """Cache and broker on the real Redis, as in docker compose."""
    settings.CACHES = redis_cache(REDIS_URL)


@pytest.fixture
def redis_down(settings, broker_down):
    """Cache and broker on a port where nothing listens."""
    settings.CACHES = redis_cache(CLOSED_PORT_URL)


@pytest.fixture
def staff(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_user("ops", password="ops-pass-123", is_staff=True))
    return client


def report(client: Client, path: str = "/health/"):
    response = client.get(path, {"format": "json"})
    return response, response.json()


def test_healthy_with_postgresql_and_redis(redis_up, staff):
    response, body = report(staff)

    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == EVERY_CHECK
    assert all(check["ok"] for check in body["checks"].values()), body
    assert "note" not in body["checks"]["broker"]  # a real broker, not the in-process fallback
    assert response["Cache-Control"].startswith("max-age=0")  # never cached by a proxy


def test_anonymous_probes_read_the_verdict_only(redis_up, client):
    response, body = report(client)

    assert response.status_code == 200
    assert body == {"status": "ok"}


def test_redis_down_is_a_503_naming_the_cache_and_the_broker(redis_down, staff, client, caplog):
    response, body = report(staff)

    assert response.status_code == 503
    assert body["status"] == "unavailable"
    failing = {name for name, check in body["checks"].items() if not check["ok"]}
    assert failing == {"cache", "broker"}
    assert "Redis did not answer" in body["checks"]["cache"]["error"]
    assert "broker did not answer" in body["checks"]["broker"]["error"]
    assert "Health check cache failing" in caplog.text  # one line per failing check, for the log

    anonymous, said = report(client)
    assert anonymous.status_code == 503
    assert said == {"status": "unavailable"}  # no check, no error: no host, no port
    assert "6399" not in anonymous.content.decode() and "127.0.0.1" not in anonymous.content.decode()


def test_redis_down_leaves_the_web_ready(redis_down, client):
    """A load balancer probes /health/ready/: the site still serves with Redis down (docs/background.md)."""
    response = client.get("/health/ready/")

    assert response.status_code == 200
    assert client.get("/api/v1/claims/").status_code == 200  # and it does serve


def test_the_embedded_default_has_no_broker_to_fail(no_redis, settings, staff):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    response, body = report(staff)

    assert response.status_code == 200, body
    broker = body["checks"]["broker"]
    assert broker["ok"] and broker["note"] == "no broker: tasks run in-process"


def test_an_unapplied_migration_is_unhealthy(no_redis, staff, client):
    """The recorder forgets the last migration of the claims app (inside the test's transaction, rolled
    back after it): what the database says after a deploy whose migrate step did not run."""
    app, name = max(node for node in MigrationLoader(None).graph.leaf_nodes() if node[0] == "claims")
    MigrationRecorder(connection).record_unapplied(app, name)

    for path in ("/health/", "/health/ready/"):
        response, body = report(staff, path)
        assert response.status_code == 503, path
        assert not body["checks"]["migrations"]["ok"]
        assert f"claims.{name}" in body["checks"]["migrations"]["error"]
        assert body["checks"]["database"]["ok"]
    assert client.get("/health/ready/").status_code == 503


def test_closed_reads_leave_the_health_endpoints_open(no_redis, settings, client):
    settings.FOGWATCH_PUBLIC_READ = False

    for path in ("/health/", "/health/ready/", "/health/?format=text"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "checks" not in response.content.decode()
    assert client.get("/claims/").status_code == 302  # the pages are closed


def test_formats_follow_the_query_or_the_accept_header(no_redis, client, staff):
    assert client.get("/health/")["Content-Type"] == "application/json"  # a probe's */*
    assert client.get("/health/", HTTP_ACCEPT="application/json")["Content-Type"] == "application/json"
    assert client.get("/health/", HTTP_ACCEPT="text/plain").content == b"ok\n"
    assert client.get("/health/?format=text").content == b"ok\n"
    assert client.get("/health/", HTTP_ACCEPT="not a media type").status_code == 200
    page = staff.get("/health/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "<script" not in html and "migrations" in html  # under the CSP: no inline script
    assert "script-src 'self'" in page["Content-Security-Policy"]
    text = staff.get("/health/?format=text").content.decode()
    assert text.splitlines()[0] == "ok" and "broker: ok (no broker: tasks run in-process)" in text


def test_the_health_endpoints_are_not_throttled(no_redis, client, monkeypatch):
    monkeypatch.setattr(AnonReadThrottle, "THROTTLE_RATES", {**AnonReadThrottle.THROTTLE_RATES, "anon_read": "2/min"})
    from django.core.cache import cache

    cache.clear()
    assert [client.get("/api/v1/actors/").status_code for _ in range(3)] == [200, 200, 429]  # the API's is on
    assert {client.get("/health/").status_code for _ in range(10)} == {200}
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_the_compose_probe_exits_by_the_verdict(live_server, settings):
    """tools/healthcheck.py, as docker compose runs it, against a real server (its own thread, its own
    database connection): 0 while healthy, 1 once the cache is down."""

    def probe() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(ROOT / "tools" / "healthcheck.py"), f"{live_server.url}/health/"],
            capture_output=True,
            text=True,
            timeout=30,
            env={"DJANGO_ALLOWED_HOSTS": "fogwatch.example.org,localhost", "PATH": "/usr/bin:/bin"},
        )

    settings.ALLOWED_HOSTS = ["fogwatch.example.org"]  # the probe names the site, not 127.0.0.1
    healthy = probe()
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert healthy.stdout.strip().endswith(": 200 ok")

    settings.CACHES = redis_cache(CLOSED_PORT_URL)
    failing = probe()
    assert failing.returncode == 1, failing.stdout
    assert ": 503 unavailable" in failing.stdout
