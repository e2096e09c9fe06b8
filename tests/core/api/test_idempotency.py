"""Idempotent creates (core/api/idempotency.py): an ``Idempotency-Key`` header on a POST makes a retry
answer what the first request answered, and write nothing.

For every create of the API: a retry replays the first answer (same status, body and Location, with
``Idempotent-Replayed: true``) and no row of any table changes; the same key with another body is a
422 and writes nothing; another user's key is their own; an expired key starts a new create; a bad
key is a 400 naming the header. Then, against a live server on PostgreSQL: two requests at once with
one key make one row (the second is told the first is running: 409); a client that gave up gets the
answer on its retry; a worker killed mid-create (gunicorn's timeout, the case of issue 15) left
nothing behind, and the retry creates exactly once.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import quote, urlsplit
from urllib.request import urlopen

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from actors.models import Actor
from core.models import IdempotencyRecord
from core.tasks import idempotency_sweep
from intake.models import Intake
from locations.models import Location
from notifications.models import WebhookSubscription
from sources.models import Source
from tests.core.api.test_contract import RESOURCES
from tests.factories import ActorFactory, LocationFactory, SourceFactory
from tests.intake.test_api import REUTERS_ITEM, two_drafts  # noqa: F401  (a fixture: an intake with two drafts)

HEADER = "Idempotency-Key"
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and LOCK TABLE are PostgreSQL's (CI runs on it)"
)


@dataclass(frozen=True)
class Create:
    path: str
    model: type[models.Model]
    body: Callable[[Any, Callable], dict[str, Any]]
    change: dict[str, Any]  # another body for the same path: the same fields, one value changed


CHANGES = {
    "actors": {"name": "Blue Unit"},
    "locations": {"name": "Dara"},
    "sources": {"name": "BBC Pashto"},
    "reports": {"title": "Fighting in Parwan", "url": "https://rt.example/2"},
    "claims": {"summary": "The Taliban took Bazarak."},
    "relations": {"stance": "contradicts"},
    "conflicts": {"name": "Panjshir fighting"},
}
CREATES = [Create(f"/api/v1/{r.path}/", r.model, r.create, CHANGES[r.path]) for r in RESOURCES] + [
    Create(
        "/api/v1/webhooks/",
        WebhookSubscription,
        lambda w, m: {"name": "Newsroom", "url": "https://hooks.example/fogwatch", "secret": "s3cret"},
        {"name": "Desk"},
    ),
    Create(
        "/api/v1/intake/",
        Intake,
        lambda w, m: {"text": REUTERS_ITEM, "title": "Taliban say Panjshir taken", "source": w.source.pk},
        {"title": "Taliban say the valley is theirs"},
    ),
]
assert len(CREATES) == 9


@pytest.fixture(params=CREATES, ids=[c.path.split("/")[3] for c in CREATES])
def create(request):
    return request.param


def rows() -> dict[str, int]:
    """Rows in every table (history and many-to-many tables included)."""
    return {m._meta.db_table: m._default_manager.count() for m in apps.get_models(include_auto_created=True)}


def post(client: APIClient, path: str, body: Any, key: str | None = None, **extra: Any):
    if key is not None:
        extra[f"HTTP_{HEADER.upper().replace('-', '_')}"] = key
    return client.post(path, body, format="json", **extra)


@pytest.fixture
def second_editor(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username="editor2", password="editor-pass-456", is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    client = APIClient()
    client.force_authenticate(user)
    return client


# -- every POST takes the header ----------------------------------------------------------------


def test_every_post_of_the_api_takes_the_header_but_the_token_endpoint():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    posts = {path: ops["post"] for path, ops in schema["paths"].items() if "post" in ops}
    assert set(posts) == {
        *(c.path for c in CREATES),
        "/api/v1/intake/{id}/confirm/",
        "/api/v1/intake/{id}/discard/",
        "/api/v1/actors/{id}/merge/",
        "/api/v1/locations/{id}/merge/",
        "/api/v1/sources/{id}/merge/",
        "/api/v1/imports/",
        "/api/v1/auth/token/",
    }
    for path, operation in posts.items():
        headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
        if path == "/api/v1/auth/token/":
            assert HEADER not in headers and "422" not in operation["responses"]
            continue
        assert not headers[HEADER].get("required", False), path
        assert headers[HEADER]["schema"]["type"] == "string", path
        assert {"400", "409", "422"} <= set(operation["responses"]), path
    for path, ops in schema["paths"].items():  # and only POSTs
        for method in set(ops) - {"post", "parameters"}:
            assert HEADER not in {p["name"] for p in ops[method].get("parameters", [])}, (method, path)


# -- a retry is the first answer again ------------------------------------------------------------


def test_a_retry_replays_the_first_answer_and_writes_nothing(create, world, make_claim, editor_api):
    body = create.body(world, make_claim)
    first = post(editor_api, create.path, body, "retry-1")
    assert first.status_code == 201, first.content
    assert first.get("Idempotent-Replayed") is None
    before = rows()

    again = post(editor_api, create.path, body, "retry-1")

    assert again.status_code == 201
    assert again.content == first.content
    data = first.json()
    assert again["Location"] == first["Location"] == data.get("api_url", data.get("url"))
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert rows() == before
    assert create.model.objects.filter(pk=first.json()["id"]).exists()
    record = IdempotencyRecord.objects.get(key="retry-1")
    assert (record.method, record.path, record.status_code) == ("POST", create.path, 201)


def test_the_same_key_with_another_body_is_a_422_naming_the_header_and_writes_nothing(
    create, world, make_claim, editor_api
):
    body = create.body(world, make_claim)
    assert post(editor_api, create.path, body, "k-1").status_code == 201
    before = rows()

    response = post(editor_api, create.path, {**body, **create.change}, "k-1")

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert f"{HEADER} (“k-1”) was first sent with a different body to POST {create.path}" in detail
    assert rows() == before


def test_another_users_key_is_their_own(create, world, make_claim, editor_api, second_editor):
    body = create.body(world, make_claim)
    first = post(editor_api, create.path, body, "shared-key")
    assert first.status_code == 201

    theirs = post(second_editor, create.path, {**body, **create.change}, "shared-key")

    assert theirs.status_code == 201, theirs.content
    assert theirs.get("Idempotent-Replayed") is None
    assert theirs.json()["id"] != first.json()["id"]
    assert create.model.objects.filter(pk__in=[first.json()["id"], theirs.json()["id"]]).count() == 2
    assert IdempotencyRecord.objects.filter(key="shared-key").count() == 2


def test_an_expired_key_starts_a_new_create(create, world, make_claim, editor_api):
    body = create.body(world, make_claim)
    first = post(editor_api, create.path, body, "old-key")
    IdempotencyRecord.objects.filter(key="old-key").update(expires_at=timezone.now() - timedelta(seconds=1))

    later = post(editor_api, create.path, {**body, **create.change}, "old-key")

    assert later.status_code == 201, later.content
    assert later.get("Idempotent-Replayed") is None and later.json()["id"] != first.json()["id"]
    assert create.model.objects.filter(pk__in=[first.json()["id"], later.json()["id"]]).count() == 2
    record = IdempotencyRecord.objects.get(key="old-key")
    assert record.expires_at > timezone.now() and json.loads(bytes(record.body))["id"] == later.json()["id"]


def test_a_key_past_255_characters_is_a_400_naming_the_header(create, world, make_claim, editor_api):
    body = create.body(world, make_claim)  # (a relation's body makes its claims)
    before = rows()
    response = post(editor_api, create.path, body, "k" * 256)
    assert response.status_code == 400
    assert response.json() == {HEADER: [f"The {HEADER} header is longer than 255 characters (256 were sent)."]}
    assert rows() == before


@pytest.mark.parametrize(
    "key, message",
    [
        ("", "is empty"),
        ('""', "is empty"),
        ("clé", "holds characters other than printable ASCII"),
        ("tab\there", "holds characters other than printable ASCII"),
        ('"a"b"', "unescaped quote inside"),
        ('"a\\b"', 'bad escape "\\b"'),
    ],
)
def test_bad_keys_are_400s_naming_the_header(world, editor_api, key, message):
    before = rows()
    response = post(editor_api, "/api/v1/actors/", {"name": "Red Unit"}, key)
    assert response.status_code == 400
    assert list(response.json()) == [HEADER] and message in response.json()[HEADER][0]
    assert rows() == before


def test_a_key_of_255_characters_and_a_quoted_key_are_taken(world, editor_api):
    assert post(editor_api, "/api/v1/actors/", {"name": "Red Unit"}, "k" * 255).status_code == 201
    first = post(editor_api, "/api/v1/actors/", {"name": "Blue Unit"}, '"8e03978e-40d5 \\"x\\""')
    assert first.status_code == 201
    # The IETF draft's quoted form and the bare key are the same key.
    again = post(editor_api, "/api/v1/actors/", {"name": "Blue Unit"}, '8e03978e-40d5 "x"')
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    assert Actor.objects.filter(name="Blue Unit").count() == 1


# -- what a key is bound to -----------------------------------------------------------------------


def test_the_same_key_on_another_path_is_a_422(world, editor_api):
    assert post(editor_api, "/api/v1/actors/", {"name": "Red Unit"}, "k-2").status_code == 201
    before = rows()
    response = post(editor_api, "/api/v1/sources/", {"name": "Red Unit"}, "k-2")
    assert response.status_code == 422
    assert response.json() == {
        "detail": f"This {HEADER} (“k-2”) was first sent to POST /api/v1/actors/: a different request needs a new key."
    }
    assert rows() == before


def test_the_body_is_compared_as_data_not_as_bytes(world, editor_api):
    """A retry may serialise the body afresh: other key order and spacing are the same request."""
    first = editor_api.post(
        "/api/v1/actors/",
        '{"name": "Red Unit", "aliases": ["RU", "Reds"]}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-3",
    )
    again = editor_api.post(
        "/api/v1/actors/",
        '{"aliases":["RU","Reds"],"name":"Red Unit"}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-3",
    )
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    reordered = post(editor_api, "/api/v1/actors/", {"name": "Red Unit", "aliases": ["Reds", "RU"]}, "k-3")
    assert reordered.status_code == 422  # the order of a list is data
    assert Actor.objects.filter(name="Red Unit").count() == 1


def test_without_the_header_every_post_writes(world, editor_api):
    assert post(editor_api, "/api/v1/actors/", {"name": "Red Unit"}).status_code == 201
    assert post(editor_api, "/api/v1/actors/", {"name": "Red Unit"}).status_code == 201
    assert Actor.objects.filter(name="Red Unit").count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_other_methods_ignore_the_header(world, editor_api):
    actor = world.reuters
    for _ in range(2):
        response = editor_api.patch(
            f"/api/v1/actors/{actor.pk}/", {"description": "A news agency."}, format="json", HTTP_IDEMPOTENCY_KEY=""
        )
        assert response.status_code == 200 and response.get("Idempotent-Replayed") is None
    assert not IdempotencyRecord.objects.exists()


def test_an_anonymous_post_with_a_key_is_a_401_and_keeps_nothing(world, api):
    response = post(api, "/api/v1/actors/", {"name": "Red Unit"}, "k-4")
    assert response.status_code == 401
    assert not IdempotencyRecord.objects.exists() and not Actor.objects.filter(name="Red Unit").exists()


def test_a_refused_post_keeps_nothing_and_its_key_serves_the_corrected_one(world, editor_api, analyst_api):
    """A 4xx wrote nothing, so nothing is kept: the key is free for the corrected request (Stripe's rule
    for requests that failed validation)."""
    bad = post(editor_api, "/api/v1/actors/", {"name": "Red Unit", "kind": "dragon"}, "k-5")
    assert bad.status_code == 400 and list(bad.json()) == ["kind"]
    assert not IdempotencyRecord.objects.exists()

    good = post(editor_api, "/api/v1/actors/", {"name": "Red Unit", "kind": "armed_group"}, "k-5")
    assert good.status_code == 201
    again = post(editor_api, "/api/v1/actors/", {"name": "Red Unit", "kind": "armed_group"}, "k-5")
    assert again["Idempotent-Replayed"] == "true" and again.content == good.content

    assert post(analyst_api, "/api/v1/actors/", {"name": "Blue Unit"}, "k-6").status_code == 403
    assert not IdempotencyRecord.objects.filter(key="k-6").exists()
    assert Actor.objects.filter(name__in=["Red Unit", "Blue Unit"]).count() == 1


def test_a_retried_confirm_answers_what_the_first_made(editor_api, two_drafts):  # noqa: F811
    """The intake's confirm makes claims: without a key its retry is a 409 (already confirmed), with one it
    answers again what was made."""
    from claims.models import Claim

    path = f"/api/v1/intake/{two_drafts.pk}/confirm/"
    first = post(editor_api, path, {"drafts": [0, 1]}, "confirm-1")
    assert first.status_code == 200, first.content
    claims = Claim.objects.count()

    again = post(editor_api, path, {"drafts": [0, 1]}, "confirm-1")

    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and len(first.json()["claims"]) == 2
    assert Claim.objects.count() == claims
    assert post(editor_api, path, {"drafts": [0, 1]}).status_code == 409  # without the key: already confirmed


def test_a_retried_merge_answers_the_actor_it_merged_into(editor_api):
    """Without a key, a merge's retry finds its actor gone (404); with one, it answers the merge again."""
    kept = ActorFactory(name="Defence Ministry (Afghanistan)")
    twin = ActorFactory(name="Defense Ministry (Afghanistan)")
    path = f"/api/v1/actors/{twin.pk}/merge/"
    first = post(editor_api, path, {"into": kept.pk}, "merge-1")
    assert first.status_code == 200, first.content

    again = post(editor_api, path, {"into": kept.pk}, "merge-1")

    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and first.json()["id"] == kept.pk
    assert not Actor.objects.filter(pk=twin.pk).exists()
    assert post(editor_api, path, {"into": kept.pk}).status_code == 404


@pytest.mark.parametrize("kind", ["locations", "sources"])
def test_a_retried_place_or_source_merge_answers_the_one_it_merged_into(editor_api, kind):
    make = {"locations": LocationFactory, "sources": SourceFactory}[kind]
    model = {"locations": Location, "sources": Source}[kind]
    kept, twin = make(name="Shattal"), make(name="Shotul")
    path = f"/api/v1/{kind}/{twin.pk}/merge/"
    first = post(editor_api, path, {"into": kept.pk}, f"merge-{kind}")
    assert first.status_code == 200, first.content

    again = post(editor_api, path, {"into": kept.pk}, f"merge-{kind}")

    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and first.json()["aliases"] == ["Shotul"]
    assert list(model.objects.values_list("pk", flat=True)) == [kept.pk]
    assert post(editor_api, path, {"into": kept.pk}).status_code == 404


# -- expiry ---------------------------------------------------------------------------------------


def test_keys_live_for_the_setting_and_are_swept(world, editor_api, settings):
    settings.FOGWATCH_IDEMPOTENCY_SECONDS = 60
    assert post(editor_api, "/api/v1/actors/", {"name": "Red Unit"}, "k-7").status_code == 201
    record = IdempotencyRecord.objects.get(key="k-7")
    assert timedelta(seconds=55) < record.expires_at - timezone.now() <= timedelta(seconds=60)

    IdempotencyRecord.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert post(editor_api, "/api/v1/actors/", {"name": "Blue Unit"}, "k-8").status_code == 201
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["k-8"]  # a new key sweeps on its way

    IdempotencyRecord.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert idempotency_sweep() == {"deleted": 1}  # the periodic task (celery beat: idempotency-sweep)
    assert not IdempotencyRecord.objects.exists()
    assert "idempotency-sweep" in settings.CELERY_BEAT_SCHEDULE


# -- a live server on PostgreSQL: concurrency, clients that gave up, workers that died ------------


def call(base: str, token: str, body: dict, key: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(
            "POST",
            "/api/v1/actors/",
            json.dumps(body),
            {"Content-Type": "application/json", "Authorization": f"Token {token}", HEADER: key},
        )
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


class TableLock:
    """``LOCK TABLE … IN SHARE MODE`` from a connection of its own: reads go on, an INSERT into the table
    waits until ``release()``. A create is held mid-transaction, as a slow one would be."""

    def __init__(self, table: str):
        import psycopg2

        s = connection.settings_dict
        self.table = table
        self.conn = psycopg2.connect(
            dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"], host=s["HOST"], port=s["PORT"] or 5432
        )
        self.conn.cursor().execute(f"LOCK TABLE {table} IN SHARE MODE")

    def waiting(self) -> int:
        """Sessions waiting for the table."""
        with self.conn.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = '{self.table}'::regclass")
            return cursor.fetchone()[0]

    def wait_for(self, sessions: int, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while self.waiting() < sessions:
            assert time.monotonic() < deadline, f"no request reached the insert into {self.table}"
            time.sleep(0.05)

    def release(self) -> None:
        if not self.conn.closed:
            self.conn.rollback()
            self.conn.close()


@pytest.fixture
def token(transactional_db, editor) -> str:
    return Token.objects.create(user=editor).key


@on_postgresql
def test_a_retry_while_the_first_runs_is_a_409_and_one_row_is_made(live_server, token):
    lock = TableLock("actors_actor")
    results: list[tuple[int, dict[str, str], bytes]] = []
    try:
        first = threading.Thread(target=lambda: results.append(call(live_server.url, token, {"name": "Red Unit"}, "k")))
        first.start()
        lock.wait_for(1)  # the first request is inside its transaction, holding the key

        status, _, body = call(live_server.url, token, {"name": "Red Unit"}, "k")
        assert status == 409
        assert json.loads(body)["detail"].startswith(f"A request with this {HEADER} (“k”) is still running")
        status, _, body = call(live_server.url, token, {"name": "Blue Unit"}, "k")
        assert status == 422  # another body: told so even while the first runs
    finally:
        lock.release()
    first.join(30)
    [(status, headers, body)] = results
    assert status == 201 and "Idempotent-Replayed" not in headers

    replayed = call(live_server.url, token, {"name": "Red Unit"}, "k")
    assert replayed[0] == 201 and replayed[1]["Idempotent-Replayed"] == "true" and replayed[2] == body
    assert Actor.objects.filter(name="Red Unit").count() == 1
    assert not Actor.objects.filter(name="Blue Unit").exists()


@on_postgresql
def test_requests_racing_with_one_key_make_one_row(live_server, token):
    start = threading.Barrier(6)
    results: list[tuple[int, dict[str, str], bytes]] = []

    def send() -> None:
        start.wait()
        results.append(call(live_server.url, token, {"name": "Red Unit"}, "race"))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(results) == 6
    assert {status for status, _, _ in results} <= {201, 409}
    created = {json.loads(body)["id"] for status, _, body in results if status == 201}
    assert len(created) == 1
    assert Actor.objects.filter(name="Red Unit").count() == 1
    assert sum(1 for status, headers, _ in results if status == 201 and "Idempotent-Replayed" not in headers) == 1


@on_postgresql
def test_a_client_that_gave_up_gets_the_answer_on_its_retry(live_server, token):
    """The client's timeout passes while the create is held; it hangs up. The server finishes and commits the
    create with its answer; the retry gets that answer, not a second actor."""
    lock = TableLock("actors_actor")
    try:
        with pytest.raises(TimeoutError):
            call(live_server.url, token, {"name": "Red Unit"}, "gave-up", timeout=1)
        lock.wait_for(1)
    finally:
        lock.release()
    deadline = time.monotonic() + 20
    while not IdempotencyRecord.objects.filter(key="gave-up", status_code=201).exists():
        assert time.monotonic() < deadline, "the abandoned request never committed"
        time.sleep(0.05)

    status, headers, body = call(live_server.url, token, {"name": "Red Unit"}, "gave-up")

    assert status == 201 and headers["Idempotent-Replayed"] == "true"
    actor = Actor.objects.get(name="Red Unit")
    assert json.loads(body)["id"] == actor.pk


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Gunicorn:
    url: str
    log: Path


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    """gunicorn as production runs it (config.wsgi, sync workers), on the test database, with a 3-second
    worker timeout."""
    s = connection.settings_dict
    credentials = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{credentials}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
        "DJANGO_DEBUG": "false",
        "DATABASE_CONN_MAX_AGE": "0",
    }
    # The app and its views are loaded in the master before the worker forks (loaded by the worker's first
    # request instead, they could take longer than the timeout, and the worker would be killed there).
    config = tmp_path / "gunicorn.conf.py"
    config.write_text(
        "preload_app = True\n\n"
        "def when_ready(server):\n"
        "    from django.urls import get_resolver\n"
        "    get_resolver().url_patterns\n"
    )
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--config", str(config)]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "3", "--graceful-timeout", "1"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-2000:]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        with suppress(HTTPError):  # the worker is up and has answered (a 401 when reads are closed)
            urlopen(f"http://127.0.0.1:{port}/api/v1/", timeout=60).close()
        yield Gunicorn(f"http://127.0.0.1:{port}", tmp_path / "gunicorn.log")
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # the master and its worker (a test server: no graceful stop)
        server.wait()
        log.close()


@on_postgresql
@pytest.mark.timeout(120)
def test_a_create_killed_by_the_workers_timeout_left_nothing_and_the_retry_creates_once(gunicorn, token):
    """Issue 15's case: the create ran past gunicorn's timeout, the worker was killed, the client got no
    answer. Before, the claim was committed anyway and a retry duplicated it; now the create and its key
    commit together or not at all."""
    lock = TableLock("actors_actor")
    answers: list[Any] = []

    def first() -> None:
        try:
            answers.append(call(gunicorn.url, token, {"name": "Red Unit"}, "killed", timeout=60))
        except (http.client.RemoteDisconnected, ConnectionError) as exc:
            answers.append(exc)

    held = threading.Thread(target=first)
    try:
        held.start()
        lock.wait_for(1)  # the create is inside its transaction, holding the key, waiting for the table
        held.join(60)  # past the timeout the worker is killed: the client gets no answer
        [answer] = answers
        assert isinstance(answer, Exception), f"answered: {answer}; gunicorn: {gunicorn.log.read_text()[-3000:]}"
        # The dead worker's database session still waits for the table, holding the key's row.
        assert lock.waiting() == 1
        status, _, _ = call(gunicorn.url, token, {"name": "Red Unit"}, "killed")
        assert status == 409
    finally:
        lock.release()
    # The orphaned session's transaction never commits (its client is gone): the key is free once it ends.
    deadline = time.monotonic() + 30
    while True:
        status, headers, body = call(gunicorn.url, token, {"name": "Red Unit"}, "killed")
        if status != 409:
            break
        assert time.monotonic() < deadline, "the killed request's session never ended"
        time.sleep(0.2)

    assert status == 201 and "Idempotent-Replayed" not in headers
    again = call(gunicorn.url, token, {"name": "Red Unit"}, "killed")
    assert again[0] == 201 and again[1]["Idempotent-Replayed"] == "true" and again[2] == body
    assert Actor.objects.filter(name="Red Unit").count() == 1
