"""Throttles and the login lockout: a clear 429 with Retry-After, the right password refused while
locked out, and each limit counting only what it should. The suite runs with the throttles off
(config/testing.py); each test here turns on the one it checks, with a small rate."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.test import APIClient

from core.api.throttles import AnonReadThrottle, TokenThrottle, WriteThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    """Throttles count in the cache: each test starts from nothing."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rates(monkeypatch):
    """Set throttle rates for one test (DRF reads them once, into the class)."""

    def set_rates(**scopes: str) -> None:
        for throttle in (AnonReadThrottle, WriteThrottle, TokenThrottle):
            monkeypatch.setattr(throttle, "THROTTLE_RATES", {**throttle.THROTTLE_RATES, **scopes})

    return set_rates


def test_anonymous_reads_past_the_rate_get_a_429_with_retry_after(rates):
    rates(anon_read="5/min")
    client = APIClient()
    codes = [client.get("/api/v1/actors/").status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    refused = client.get("/api/v1/claims/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"].lower()


def test_a_signed_in_reader_is_not_held_to_the_anonymous_rate(rates, analyst):
    rates(anon_read="2/min")
    client = APIClient()
    client.force_authenticate(analyst)
    assert {client.get("/api/v1/actors/").status_code for _ in range(5)} == {200}


def test_writes_past_the_rate_get_a_429_and_reads_still_answer(rates, editor_api):
    rates(write="3/min")
    codes = [
        editor_api.post("/api/v1/actors/", {"name": f"Group {n}", "kind": "armed_group"}, format="json").status_code
        for n in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]
    assert editor_api.get("/api/v1/actors/").json()["count"] == 3  # the refused writes wrote nothing
    assert editor_api.get("/api/v1/actors/").status_code == 200


def test_password_guessing_at_the_token_endpoint_is_throttled(rates, editor):
    rates(token="5/min")
    client = APIClient()
    guesses = [
        client.post("/api/v1/auth/token/", {"username": "editor", "password": f"guess-{n}"}).status_code
        for n in range(8)
    ]
    assert guesses == [400] * 5 + [429] * 3
    right = client.post("/api/v1/auth/token/", {"username": "editor", "password": "editor-pass-123"})
    assert right.status_code == 429 and int(right["Retry-After"]) > 0


def test_wrong_passwords_lock_the_token_endpoint_even_for_the_right_one(settings, editor):
    settings.AXES_FAILURE_LIMIT = 5
    client = APIClient()
    wrong = [
        client.post("/api/v1/auth/token/", {"username": "editor", "password": "nope"}).status_code for _ in range(8)
    ]
    right = client.post("/api/v1/auth/token/", {"username": "editor", "password": "editor-pass-123"})

    assert wrong[:4] == [400] * 4 and set(wrong[5:]) == {429}
    assert right.status_code == 429
    assert right["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    assert "Too many failed logins" in right.json()["detail"]
    assert "token" not in right.json()


def test_wrong_passwords_lock_the_admin_login_and_the_lock_ends_with_the_cool_off(settings, editor):
    settings.AXES_FAILURE_LIMIT = 5
    client = Client()
    wrong = [client.post("/admin/login/", {"username": "editor", "password": "nope"}).status_code for _ in range(6)]
    right = client.post("/admin/login/", {"username": "editor", "password": "editor-pass-123"})

    assert wrong[:4] == [200] * 4  # the login form again, with its error
    assert right.status_code == 429 and "Too many failed logins" in right.content.decode()
    assert int(right["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())
    assert "_auth_user_id" not in client.session

    AccessAttempt.objects.all().delete()  # the cool-off has passed (the attempts have expired)
    after = client.post("/admin/login/", {"username": "editor", "password": "editor-pass-123"})
    assert after.status_code == 302 and client.session["_auth_user_id"] == str(editor.pk)


def test_a_right_password_resets_the_count(settings, editor):
    settings.AXES_FAILURE_LIMIT = 3
    client = APIClient()
    for _ in range(2):
        assert client.post("/api/v1/auth/token/", {"username": "editor", "password": "nope"}).status_code == 400
    assert client.post("/api/v1/auth/token/", {"username": "editor", "password": "editor-pass-123"}).status_code == 200
    for _ in range(2):
        assert client.post("/api/v1/auth/token/", {"username": "editor", "password": "nope"}).status_code == 400
    assert client.post("/api/v1/auth/token/", {"username": "editor", "password": "editor-pass-123"}).status_code == 200


def test_the_production_defaults(settings):
    """What runs when nothing is set (the suite itself turns the throttles off in its environment)."""
    import subprocess
    import sys

    from core.api.throttles import __file__ as throttles_file

    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("FOGWATCH_THROTTLE_")}
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup();"
            "from django.conf import settings as s; print(s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']);"
            "print(s.AXES_ENABLED, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=__import__("pathlib").Path(throttles_file).parents[2],
        check=True,
    ).stdout.splitlines()
    assert shown == ["{'anon_read': '600/min', 'write': '600/min', 'token': '20/min'}", "True 10 0:15:00"]
