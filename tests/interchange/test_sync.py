"""Sync for tools: the tombstone feed, and a mirror built from updated_since and the feed equals the source."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from claims.models import Claim, Tombstone
from claims.services import claim_delete, claim_update, relation_create
from tests.factories import ActorFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def test_a_deleted_claim_appears_in_the_tombstone_feed(api):
    claim = ClaimFactory()
    kept = ClaimFactory()
    before = timezone.now()
    deleted_id = claim.pk
    claim_delete(claim=claim)
    response = api.get("/api/v1/claims/deleted/", {"since": before.isoformat()})
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["id"] == deleted_id
    assert row["id"] != kept.pk
    assert row["deleted_at"] >= before.isoformat()[:19]
    assert (
        api.get("/api/v1/claims/deleted/", {"since": (timezone.now() + timedelta(seconds=1)).isoformat()}).json()[
            "results"
        ]
        == []
    )
    # Without since: every deletion, paginated.
    assert api.get("/api/v1/claims/deleted/").json()["count"] == 1


def test_since_accepts_a_date_and_refuses_garbage(api):
    claim = ClaimFactory()
    claim_delete(claim=claim)
    assert api.get("/api/v1/claims/deleted/", {"since": timezone.localdate().isoformat()}).json()["count"] == 1
    response = api.get("/api/v1/claims/deleted/", {"since": "yesterday"})
    assert response.status_code == 400
    assert "since" in response.json()
    assert api.get("/api/v1/claims/deleted/", {"since": "2024-13-45T99:00:00"}).status_code == 400


def sync(api, mirror: dict, since) -> object:
    """What a tool does: fetch claims changed since its last sync, then the deletions since then."""
    started = timezone.now()
    params = {"page_size": 500, **({"updated_since": since.isoformat()} if since else {})}
    response = api.get("/api/v1/claims/", params)
    while True:
        assert response.status_code == 200, response.content
        page = response.json()
        for claim in page["results"]:
            mirror[claim["id"]] = (claim["summary"], claim["status"], claim["contested"], claim["updated_at"])
        if not page["next"]:
            break
        response = api.get(page["next"])
    response = api.get("/api/v1/claims/deleted/", {"since": since.isoformat()} if since else {})
    while True:
        page = response.json()
        for tombstone in page["results"]:
            mirror.pop(tombstone["id"], None)
        if not page["next"]:
            break
        response = api.get(page["next"])
    return started


def source_state(api) -> dict:
    state = {}
    response = api.get("/api/v1/claims/", {"page_size": 500})
    for claim in response.json()["results"]:
        state[claim["id"]] = (claim["summary"], claim["status"], claim["contested"], claim["updated_at"])
    return state


def test_a_mirror_built_from_updated_since_and_tombstones_equals_the_source(api):
    taliban, nrf = ActorFactory(name="Taliban"), ActorFactory(name="NRF")
    claims = [ClaimFactory(claimant=taliban, claimed_on=date(2021, 9, 2)) for _ in range(5)]
    mirror: dict = {}
    last = sync(api, mirror, None)
    assert mirror == source_state(api)

    # Changes of every sort: a new claim, an edit, a flag change caused by another claim, a deletion.
    ClaimFactory(claimant=nrf, summary="A new claim.")
    claim_update(claim=claims[0], summary="An edited summary.")
    denial = ClaimFactory(claimant=nrf, claimed_on=date(2021, 9, 3))
    relation_create(claim=denial, target=claims[1], stance="denies")
    deleted_id = claims[2].pk
    claim_delete(claim=claims[2])
    assert Tombstone.objects.filter(claim_id=deleted_id).exists()

    last = sync(api, mirror, last)
    assert mirror == source_state(api)
    assert mirror[claims[1].pk][1] == "contested"
    assert deleted_id not in mirror
    assert len(mirror) == Claim.objects.count() == 6

    # Nothing changed: a sync is a no-op.
    sync(api, mirror, last)
    assert mirror == source_state(api)
