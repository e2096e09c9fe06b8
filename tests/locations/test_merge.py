"""Merging a near-duplicate place into another: every reference moves (claims, conflicts, webhook
subscriptions, the places below it), the name stays as an alias, rule 7 pairs the claims anew, the
history says so; bad input is a 400 naming ``into`` and writes nothing."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from locations.models import Location
from notifications.models import WebhookSubscription
from tests.factories import ActorFactory, ClaimFactory, ConflictFactory, LocationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(db):
    """Shattal and its misspelt twin Shotul, each with a control claim by an independent claimant:
    the claims cannot contradict while their places differ."""
    parwan = LocationFactory(name="Parwan", kind="province")
    shattal = LocationFactory(name="Shattal", parent=parwan, aliases=["Shatal"])
    shotul = LocationFactory(name="Shotul", parent=parwan, aliases=["Shutul"])
    bazaar = LocationFactory(name="Shotul bazaar", kind="area", parent=shotul)
    stall = LocationFactory(name="Bazaar gate", kind="facility", parent=bazaar)
    taliban = ActorFactory(name="Taliban")
    nrf = ActorFactory(name="National Resistance Front")
    held = ClaimFactory(
        claimant=taliban,
        kind="control",
        subject=taliban,
        location=shattal,
        event_start=date(2021, 9, 2),
        summary="The Taliban hold Shattal.",
    )
    denied = ClaimFactory(
        claimant=nrf,
        kind="control",
        subject=nrf,
        location=shotul,
        event_start=date(2021, 9, 2),
        summary="The resistance holds Shotul.",
    )
    conflict = ConflictFactory(places=[shotul])
    hook = WebhookSubscription.objects.create(
        name="Shotul watch", url="https://hooks.example.org/a", secret="s", location=shotul
    )
    return parwan, shattal, shotul, bazaar, stall, held, denied, conflict, hook


def test_merging_places_moves_every_reference_keeps_the_alias_and_the_claims_contradict(editor_api, twins):
    parwan, shattal, shotul, bazaar, stall, held, denied, conflict, hook = twins
    for claim in (held, denied):
        claim.refresh_from_db()
        assert claim.status == "unverified" and not claim.contested  # different places: no contradiction

    response = editor_api.post(f"/api/v1/locations/{shotul.pk}/merge/", {"into": shattal.pk}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["id"] == shattal.pk
    assert response.json()["aliases"] == ["Shatal", "Shotul", "Shutul"]
    assert not Location.objects.filter(pk=shotul.pk).exists()
    assert Claim.objects.get(pk=denied.pk).location_id == shattal.pk
    assert list(conflict.places.values_list("pk", flat=True)) == [shattal.pk]
    hook.refresh_from_db()
    assert hook.location_id == shattal.pk
    bazaar.refresh_from_db()
    stall.refresh_from_db()
    assert bazaar.parent_id == shattal.pk
    assert bazaar.path == f"{parwan.path}{shattal.pk}/{bazaar.pk}/"
    assert stall.path == f"{bazaar.path}{stall.pk}/"  # the whole subtree's paths follow
    below = set(Location.objects.filter(path__startswith=shattal.path).values_list("name", flat=True))
    assert below == {"Shattal", "Shotul bazaar", "Bazaar gate"}
    for claim in (held, denied):
        claim.refresh_from_db()
        assert claim.contested and claim.status == "contested"  # rule 7: same place now, different blocs
    assert {r["code"] for r in Claim.objects.get(pk=held.pk).reasons} >= {"contradicted_by"}
    # The flag history names the merge as the cause of the new contradiction.
    history = editor_api.get(f"/api/v1/claims/{held.pk}/history/").json()
    flags = [entry for entry in history if entry["kind"] == "flags" and entry["new"]["status"] == "contested"]
    assert [entry["cause"]["kind"] for entry in flags] == ["merge"]
    assert flags[0]["cause"]["id"] == shattal.pk and "Shattal" in flags[0]["cause"]["text"]


def test_the_merge_is_in_the_kept_place_history_and_the_moved_claim_history(editor_api, editor, twins):
    parwan, shattal, shotul, bazaar, stall, held, denied, conflict, hook = twins

    assert editor_api.post(f"/api/v1/locations/{shotul.pk}/merge/", {"into": shattal.pk}).status_code == 200

    record = shattal.history.order_by("-history_date", "-history_id").first()
    assert record.history_change_reason == f"Merged Shotul (#{shotul.pk}) into this"
    entries = editor_api.get(f"/api/v1/claims/{denied.pk}/history/").json()
    changed = [e for e in entries if e["kind"] == "edit" and e["object"] == "claim" and e["type"] == "changed"]
    moved = [c for e in changed for c in e["changes"] if c["field"] == "location"]
    assert moved, changed
    assert any(e["user"] and e["user"]["username"] == "editor" for e in changed)


@pytest.mark.parametrize("into", ["self", "child", "grandchild", 987654, "x", None, True])
def test_a_bad_place_merge_is_a_400_naming_into_and_writes_nothing(editor_api, twins, into):
    parwan, shattal, shotul, bazaar, stall, held, denied, conflict, hook = twins
    value = {"self": shotul.pk, "child": bazaar.pk, "grandchild": stall.pk}.get(into, into)

    response = editor_api.post(f"/api/v1/locations/{shotul.pk}/merge/", {"into": value}, format="json")

    assert response.status_code == 400
    assert "into" in response.json()
    assert Location.objects.filter(pk=shotul.pk).exists()
    assert Claim.objects.get(pk=denied.pk).location_id == shotul.pk
    assert Location.objects.get(pk=bazaar.pk).parent_id == shotul.pk


def test_a_missing_into_is_a_400(editor_api, twins):
    shotul = twins[2]
    response = editor_api.post(f"/api/v1/locations/{shotul.pk}/merge/", {}, format="json")
    assert response.status_code == 400 and "into" in response.json()


def test_only_editors_merge_places(analyst_api, api, twins):
    shattal, shotul = twins[1], twins[2]
    assert analyst_api.post(f"/api/v1/locations/{shotul.pk}/merge/", {"into": shattal.pk}).status_code == 403
    assert api.post(f"/api/v1/locations/{shotul.pk}/merge/", {"into": shattal.pk}).status_code in (401, 403)
    assert Location.objects.filter(pk=shotul.pk).exists()


def test_merging_a_place_into_its_parent_keeps_the_tree_whole(editor_api, twins):
    parwan, shattal, shotul, bazaar, stall, *_ = twins

    response = editor_api.post(f"/api/v1/locations/{bazaar.pk}/merge/", {"into": shotul.pk}, format="json")

    assert response.status_code == 200, response.json()
    stall.refresh_from_db()
    assert stall.parent_id == shotul.pk and stall.path == f"{shotul.path}{stall.pk}/"


def _merge_queries(editor_api, size):
    kept = LocationFactory(name=f"Kept {size}")
    twin = LocationFactory(name=f"Twin {size}")
    nrf = ActorFactory(name=f"NRF {size}")
    for n in range(size):
        child = LocationFactory(name=f"Hamlet {size}-{n}", parent=twin)
        LocationFactory(name=f"Farm {size}-{n}", parent=child)
        ClaimFactory(claimant=nrf, kind="control", subject=nrf, location=twin, event_start=date(2021, 9, 2 + n % 3))
    with CaptureQueriesContext(connection) as ctx:
        response = editor_api.post(f"/api/v1/locations/{twin.pk}/merge/", {"into": kept.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert Location.objects.filter(path__startswith=kept.path).count() == 1 + 2 * size
    return len(ctx.captured_queries)


def test_a_place_merge_runs_as_many_queries_however_much_it_moves(editor_api, db):
    _merge_queries(editor_api, 1)  # the first request reads the editor's permissions: not counted
    assert _merge_queries(editor_api, 2) == _merge_queries(editor_api, 12)


def test_waiting_intake_drafts_name_the_kept_place_and_actor(editor_api, twins):
    from intake.models import Intake

    parwan, shattal, shotul, *_ = twins
    talibs, taliban = ActorFactory(name="Talibs"), ActorFactory(name="Taleban movement")
    waiting = Intake.objects.create(
        text="…",
        drafts=[
            {"kind": "control", "claimant": talibs.pk, "subject": talibs.pk, "location": shotul.pk},
            {"kind": "statement", "claimant": taliban.pk, "location": parwan.pk},
        ],
    )
    done = Intake.objects.create(
        text="…", state="confirmed", drafts=[{"kind": "control", "claimant": talibs.pk, "location": shotul.pk}]
    )

    assert editor_api.post(f"/api/v1/locations/{shotul.pk}/merge/", {"into": shattal.pk}).status_code == 200
    assert editor_api.post(f"/api/v1/actors/{talibs.pk}/merge/", {"into": taliban.pk}).status_code == 200

    waiting.refresh_from_db()
    assert waiting.drafts == [
        {"kind": "control", "claimant": taliban.pk, "subject": taliban.pk, "location": shattal.pk},
        {"kind": "statement", "claimant": taliban.pk, "location": parwan.pk},
    ]
    done.refresh_from_db()
    assert done.drafts == [{"kind": "control", "claimant": talibs.pk, "location": shotul.pk}]  # the record stays
