"""``core.statements.Statement``: compiled once, its rows are the ORM's rows for any ids."""

from datetime import date

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, Relation
from claims.services import relation_create
from core.statements import Statement
from tests.factories import ActorFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def _claims_with_reasons(ids):
    # A JSON column (reasons) and a time (created_at): both go through the ORM's converters.
    return Claim.objects.filter(pk__any_of=ids).order_by("id").values_list("id", "summary", "reasons", "created_at")


def _relations(ids):
    return (
        Relation.objects.filter(Q(claim_id__any_of=ids) | Q(target_id__any_of=ids), stance="denies")
        .order_by("id")
        .values_list("id", "claim_id", "target_id", "claim__claimed_on", "target__claimant__name")
    )


@pytest.fixture
def claims():
    red, blue = ActorFactory(name="Red"), ActorFactory(name="Blue")
    made = [ClaimFactory(claimant=red, claimed_on=date(2021, 9, 1 + n)) for n in range(6)]
    for n, claim in enumerate(made[:4]):
        relation_create(claim=ClaimFactory(claimant=blue), target=claim, stance="denies", note=f"n{n}")
    return made


@pytest.mark.parametrize("build", [_claims_with_reasons, _relations], ids=["converted columns", "joins and an OR"])
def test_its_rows_are_the_orm_s_for_any_ids_and_any_number_of_them(claims, build):
    statement = Statement(build)
    ids = [claim.pk for claim in claims]
    for chosen in (ids, ids[:1], ids[2:5], [ids[0], 10**12], ids[::-1]):
        expected = list(build(chosen))
        assert statement.rows(chosen) == expected
        assert expected  # each choice matches something: the comparison is not of two empty lists
    assert any(row[2] for row in Statement(_claims_with_reasons).rows(ids))  # reasons, decoded from JSON


def test_it_runs_one_query_a_call_and_none_for_no_ids(claims):
    statement = Statement(_claims_with_reasons)
    with CaptureQueriesContext(connection) as first:
        statement.rows([claims[0].pk])
    with CaptureQueriesContext(connection) as second:
        statement.rows([claim.pk for claim in claims])
    with CaptureQueriesContext(connection) as none:
        assert statement.rows([]) == []
    assert len(first) == len(second) == 1
    assert first.captured_queries[0]["sql"].split("WHERE")[0] == second.captured_queries[0]["sql"].split("WHERE")[0]
    assert len(none) == 0


def test_a_build_that_takes_its_ids_otherwise_is_refused(claims):
    statement = Statement(lambda ids: Claim.objects.filter(pk__in=ids).values_list("id"))
    with pytest.raises(ValueError, match="__any_of"):
        statement.rows([claims[0].pk])
    flat = Statement(lambda ids: Claim.objects.filter(pk__any_of=ids).values_list("id", flat=True))
    with pytest.raises(ValueError, match="values_list"):
        flat.rows([claims[0].pk])
