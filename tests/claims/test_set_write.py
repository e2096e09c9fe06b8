"""Large recomputes write through a temporary table on PostgreSQL: only drifted claims change."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from claims.models import Claim, FlagChangeRecord
from claims.services import SET_WRITE_THRESHOLD, claims_recompute

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-wise writer is PostgreSQL's")
def test_a_large_recompute_repairs_only_the_drifted_claims_and_reports_their_old_state():
    call_command("generate_data", claims=SET_WRITE_THRESHOLD + 40, seed=11, stdout=io.StringIO())
    contested = Claim.objects.filter(status="contested").order_by("id").first()
    quiet = Claim.objects.filter(status="unverified").order_by("id").first()
    Claim.objects.filter(pk=contested.pk).update(status="unverified", contested=False, reasons=[])
    before = dict(Claim.objects.values_list("id", "updated_at"))

    changed = claims_recompute(list(before))

    assert changed == {contested.pk}
    repaired = Claim.objects.get(pk=contested.pk)
    assert (repaired.status, repaired.contested, repaired.reasons) == (
        contested.status,
        True,
        contested.reasons,
    )
    assert repaired.updated_at > before[contested.pk]
    assert Claim.objects.get(pk=quiet.pk).updated_at == before[quiet.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the few-claims writer is PostgreSQL's")
def test_a_small_recompute_repairs_only_the_drifted_claims_and_records_their_old_state():
    """A write's recompute (a few claims, one UPDATE with the values as arrays) writes what drifted,
    with its old state in the flag history, and leaves the rest untouched."""
    call_command("generate_data", claims=120, seed=11, stdout=io.StringIO())
    contested = Claim.objects.filter(status="contested").order_by("id").first()
    quiet = Claim.objects.filter(status="unverified").order_by("id").first()
    Claim.objects.filter(pk=contested.pk).update(status="unverified", contested=False, reasons=[], grade="F6")
    before = dict(Claim.objects.filter(pk__in=[contested.pk, quiet.pk]).values_list("id", "updated_at"))

    changed = claims_recompute([contested.pk, quiet.pk])

    assert changed == {contested.pk}
    repaired = Claim.objects.get(pk=contested.pk)
    assert (repaired.status, repaired.contested, repaired.reasons, repaired.grade) == (
        "contested",
        True,
        contested.reasons,
        contested.grade,
    )
    assert repaired.updated_at > before[contested.pk]
    assert Claim.objects.get(pk=quiet.pk).updated_at == before[quiet.pk]
    record = FlagChangeRecord.objects.filter(claim=contested).latest("id")
    assert record.old["status"] == "unverified" and record.old["grade"] == "F6" and record.old["reasons"] == []
    assert record.new["status"] == "contested" and record.new["reasons"] == contested.reasons
