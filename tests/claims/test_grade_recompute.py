"""The grade is derived state: the set-wise recomputes (the full one of ``recompute_flags`` and the
temporary-table writer) store it, and repair it when it drifted."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Min

from claims import flags
from claims.events import flags_changed
from claims.models import Citation, Claim
from claims.services import SET_WRITE_THRESHOLD, claims_recompute

pytestmark = pytest.mark.django_db


def expected_grades() -> dict[int, str]:
    """Each claim's grade worked out here from the stored status and verdict and its citations."""
    best = dict(Citation.objects.values_list("claim_id").annotate(best=Min("report__source__reliability")).order_by())
    return {
        pk: flags.grade(best.get(pk), status, verdict)
        for pk, status, verdict in Claim.objects.values_list("id", "status", "verdict")
    }


@pytest.fixture
def generated():
    call_command("generate_data", claims=SET_WRITE_THRESHOLD + 40, seed=7, stdout=io.StringIO())
    grades = expected_grades()
    assert len(set(grades.values())) > 5  # a varied sample: several letters and digits
    return grades


def test_generated_data_is_graded_and_the_command_repairs_drifted_grades(generated):
    assert dict(Claim.objects.values_list("id", "grade")) == generated
    Claim.objects.update(grade="A1")

    call_command("recompute_flags", stdout=io.StringIO())

    assert dict(Claim.objects.values_list("id", "grade")) == generated


def test_the_set_wise_writer_repairs_a_grade_and_tells_the_listeners(generated):
    claim_id = min(generated)
    Claim.objects.filter(pk=claim_id).update(grade="A1" if generated[claim_id] != "A1" else "F6")
    heard = {}

    def listen(sender, changes, **kwargs):
        heard.update(changes)

    flags_changed.connect(listen)
    try:
        changed = claims_recompute(list(generated))
    finally:
        flags_changed.disconnect(listen)

    assert changed == {claim_id}
    assert Claim.objects.get(pk=claim_id).grade == generated[claim_id]
    assert heard[claim_id].new_grade == generated[claim_id]
    assert heard[claim_id].old_status == heard[claim_id].new_status


def test_the_migration_backfill_computes_the_same_grades(generated):
    from importlib import import_module

    from django.db import connection

    migration = import_module("claims.migrations.0017_claim_grade")
    Claim.objects.update(grade="F3")
    with connection.schema_editor() as editor:
        migration.backfill(None, editor)

    assert dict(Claim.objects.values_list("id", "grade")) == generated
