"""After every write through the services, the stored flags and automatic relations equal a fresh
evaluation of the whole database: no affected claim is ever left stale.

A seeded random walk of writes (claims, relations, verdicts, bloc moves, deletes); the same seed
gives the same walk, so a failure reproduces.
"""

import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q

from actors.models import Actor
from actors.services import actor_update
from claims import auto_relations, flags
from claims.models import Claim, Relation
from claims.selectors import flag_inputs, proposition_facts
from claims.services import (
    ReferencedError,
    claim_create,
    claim_delete,
    claim_set_verdict,
    claim_update,
    relation_create,
    relation_delete,
)
from tests.factories import ActorFactory, LocationFactory, ReportFactory

pytestmark = pytest.mark.django_db

STEPS = 60


def assert_consistent(step: str) -> None:
    ids = list(Claim.objects.values_list("pk", flat=True))
    facts, relations = flag_inputs(ids)
    expected = flags.evaluate(ids, facts, relations)
    for pk, status, contested, corroborated, unverified, reasons in Claim.objects.values_list(
        "pk", "status", "contested", "corroborated", "unverified", "reasons"
    ):
        result = expected[pk]
        assert (status, contested, corroborated, unverified, reasons) == (
            result.status,
            result.contested,
            result.corroborated,
            result.unverified,
            result.reasons_as_dicts(),
        ), f"claim #{pk} stale after {step}"

    editor = set(Relation.objects.filter(origin="editor").values_list("claim_id", "target_id", "stance"))
    wanted = {
        (c, t, s)
        for c, t, s in auto_relations.compute(proposition_facts(Q()))
        if (c, t, s) not in editor and not (s == "contradicts" and (t, c, s) in editor)
    }
    stored = set(Relation.objects.filter(origin="auto").values_list("claim_id", "target_id", "stance"))
    assert stored == wanted, f"automatic relations wrong after {step}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_writes_leave_every_claim_consistent(seed):
    rng = random.Random(seed)
    roots = [ActorFactory(name=f"Bloc {n}") for n in range(3)]
    actors = roots + [ActorFactory(name=f"Member {n}", parent=rng.choice(roots)) for n in range(5)]
    places = [LocationFactory(name=f"Place {n}") for n in range(2)]
    report = ReportFactory()
    claims: list[Claim] = []

    def new_claim() -> str:
        kind = rng.choice(["control", "casualties", "statement"])
        start = date(2021, 9, 1) + timedelta(days=rng.randrange(6))
        fields = dict(
            claimant=rng.choice(actors),
            claimed_on=start + timedelta(days=rng.randrange(3)),
            kind=kind,
            summary=f"Claim {len(claims)}",
            citations=[{"report": report}],
        )
        if kind != "statement":
            fields.update(
                subject=rng.choice(actors),
                location=rng.choice(places),
                event_start=start if rng.random() < 0.9 else None,
            )
            if fields["event_start"] and rng.random() < 0.5:
                fields["event_end"] = start + timedelta(days=rng.randrange(4))
        if kind == "casualties":
            low = rng.randrange(0, 50)
            fields.update(count_min=low, count_max=rng.choice([None, low, low + rng.randrange(20)]))
        claims.append(claim_create(**fields))
        return f"create #{claims[-1].pk}"

    def live() -> list[Claim]:
        return list(Claim.objects.filter(pk__in=[c.pk for c in claims]))

    def relate() -> str:
        pool = live()
        if len(pool) < 2:
            return new_claim()
        claim, target = rng.sample(pool, 2)
        stance = rng.choice(["denies", "contradicts", "supports", "retracts", "supersedes"])
        try:
            relation_create(claim=claim, target=target, stance=stance)
        except ValidationError:
            return "relation refused"
        return f"#{claim.pk} {stance} #{target.pk}"

    def unrelate() -> str:
        relation = Relation.objects.filter(origin="editor").order_by("pk").first()
        if relation is None:
            return relate()
        relation_delete(relation=relation)
        return f"delete relation #{relation.pk}"

    def verdict() -> str:
        pool = live()
        if not pool:
            return new_claim()
        claim = rng.choice(pool)
        value = rng.choice(["", "confirmed", "false", "likely"])
        claim_set_verdict(claim=claim, verdict=value)
        return f"verdict {value!r} on #{claim.pk}"

    def move() -> str:
        actor = rng.choice(actors[3:])
        parent = rng.choice([None, *roots])
        actor_update(actor=actor, parent=parent)
        return f"move {actor} under {parent}"

    def change() -> str:
        pool = [c for c in live() if c.kind != "statement"]
        if not pool:
            return new_claim()
        claim = rng.choice(pool)
        start = date(2021, 9, 1) + timedelta(days=rng.randrange(6))
        try:
            claim_update(
                claim=claim,
                event_start=start,
                event_end=None,
                claimed_on=start + timedelta(days=rng.randrange(3)),
                claimant=rng.choice(actors),
                spokesperson=None,
            )
        except ValidationError:
            return "update refused"
        return f"update #{claim.pk}"

    def delete() -> str:
        pool = live()
        if not pool:
            return new_claim()
        claim = rng.choice(pool)
        try:
            claim_delete(claim=claim)
        except ReferencedError:
            return "delete refused"
        return f"delete #{claim.pk}"

    operations = [new_claim] * 4 + [relate] * 4 + [unrelate, verdict, move, change, change, delete]
    for n in range(STEPS):
        step = rng.choice(operations)()
        assert_consistent(f"step {n}: {step}")
    assert Actor.objects.count() == 8
