"""The Panjshir example: it loads twice without duplicates and its flags read as an analyst expects."""

from datetime import date

import pytest
from django.core.management import call_command

from actors.models import Actor
from claims.models import Citation, Claim, Conflict, Relation
from claims.selectors import conflict_claims_q, flags_as_of
from devdata.examples import CLAIMS, RELATIONS, load_panjshir_2021
from locations.models import Location
from sources.models import Report, Source

pytestmark = pytest.mark.django_db

MODELS = (Actor, Location, Source, Report, Claim, Citation, Relation, Conflict)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def fresh(claim):
    return Claim.objects.get(pk=claim.pk)


def test_loading_twice_creates_nothing_new(panjshir):
    first = counts()
    updated = {pk: at for pk, at in Claim.objects.values_list("pk", "updated_at")}
    load_panjshir_2021()
    assert counts() == first
    assert dict(Claim.objects.values_list("pk", "updated_at")) == updated
    assert first["Claim"] == len(CLAIMS)
    assert Relation.objects.filter(origin="editor").count() == len(RELATIONS)


def test_the_command_loads_the_example_idempotently(db, capsys):
    call_command("load_example", "panjshir-2021")
    first = counts()
    call_command("load_example", "panjshir-2021")
    assert counts() == first
    assert "Loaded panjshir-2021" in capsys.readouterr().out


def test_every_claim_is_cited_and_made_by_a_party_with_a_bloc(panjshir):
    for claim in panjshir.values():
        assert claim.citations.exists(), claim.summary
        assert claim.claimant.bloc_id is not None


def test_the_taliban_capture_claim_is_contested_by_the_nrf_and_unverified(panjshir):
    capture = fresh(panjshir["taliban-capture"])
    assert (capture.status, capture.contested, capture.unverified) == ("contested", True, True)
    denial = panjshir["nrf-denial"]
    assert {
        "code": "denied_by",
        "claim": denial.pk,
        "actor": denial.claimant_id,
        "on": "2021-09-03",
        "text": "Denied by National Resistance Front (Fahim Dashti) on 2021-09-03",
    } in capture.reasons
    assert [r["code"] for r in capture.reasons] == ["denied_by", "contradicted_by", "no_independent_support"]


@pytest.mark.parametrize("key", ["taliban-losses-claim", "nrf-losses-claim"])
def test_both_sides_loss_claims_are_unverified(panjshir, key):
    claim = fresh(panjshir[key])
    assert (claim.unverified, claim.corroborated) == (True, False)
    assert claim.status == "unverified"


def test_salehs_support_of_the_nrf_is_an_echo(panjshir):
    saleh, passes = panjshir["saleh-flags"], panjshir["nrf-passes"]
    assert Relation.objects.filter(claim=saleh, target=passes, stance="supports").exists()
    assert saleh.claimant.bloc_id == passes.claimant.bloc_id
    passes = fresh(passes)
    assert (passes.corroborated, passes.unverified) == (False, True)
    assert "supported_by" not in [r["code"] for r in passes.reasons]


def test_as_of_2_september_the_capture_claim_is_not_yet_contested(panjshir):
    capture = panjshir["taliban-capture"]
    before = flags_as_of([capture.pk], date(2021, 9, 2))[capture.pk]
    assert (before.contested, before.status) == (False, "unverified")
    after = flags_as_of([capture.pk], date(2021, 9, 3))[capture.pk]
    assert (after.contested, after.status) == (True, "contested")


def test_as_of_a_date_before_a_claim_leaves_it_out(panjshir):
    denial = panjshir["nrf-denial"]
    assert flags_as_of([denial.pk], date(2021, 9, 2)) == {}


def test_the_places_hold_their_parents_and_coordinates(panjshir):
    shattal = Location.objects.get(slug="shattal")
    assert [p.slug for p in (shattal.parent, shattal.parent.parent)] == ["parwan", "afghanistan"]
    assert shattal.latitude is not None and shattal.longitude is not None
    assert "Shotul" in shattal.aliases


def test_sources_carry_their_reliability_grades(panjshir):
    assert dict(Source.objects.values_list("slug", "reliability")) == {"rt": "C", "reuters": "B"}


def test_every_claim_of_the_example_is_in_the_example_conflict(panjshir):
    conflict = Conflict.objects.get(slug="taliban-nrf-panjshir-2021")
    assert conflict.name == "Taliban–NRF, Panjshir 2021"
    assert {a.slug for a in conflict.parties.all()} == {"taliban", "afghan-resistance"}
    members = set(Claim.objects.filter(conflict_claims_q(conflict)).values_list("pk", flat=True))
    assert members == {claim.pk for claim in panjshir.values()}
    assert members == set(Claim.objects.values_list("pk", flat=True))


def test_loading_the_example_twice_keeps_one_conflict(panjshir):
    summary = load_panjshir_2021()
    assert summary.created.get("conflicts", 0) == 0
    assert Conflict.objects.count() == 1
    assert Conflict.objects.get().places.count() == 3
