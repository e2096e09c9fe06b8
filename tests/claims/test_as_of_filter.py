"""The as-of status filters evaluate only the claims whose state may have differed on that date;
the answer must equal evaluating every claim made by then (rule 9)."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.http import QueryDict

from claims.as_of import flags_match
from claims.filters import ClaimFilter
from claims.models import Claim, Relation
from claims.selectors import claim_list, flags_as_of
from claims.services import claim_update, relation_create, relation_update

pytestmark = pytest.mark.django_db

DATES = [date(2019, 6, 1), date(2021, 3, 15), date(2023, 1, 1), date(2024, 11, 30), date(2025, 12, 31)]
QUERIES = [
    {"status": ["contested"]},
    {"status": ["corroborated", "unverified"]},
    {"status": ["retracted", "superseded", "refuted", "confirmed"]},
    {"contested": True, "unverified": False},
    {"corroborated": True},
]


@pytest.fixture
def generated():
    call_command("generate_data", claims=700, seed=5, stdout=io.StringIO())


def _params(as_of, query):
    data = QueryDict(mutable=True)
    data["as_of"] = as_of.isoformat()
    for name, value in query.items():
        data[name] = ",".join(value) if isinstance(value, list) else str(value).lower()
    return data


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_as_of_filters_equal_evaluating_every_claim(generated, as_of):
    made_by_then = list(Claim.objects.filter(claimed_on__lte=as_of).values_list("id", flat=True))
    truth = flags_as_of(made_by_then, as_of)
    assert len(truth) == len(made_by_then)
    for query in QUERIES:
        expected = {pk for pk, result in truth.items() if flags_match(result, **query)}
        filterset = ClaimFilter(_params(as_of, query), queryset=claim_list())
        assert filterset.is_valid(), filterset.errors
        got = set(filterset.qs.values_list("id", flat=True))
        assert got == expected, (as_of, query, sorted(got ^ expected)[:10])


def test_the_dates_exercise_history(generated):
    """The comparison above is only worth something if the past differs from the present."""
    as_of = date(2023, 1, 1)
    ids = list(Claim.objects.filter(claimed_on__lte=as_of).values_list("id", flat=True))
    then = flags_as_of(ids, as_of)
    now = dict(Claim.objects.filter(pk__in=ids).values_list("id", "status"))
    assert any(then[pk].status != now[pk] for pk in ids)


def test_relations_carry_the_dates_of_their_claims_after_an_edit(generated):
    def stale():
        return Relation.objects.exclude(claim_on=F("claim__claimed_on"), target_on=F("target__claimed_on")).count()

    assert Relation.objects.exists() and stale() == 0
    relation = Relation.objects.filter(origin="editor").order_by("id").first()
    moved = relation.target.claimed_on - timedelta(days=3)
    claim_update(claim=relation.target, claimed_on=moved)
    relation.refresh_from_db()
    assert relation.target_on == moved
    assert stale() == 0


def test_a_relation_written_or_moved_carries_the_dates_of_its_claims(generated):
    claim, target, other = Claim.objects.exclude(relations_made__isnull=False).order_by("id")[:3]
    relation = relation_create(claim=claim, target=target, stance="denies")
    relation.refresh_from_db()
    assert (relation.claim_on, relation.target_on) == (claim.claimed_on, target.claimed_on)

    relation_update(relation=relation, target=other)
    relation.refresh_from_db()
    assert (relation.claim_on, relation.target_on) == (claim.claimed_on, other.claimed_on)


def test_a_claim_read_as_of_a_date_cannot_be_saved_and_its_stored_flags_stay(panjshir):
    from claims.as_of import ClaimThen, claims_as_of

    stored = {pk: (status, reasons) for pk, status, reasons in Claim.objects.values_list("pk", "status", "reasons")}
    then = claims_as_of(Claim.objects.all(), date(2021, 9, 2))
    changed = [claim for claim in then if (claim.status, claim.reasons) != stored[claim.pk]]
    assert changed, "some claim stood otherwise on 2 September"
    claim = changed[0]
    assert isinstance(claim, ClaimThen)
    with pytest.raises(TypeError, match="read-only"):
        claim.save()
    with pytest.raises(AttributeError, match="read-only"):
        claim.status = "confirmed"
    claim.claim.save()  # saving the stored claim behind it stores what was stored
    assert Claim.objects.values_list("status", "reasons").get(pk=claim.pk) == stored[claim.pk]
    assert claim.summary == claim.claim.summary and claim.claimant == claim.claim.claimant
