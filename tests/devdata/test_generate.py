"""The generated dataset is consistent: stored flags equal flags computed from scratch."""

import io

import pytest
from django.core.management import call_command

from actors.models import Actor
from claims import flags
from claims.models import Citation, Claim, FlagChangeRecord, Relation
from claims.selectors import flag_inputs
from locations.models import Location
from sources.models import Report, Source

pytestmark = pytest.mark.django_db


def test_generated_flags_equal_a_fresh_evaluation():
    call_command("generate_data", claims=600, seed=7, stdout=io.StringIO())
    assert Claim.objects.count() == 600
    assert Citation.objects.filter(claim__isnull=False).values("claim").distinct().count() == 600
    assert Relation.objects.filter(origin="editor").count() >= 150

    ids = list(Claim.objects.order_by("id").values_list("id", flat=True))
    facts, relations = flag_inputs(ids)
    fresh = flags.evaluate(ids, facts, relations)
    stored = {c.pk: c for c in Claim.objects.all()}
    mismatched = [
        claim_id
        for claim_id, result in fresh.items()
        if (stored[claim_id].status, stored[claim_id].contested, stored[claim_id].reasons)
        != (result.status, result.contested, result.reasons_as_dicts())
    ]
    assert mismatched == []
    # The data is varied enough to exercise the rules.
    statuses = set(Claim.objects.values_list("status", flat=True))
    assert {"contested", "unverified", "corroborated"} <= statuses
    assert statuses & {"retracted", "superseded"}


def test_the_same_seed_gives_the_same_data():
    call_command("generate_data", claims=200, seed=3, stdout=io.StringIO())
    first = list(Claim.objects.order_by("id").values_list("kind", "claimed_on", "count_min", "status"))
    for model in (FlagChangeRecord, Relation, Citation, Claim, Report, Source, Actor, Location):
        model.objects.all()._raw_delete(model.objects.db)
    call_command("generate_data", claims=200, seed=3, stdout=io.StringIO())
    second = list(Claim.objects.order_by("id").values_list("kind", "claimed_on", "count_min", "status"))
    assert first == second
