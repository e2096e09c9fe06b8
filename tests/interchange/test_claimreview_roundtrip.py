"""ClaimReview round trips: Fogwatch's own export re-imported updates its claims (no second claim, the
kind kept); counts, their unit and the location precision go out and come back."""

import json
from datetime import date

import pytest

from claims.models import Claim
from claims.services import claim_delete, claim_set_verdict
from interchange.claimreview import find_reviews, import_claim_reviews
from tests.factories import ActorFactory, ClaimFactory, LocationFactory
from tests.interchange.test_claimreview import validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted():
    """A casualties claim: at least 8 killed at Shattal, the place known to the district; no verdict."""
    taliban = ActorFactory(name="Taliban")
    return ClaimFactory(
        claimant=ActorFactory(name="Reuters", kind="media"),
        kind="casualties",
        subject=taliban,
        location=LocationFactory(name="Shattal"),
        location_precision="ucdp_where_prec:3",
        claimed_on=date(2021, 8, 31),
        summary="At least eight Taliban fighters were killed at Shattal.",
        count_min=8,
        count_unit="killed",
    )


def _feed(api) -> bytes:
    return api.get("/api/v1/claims/claimreview/").content


def test_counts_and_precision_are_in_the_export(api, counted):
    (review,) = find_reviews(json.loads(_feed(api)))
    validate(review)
    item = review["itemReviewed"]
    assert item["about"] == {"@type": "QuantitativeValue", "minValue": 8, "unitText": "killed"}
    assert item["contentLocation"]["additionalProperty"] == [
        {"@type": "PropertyValue", "propertyID": "location_precision", "value": "ucdp_where_prec:3"}
    ]
    assert review["identifier"] == f"fogwatch:claim:{counted.pk}"


def test_reimporting_our_own_export_creates_no_second_claim_and_keeps_the_kind(api, counted):
    rated = claim_set_verdict(
        claim=ClaimFactory(kind="attack", claimed_on=date(2021, 9, 2)), verdict="likely", verdict_on=date(2021, 9, 4)
    )
    exported = _feed(api)
    summary = import_claim_reviews(exported)
    assert (summary.created, summary.updated, summary.unchanged, summary.skipped) == (0, 0, 2, 0)
    assert Claim.objects.count() == 2
    assert dict(Claim.objects.values_list("pk", "kind")) == {counted.pk: "casualties", rated.pk: "attack"}
    counted.refresh_from_db()
    assert counted.external_id is None and counted.citations.count() == 1


def test_our_own_review_edited_elsewhere_updates_the_claim(api, counted):
    data = json.loads(_feed(api))
    (review,) = find_reviews(data)
    review["itemReviewed"]["about"] = {"@type": "QuantitativeValue", "minValue": 9, "maxValue": 9, "unitText": "killed"}
    review["reviewRating"] = {"@type": "Rating", "ratingValue": 4, "bestRating": 5, "worstRating": 1}
    review["reviewBody"] = "Two wires agree."
    summary = import_claim_reviews(json.dumps(data))
    assert (summary.created, summary.updated) == (0, 1)
    claim = Claim.objects.get()
    assert (claim.pk, claim.kind, claim.count_min, claim.count_max, claim.count_unit) == (
        counted.pk,
        "casualties",
        9,
        9,
        "killed",
    )
    assert (claim.verdict, claim.verdict_rationale) == ("likely", "Two wires agree.")


def test_counts_come_back_when_the_claim_is_gone(api, counted):
    exported = _feed(api)
    claim_delete(claim=counted)
    summary = import_claim_reviews(exported)
    assert (summary.created, summary.skipped) == (1, 0)
    claim = Claim.objects.get()
    assert (claim.count_min, claim.count_max, claim.count_unit, claim.verdict) == (8, None, "killed", "")
    assert claim.location_precision == "ucdp_where_prec:3"


def test_a_review_naming_a_claim_of_another_fogwatch_is_not_taken_for_ours(api, counted):
    data = json.loads(_feed(api))
    (review,) = find_reviews(data)
    review["itemReviewed"]["author"] = {"@type": "Organization", "name": "Somebody else"}
    summary = import_claim_reviews(json.dumps(data))
    assert summary.created == 1
    assert Claim.objects.count() == 2
    assert Claim.objects.get(pk=counted.pk).claimant.name == "Reuters"


def test_a_bad_count_is_reported_by_name_and_skipped(api, counted):
    data = json.loads(_feed(api))
    (review,) = find_reviews(data)
    review["itemReviewed"]["about"]["minValue"] = "many"
    summary = import_claim_reviews(json.dumps(data))
    assert summary.skipped == 1
    assert "count_min" in summary.problems[0].reason
    assert Claim.objects.get().count_min == 8
