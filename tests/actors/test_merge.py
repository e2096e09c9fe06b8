"""Merging a near-duplicate actor into another: every reference moves, the name stays as an alias,
the flags that change are recomputed, all in one transaction; bad input is a 400 naming ``into``."""

from datetime import date

import pytest

from actors.models import Actor
from claims.models import Claim
from tests.factories import ActorFactory, ClaimFactory, ConflictFactory, RelationFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def duplicates(db):
    ministry = ActorFactory(name="Defence Ministry (Afghanistan)", kind="government", aliases=["MoD"])
    spelled = ActorFactory(name="Defense Ministry (Afghanistan)", kind="government")
    spokesman = ActorFactory(name="Ministry spokesman", kind="person", parent=spelled)
    nrf = ActorFactory(name="National Resistance Front")
    claim = ClaimFactory(claimant=spelled, spokesperson=spokesman, summary="Forces hold the valley.")
    # The ministry denies a claim of its own bloc's duplicate: independent now, an echo after the merge.
    denial = ClaimFactory(claimant=ministry, summary="Nobody holds the valley.", claimed_on=date(2021, 9, 3))
    RelationFactory(claim=denial, target=claim, stance="denies")
    source = SourceFactory(name="Ministry channel", actor=spelled)
    conflict = ConflictFactory(parties=[spelled, nrf])
    return ministry, spelled, spokesman, claim, source, conflict


def test_merging_moves_every_reference_keeps_the_name_as_alias_and_recomputes(editor_api, duplicates):
    ministry, spelled, spokesman, claim, source, conflict = duplicates
    claim.refresh_from_db()
    assert claim.status == "contested"

    response = editor_api.post(f"/api/v1/actors/{spelled.pk}/merge/", {"into": ministry.pk}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["aliases"] == ["MoD", "Defense Ministry (Afghanistan)"]
    assert not Actor.objects.filter(pk=spelled.pk).exists()
    claim.refresh_from_db()
    assert claim.claimant_id == ministry.pk
    spokesman.refresh_from_db()
    assert spokesman.parent_id == ministry.pk and spokesman.bloc_id == ministry.pk
    source.refresh_from_db()
    assert source.actor_id == ministry.pk
    assert set(conflict.parties.values_list("name", flat=True)) == {ministry.name, "National Resistance Front"}
    assert claim.status == "unverified" and not claim.contested  # the denial is its own bloc's now: an echo
    record = ministry.history.order_by("-history_date").first()
    assert record.history_change_reason == f"Merged Defense Ministry (Afghanistan) (#{spelled.pk}) into this"


@pytest.mark.parametrize("into", ["self", "child", 987654, "x", None])
def test_a_bad_merge_is_a_400_naming_into_and_writes_nothing(editor_api, duplicates, into):
    ministry, spelled, spokesman, claim, source, conflict = duplicates
    value = {"self": spelled.pk, "child": spokesman.pk}.get(into, into)

    response = editor_api.post(f"/api/v1/actors/{spelled.pk}/merge/", {"into": value}, format="json")

    assert response.status_code == 400
    assert "into" in response.json()
    assert Actor.objects.filter(pk=spelled.pk).exists()
    assert Claim.objects.get(pk=claim.pk).claimant_id == spelled.pk


def test_only_editors_merge(analyst_api, api, duplicates):
    ministry, spelled, *_ = duplicates
    assert analyst_api.post(f"/api/v1/actors/{spelled.pk}/merge/", {"into": ministry.pk}).status_code == 403
    assert api.post(f"/api/v1/actors/{spelled.pk}/merge/", {"into": ministry.pk}).status_code in (401, 403)
    assert Actor.objects.filter(pk=spelled.pk).exists()
