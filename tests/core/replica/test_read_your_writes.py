"""Reads from a real streaming replica never go back in time for the client that wrote
(core/replica.py, docs/replicas.md).

The replica is a second PostgreSQL streaming from the primary (tests/support/replica.py); pausing
its replay makes it lag for as long as a test needs. A client that has just written reads the
primary until the replica has replayed its write, so it sees what it wrote and the flags its write
changed; everyone else reads the replica, which does not have the write yet (so the replica is
really used); once the replica has replayed the write, the writer reads it again; a replica that is
down is skipped.
"""

import hashlib
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connections
from django.http import StreamingHttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import Claim
from core import replica as read_routing
from tests.support.admin import claim_form_data
from tests.support.replica import REPLICA_DB

# One streaming replica per test process: under pytest-xdist (--dist loadgroup) these tests share a worker.
pytestmark = [REPLICA_DB, pytest.mark.xdist_group("replica")]

REPLAY_QUERY = "pg_last_wal_replay_lsn"


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def mark_key(client: APIClient) -> str:
    token = client._credentials["HTTP_AUTHORIZATION"].split()[1]
    return read_routing.CACHE_PREFIX + hashlib.sha256(token.encode()).hexdigest()


def replay_checks(run) -> int:
    """How many times the replica was asked how far it has replayed while ``run()`` ran."""
    with CaptureQueriesContext(connections[read_routing.REPLICA]) as queries:
        run()
    return sum(REPLAY_QUERY in q["sql"] for q in queries.captured_queries)


def listed(client, **params) -> tuple[int, set[int]]:
    body = client.get("/api/v1/claims/", params).json()
    return body["count"], {row["id"] for row in body["results"]}


@pytest.fixture
def other_editor(django_user_model):
    user = django_user_model.objects.create_user(username="other-editor", password="other-pass-123")
    user.groups.add(Group.objects.get(name="editors"))
    return user


@pytest.fixture
def target(make_claim, world):
    """A Taliban claim about Shattal, in both databases before the test starts."""
    return make_claim(world.taliban, location=world.shattal, summary="Taliban fighters entered Shattal.")


def test_a_token_client_reads_its_new_claim_at_once_while_the_replica_lags(world, editor, claim_payload, replica):
    tool, anonymous = token_client(editor), APIClient()
    replica.pause()

    created = tool.post("/api/v1/claims/", claim_payload, format="json")
    assert created.status_code == 201, created.json()
    claim = created.json()
    assert not replica.has("claims_claim", claim["id"]), "the replica lags: it has not replayed the write"

    body = tool.get(f"/api/v1/claims/{claim['id']}/")
    assert body.status_code == 200
    stored = Claim.objects.using("default").get(pk=claim["id"])
    assert (body.json()["status"], body.json()["contested"], body.json()["unverified"]) == (
        stored.status,
        stored.contested,
        stored.unverified,
    )
    assert (stored.status, stored.contested) == ("unverified", False)
    assert listed(tool, claimant=world.taliban.pk) == (1, {claim["id"]})
    export = tool.get("/api/v1/claims/export.jsonl")  # streamed: read while the response is sent
    assert str(claim["id"]) in b"".join(export.streaming_content).decode()

    # Everyone else reads the replica, which has not replayed the write.
    assert anonymous.get(f"/api/v1/claims/{claim['id']}/").status_code == 404
    assert listed(anonymous, claimant=world.taliban.pk) == (0, set())
    assert b"".join(anonymous.get("/api/v1/claims/export.jsonl").streaming_content) == b""


def test_a_streamed_response_reads_where_its_request_decided(world, editor, claim_payload, replica):
    """A streamed response (the exports) reads while it is sent, after the middleware returned."""
    tool = token_client(editor)
    replica.pause()
    claim = tool.post("/api/v1/claims/", claim_payload, format="json").json()

    def view(request):
        return StreamingHttpResponse(str(Claim.objects.filter(pk=claim["id"]).exists()) for _ in range(2))

    middleware = read_routing.ReadYourWritesMiddleware(view)
    writer = middleware(RequestFactory().get("/", HTTP_AUTHORIZATION=tool._credentials["HTTP_AUTHORIZATION"]))
    anonymous = middleware(RequestFactory().get("/"))
    assert b"".join(writer.streaming_content) == b"TrueTrue"
    assert b"".join(anonymous.streaming_content) == b"FalseFalse"


def test_a_denial_shows_the_claim_it_contests_as_contested_to_the_writer(world, editor, target, replica):
    tool, anonymous = token_client(editor), APIClient()
    assert tool.get(f"/api/v1/claims/{target.pk}/").json()["status"] == "unverified"
    # Read before the write, by both: cached values (counts under the data version) must not outlive it.
    assert tool.get(f"/api/v1/locations/{world.shattal.pk}/").json()["claim_count"] == 1
    assert listed(tool, status="contested")[0] == 0
    replica.pause()

    denial = tool.post(
        "/api/v1/claims/",
        {
            "claimant": world.dashti.pk,
            "claimed_on": "2021-09-03",
            "kind": "statement",
            "summary": "They did not advance even a kilometer.",
            "location": world.shattal.pk,
            "citations": [{"report": world.report.pk}],
        },
        format="json",
    ).json()
    relation = tool.post("/api/v1/relations/", {"claim": denial["id"], "target": target.pk, "stance": "denies"})
    assert relation.status_code == 201, relation.json()
    assert Claim.objects.using("default").get(pk=target.pk).contested is True
    assert replica.on_replica("SELECT contested FROM claims_claim WHERE id = %s", [target.pk]) == (False,)

    # The anonymous reader reads the replica first, filling the caches from the old state...
    assert anonymous.get(f"/api/v1/claims/{target.pk}/").json()["status"] == "unverified"
    assert listed(anonymous, status="contested") == (0, set())
    assert anonymous.get(f"/api/v1/locations/{world.shattal.pk}/").json()["claim_count"] == 1

    # ...and the writer still reads the state after its write: the claim, the list and the counts.
    body = tool.get(f"/api/v1/claims/{target.pk}/").json()
    assert (body["status"], body["contested"]) == ("contested", True)
    assert [r["claim"] for r in body["reasons"] if r["code"] == "denied_by"] == [denial["id"]]
    assert listed(tool, status="contested") == (1, {target.pk})
    assert tool.get(f"/api/v1/locations/{world.shattal.pk}/").json()["claim_count"] == 2

    replica.resume()
    replica.catch_up()
    assert anonymous.get(f"/api/v1/claims/{target.pk}/").json()["status"] == "contested"
    assert listed(anonymous, status="contested") == (1, {target.pk})
    assert anonymous.get(f"/api/v1/locations/{world.shattal.pk}/").json()["claim_count"] == 2


def test_a_browser_session_sees_its_own_write_on_the_pages(world, editor, target, replica):
    browser, anonymous = Client(), Client()
    browser.force_login(editor)
    replica.pause()

    # The denial is written in the admin, as an editor does.
    response = browser.post(
        reverse("admin:claims_claim_add"),
        _claim_form(claimant=world.dashti, summary="The NRF denies any advance.", report=world.report),
    )
    assert response.status_code == 302, response.content[:2000]
    denying = Claim.objects.using("default").get(summary="The NRF denies any advance.")
    response = browser.post(
        reverse("admin:claims_relation_add"), {"claim": denying.pk, "target": target.pk, "stance": "denies"}
    )
    assert response.status_code == 302
    assert browser.session[read_routing.SESSION_KEY]["lsn"], "the write is remembered in the session"

    page = browser.get(f"/claims/{target.pk}/")
    assert page.status_code == 200 and b"status-box-contested" in page.content
    assert browser.get(f"/claims/{denying.pk}/").status_code == 200
    assert target.summary.encode() in browser.get("/claims/", {"status": "contested"}).content

    stale = anonymous.get(f"/claims/{target.pk}/")
    assert stale.status_code == 200 and b"status-box-unverified" in stale.content
    assert anonymous.get(f"/claims/{denying.pk}/").status_code == 404


def _claim_form(*, claimant, summary, report) -> dict:
    return claim_form_data(
        claimant=claimant, claimed_on=date(2021, 9, 3), kind="statement", summary=summary, citations=[(report, "")]
    )


def test_the_mark_clears_once_the_replica_has_replayed_the_write(world, editor, other_editor, claim_payload, replica):
    tool, other, anonymous = token_client(editor), token_client(other_editor), APIClient()

    # No mark, no question to the replica: anonymous readers and clients that have not written.
    assert replay_checks(lambda: anonymous.get("/api/v1/claims/")) == 0
    assert replay_checks(lambda: tool.get("/api/v1/claims/")) == 0

    replica.pause()
    first = tool.post("/api/v1/claims/", claim_payload, format="json").json()
    assert cache.get(mark_key(tool))["lsn"]
    assert replay_checks(lambda: tool.get(f"/api/v1/claims/{first['id']}/")) == 1  # one question per request
    assert replay_checks(lambda: tool.get(f"/api/v1/claims/{first['id']}/")) == 1  # not replayed: asked again

    replica.resume()
    replica.catch_up()
    assert replay_checks(lambda: tool.get(f"/api/v1/claims/{first['id']}/")) == 1  # replayed: the mark goes
    assert cache.get(mark_key(tool)) is None
    assert replay_checks(lambda: tool.get(f"/api/v1/claims/{first['id']}/")) == 0

    # Back on the replica: another editor's write, not replayed yet, is not seen by the first one.
    replica.pause()
    second = other.post("/api/v1/claims/", {**claim_payload, "summary": "A second claim."}, format="json").json()
    assert other.get(f"/api/v1/claims/{second['id']}/").status_code == 200
    assert tool.get(f"/api/v1/claims/{second['id']}/").status_code == 404
    assert listed(tool, claimant=world.taliban.pk) == (1, {first["id"]})


def test_a_replica_that_is_down_is_skipped(world, editor, other_editor, claim_payload, replica, settings, caplog):
    tool, anonymous = token_client(editor), APIClient()
    replica.pause()
    claim = tool.post("/api/v1/claims/", claim_payload, format="json").json()
    anonymous.get("/api/v1/claims/")  # a persistent connection to the replica, about to die
    replica.stop()

    # Reads answer from the primary: the claim the replica never replayed is there.
    assert anonymous.get(f"/api/v1/claims/{claim['id']}/").status_code == 200
    assert listed(anonymous, claimant=world.taliban.pk) == (1, {claim["id"]})
    assert tool.get(f"/api/v1/claims/{claim['id']}/").json()["status"] == "unverified"
    assert Client().get(f"/claims/{claim['id']}/").status_code == 200
    assert any("read replica cannot be reached" in r.getMessage() for r in caplog.records)

    # Started again, the replica is used again (once FOGWATCH_REPLICA_RETRY_SECONDS has passed).
    replica.start()
    read_routing.forget_down()
    replica.catch_up()
    replica.pause()
    other = token_client(other_editor)
    unseen = other.post("/api/v1/claims/", {**claim_payload, "summary": "Written after the restart."}, format="json")
    assert anonymous.get(f"/api/v1/claims/{unseen.json()['id']}/").status_code == 404
    assert anonymous.get(f"/api/v1/claims/{claim['id']}/").status_code == 200
