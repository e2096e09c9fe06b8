"""Large recomputes write through a temporary table on PostgreSQL: only drifted claims change."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from claims.models import Claim
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
