"""recompute_flags: repairs drifted flags and automatic relations, with a summary."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from claims.events import flags_changed
from claims.models import Claim, Relation

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- recompute_flags ------------------------------------------------------------------------------


def test_recompute_flags_repairs_a_drifted_claim_and_reports_a_summary(panjshir):
    capture = panjshir["taliban-capture"]
    expected = Claim.objects.filter(pk=capture.pk).values("status", "contested", "unverified", "reasons").get()
    Claim.objects.filter(pk=capture.pk).update(status="confirmed", contested=False, unverified=False, reasons=[])

    output = run("recompute_flags")

    assert Claim.objects.filter(pk=capture.pk).values("status", "contested", "unverified", "reasons").get() == expected
    assert f"Recomputed {Claim.objects.count()} claims" in output
    assert "1 changed" in output


def test_recompute_flags_changes_nothing_when_nothing_drifted(panjshir):
    updated = dict(Claim.objects.values_list("pk", "updated_at"))
    output = run("recompute_flags")
    assert "0 changed" in output
    assert dict(Claim.objects.values_list("pk", "updated_at")) == updated


def test_recompute_flags_restores_a_deleted_automatic_relation(world, make_claim):
    common = dict(kind="control", location=world.shattal, event_start=date(2021, 9, 2))
    a = make_claim(world.taliban, subject=world.taliban, **common)
    b = make_claim(world.nrf, day=3, subject=world.nrf, **common)
    Relation.objects.filter(origin="auto").delete()  # drift: written around the services
    run("recompute_flags")
    assert set(Relation.objects.values_list("claim_id", "target_id", "stance", "origin")) == {
        (b.pk, a.pk, "contradicts", "auto")
    }
    assert Claim.objects.get(pk=a.pk).contested


def test_recompute_flags_in_small_batches_repairs_every_claim(panjshir, settings):
    settings.FOGWATCH_RECOMPUTE_BATCH = 2
    expected = dict(Claim.objects.values_list("pk", "reasons"))
    Claim.objects.update(status="confirmed", contested=False, corroborated=True, unverified=False, reasons=[])
    output = run("recompute_flags")
    assert dict(Claim.objects.values_list("pk", "reasons")) == expected
    assert f"{len(expected)} changed" in output
    progress = [line for line in output.splitlines() if line.startswith("[")]
    assert progress[-1].endswith(f"{len(expected)}/{len(expected)} claims")
    assert len(progress) <= 11


def test_recompute_flags_repairs_related_and_unrelated_claims_alike(db):
    """Claims no relation touches are recomputed set-wise by group on PostgreSQL, the rest one by
    one: after every claim drifts, both come back to what the rules give, and the listeners hear
    of every change."""
    call_command("generate_data", claims=500, seed=11, stdout=StringIO())
    expected = {pk: (status, reasons) for pk, status, reasons in Claim.objects.values_list("pk", "status", "reasons")}
    related = set(Relation.objects.values_list("target_id", flat=True)) | set(
        Relation.objects.filter(stance="contradicts").values_list("claim_id", flat=True)
    )
    assert 0 < len(related) < len(expected), "the data has claims of both kinds"
    assert Claim.objects.exclude(verdict="").exclude(pk__in=related).exists(), "and unrelated claims with verdicts"
    heard = {}

    def listen(sender, changes, **kwargs):
        heard.update(changes)

    flags_changed.connect(listen)
    try:
        Claim.objects.update(status="confirmed", contested=True, corroborated=True, unverified=False, reasons=[])
        output = run("recompute_flags")
    finally:
        flags_changed.disconnect(listen)
    fresh = {pk: (status, reasons) for pk, status, reasons in Claim.objects.values_list("pk", "status", "reasons")}
    assert fresh == expected
    assert set(heard) == set(expected)
    assert f"{len(expected)} changed" in output
    assert "0 changed" in run("recompute_flags")
