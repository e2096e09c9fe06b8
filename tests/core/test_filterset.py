"""Filter sets made side by side (``core.filters.FilterSet`` copies its filters shallowly and builds
its form class once): each reads its own query, keeps its own state and its own form fields."""

from datetime import date

import pytest
from django.http import QueryDict

from claims.filters import ClaimFilter
from claims.models import Claim
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_two_filter_sets_filter_by_their_own_query_and_keep_their_own_as_of():
    early = ClaimFactory(claimed_on=date(2021, 9, 1))
    late = ClaimFactory(claimed_on=date(2021, 9, 6))
    first = ClaimFilter(QueryDict("claimed_before=2021-09-02&as_of=2021-09-03"), queryset=Claim.objects.all())
    second = ClaimFilter(QueryDict("claimed_after=2021-09-05&as_of=2021-09-10"), queryset=Claim.objects.all())
    assert first.is_valid(), first.errors
    assert second.is_valid(), second.errors
    # Each filter set's method filters (status, as_of …) answer to that filter set, not the other.
    assert list(first.qs) == [early]
    assert list(second.qs) == [late]
    assert first.as_of == date(2021, 9, 3)
    assert second.as_of == date(2021, 9, 10)


def test_a_bad_value_is_an_error_of_its_own_filter_set_only():
    bad = ClaimFilter(QueryDict("kind=victory"), queryset=Claim.objects.all())
    good = ClaimFilter(QueryDict("kind=control"), queryset=Claim.objects.all())
    assert not bad.is_valid()
    assert "kind" in bad.errors
    assert good.is_valid(), good.errors


def test_a_change_to_one_form_s_fields_does_not_reach_the_next_request():
    first = ClaimFilter(QueryDict(""), queryset=Claim.objects.all())
    first.form.fields["kind"].choices = [("control", "Only this")]
    first.form.fields["kind"].label = "Changed"
    first.filters["kind"].label = "Changed too"
    second = ClaimFilter(QueryDict(""), queryset=Claim.objects.all())
    assert second.form.fields["kind"].label == "Kind"
    assert len(second.form.fields["kind"].choices) == len(Claim.Kind.choices) + 1  # and "any"
    assert second.filters["kind"].label == "Kind"
