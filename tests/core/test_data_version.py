"""The data version (core/versions.py) changes with every write to what a claim list reads, by
any path, so counts cached under it are never stale."""

from datetime import date

import pytest
from django.db import connection, transaction

from actors.services import actor_update
from claims.models import Claim
from core.versions import VERSIONED_TABLES, cached_count, cached_for_version, data_version
from tests.factories import ActorFactory, ClaimFactory, LocationFactory, RelationFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql():
    assert connection.vendor == "postgresql", "the data version lives in PostgreSQL (tests run there)"


def test_every_versioned_table_has_the_trigger():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers"
            " WHERE trigger_name = 'fogwatch_data_version'"
        )
        tables = {row[0] for row in cursor.fetchall()}
    assert tables == set(VERSIONED_TABLES)


def test_writes_by_services_and_by_hand_change_the_version():
    seen = [data_version()]

    def changed() -> bool:
        seen.append(data_version())
        return seen[-1] != seen[-2]

    red, blue = ActorFactory(name="Red"), ActorFactory(name="Blue")
    assert changed()
    claim = ClaimFactory(claimant=red)
    assert changed()
    RelationFactory(claim=ClaimFactory(claimant=blue), target=claim, stance="denies")
    assert changed()
    actor_update(actor=blue, parent=red)  # a bloc move
    assert changed()
    LocationFactory()
    assert changed()
    SourceFactory()
    assert changed()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claim SET summary = summary || '.' WHERE id = %s", [claim.pk])
    assert changed()
    assert data_version() == seen[-1], "reading changes nothing"
    assert len(set(seen)) == len(seen)


def test_a_rolled_back_write_never_hands_its_version_out_again():
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        ActorFactory()
        inside = data_version()
        raise RuntimeError("roll back")
    assert data_version() == before
    ActorFactory()
    assert data_version() not in (before, inside)


def test_a_cached_count_follows_the_writes(api):
    red, blue = ActorFactory(name="Red"), ActorFactory(name="Blue")
    claims = [ClaimFactory(claimant=red, claimed_on=date(2021, 9, day)) for day in (1, 2, 3)]

    def contested() -> int:
        return api.get("/api/v1/claims/", {"status": "contested"}).json()["count"]

    assert contested() == 0
    assert contested() == 0  # from the cache now
    RelationFactory(claim=ClaimFactory(claimant=blue), target=claims[0], stance="denies")
    assert contested() == 1
    RelationFactory(claim=ClaimFactory(claimant=blue), target=claims[1], stance="denies")
    assert contested() == 2
    # A write that bypasses the services is seen as well.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_claim SET status = 'contested' WHERE id = %s", [claims[2].pk])
    assert contested() == 3
    assert cached_count(Claim.objects.filter(status="contested")) == 3


@pytest.mark.parametrize(("seconds", "computed"), [(600, 1), (0, 2)])
def test_a_value_is_computed_once_per_version_unless_the_cache_is_off(settings, seconds, computed):
    settings.FOGWATCH_VERSION_CACHE_SECONDS = seconds
    calls = []

    def compute() -> int:
        calls.append(1)
        return 42

    assert cached_for_version("answer", ("a", 1), compute) == 42
    assert cached_for_version("answer", ("a", 1), compute) == 42
    assert len(calls) == computed
    ActorFactory()  # a new version: computed afresh
    assert cached_for_version("answer", ("a", 1), compute) == 42
    assert len(calls) == computed + 1
