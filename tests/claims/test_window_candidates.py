"""Rule 7's candidates for a set of claims: only the claims of their groups whose windows meet theirs,
and with them the same automatic relations as reading the groups whole."""

import io
import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Q

from claims.auto_relations import compute, group_key
from claims.models import Claim, Relation
from claims.selectors import proposition_facts, propositions_of
from claims.services.recompute import _window_candidates_orm, _window_candidates_postgresql, window_candidates

pytestmark = pytest.mark.django_db


def whole_groups(focus):
    """What the refresh read before: every dated claim of the focus claims' groups."""
    terms = Q(pk__in=[])
    for facts in focus:
        key = group_key(facts)
        if key is None:
            continue
        if key[0] == Claim.Kind.CONTROL:
            terms |= Q(kind=Claim.Kind.CONTROL, location_id=key[1])
        else:
            terms |= Q(kind=Claim.Kind.CASUALTIES, subject_id=key[1], location_id=key[2])
    return proposition_facts(terms & Q(event_start__isnull=False))


def spans_of(focus):
    spans = {}
    for facts in focus:
        key = group_key(facts)
        if key is not None:
            start, end = facts.window
            seen = spans.get(key)
            spans[key] = (min(seen[0], start), max(seen[1], end)) if seen else (start, end)
    return spans


def relations(focus, candidates):
    return compute({f.id: f for f in [*focus, *candidates]}.values(), focus={f.id for f in focus})


def test_the_window_read_finds_the_same_relations_as_the_whole_groups_and_reads_fewer_claims():
    call_command("generate_data", claims=3000, seed=7, stdout=io.StringIO())
    grouped = list(
        Claim.objects.filter(kind__in=["control", "casualties"], event_start__isnull=False, location__isnull=False)
        .order_by("id")
        .values_list("id", flat=True)
    )
    # A claim whose long window began well before the others' and still runs into them.
    long_one = Claim.objects.get(pk=grouped[0])
    Claim.objects.filter(pk=long_one.pk).update(event_start=long_one.event_start - timedelta(days=2000))
    related = sorted(set(Relation.objects.filter(origin="auto").values_list("claim_id", flat=True)) - {grouped[0]})
    unrelated = sorted(set(grouped[1:]) - set(related))
    rng = random.Random(7)
    focus = propositions_of(rng.sample(related, min(20, len(related))) + rng.sample(unrelated, 20))

    found = window_candidates(focus)
    whole = whole_groups(focus)

    assert relations(focus, found) == relations(focus, whole)
    assert relations(focus, whole), "the sample relates to something: the comparison says something"
    assert {f.id for f in found} <= {f.id for f in whole}
    assert len(found) < len(whole)


def test_both_readers_find_the_same_claims_and_a_long_window_that_reaches_into_the_span():
    call_command("generate_data", claims=800, seed=9, stdout=io.StringIO())
    claim = Claim.objects.filter(kind="control", event_start__isnull=False, location__isnull=False).order_by("id")[0]
    # Another claim of the place whose window starts a year earlier and ends inside this one's.
    reaching = Claim.objects.filter(kind="control", location=claim.location).exclude(pk=claim.pk).order_by("id")[0]
    Claim.objects.filter(pk=reaching.pk).update(
        event_start=claim.event_start - timedelta(days=365), event_end=claim.event_start
    )
    focus = propositions_of([claim.pk])

    sql = {f.id for f in _window_candidates_postgresql(spans_of(focus))}
    orm = {f.id for f in _window_candidates_orm(spans_of(focus))}

    assert sql == orm
    assert reaching.pk in sql and claim.pk in sql
