"""ClaimReview JSON-LD: the export uses schema.org's properties correctly; export → import keeps the claim."""

import io
import json
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command

from claims.models import Claim
from claims.services import claim_delete, claim_set_verdict
from interchange.claimreview import find_reviews, import_claim_reviews, verdict_from_rating
from tests.factories import ActorFactory, ClaimFactory, ReportFactory, SourceFactory

pytestmark = pytest.mark.django_db

# The schema.org types the export uses and the properties it may set on each (https://schema.org/<Type>);
# "required" are those a ClaimReview consumer (e.g. Google's fact-check markup) needs.
SCHEMA = {
    "ClaimReview": {
        "allowed": {
            "@context",
            "@type",
            "identifier",
            "url",
            "datePublished",
            "author",
            "claimReviewed",
            "itemReviewed",
            "reviewRating",
            "reviewBody",
        },
        # reviewRating: only when the claim has a verdict (see rated below)
        "required": {"@type", "url", "datePublished", "author", "claimReviewed", "itemReviewed"},
    },
    # Claim, CreativeWork and Quotation are CreativeWorks: text, inLanguage, workTranslation, translator,
    # dateCreated and hasPart are theirs (the quote in its language, its translation, a quoted passage).
    "Claim": {
        "allowed": {
            "@type",
            "author",
            "datePublished",
            "appearance",
            "firstAppearance",
            "contentLocation",
            "about",
            "text",
            "inLanguage",
            "workTranslation",
            "contentRating",
        },
        "required": {"@type", "author", "datePublished"},
    },
    "CreativeWork": {
        "allowed": {
            "@type",
            "url",
            "headline",
            "datePublished",
            "publisher",
            "text",
            "inLanguage",
            "translator",
            "dateCreated",
            "hasPart",
        },
        "required": {"@type"},
    },
    "Quotation": {"allowed": {"@type", "text", "inLanguage", "workTranslation"}, "required": {"@type", "text"}},
    "SoftwareApplication": {"allowed": {"@type", "name"}, "required": {"@type", "name"}},
    "Rating": {
        "allowed": {"@type", "ratingValue", "bestRating", "worstRating", "alternateName"},
        "required": {"@type", "ratingValue", "bestRating", "worstRating", "alternateName"},
    },
    "Organization": {"allowed": {"@type", "name", "url"}, "required": {"@type", "name"}},
    "Person": {"allowed": {"@type", "name", "url"}, "required": {"@type", "name"}},
    "Place": {"allowed": {"@type", "name", "additionalProperty"}, "required": {"@type", "name"}},
    "PropertyValue": {"allowed": {"@type", "propertyID", "value"}, "required": {"@type", "propertyID", "value"}},
    "QuantitativeValue": {"allowed": {"@type", "minValue", "maxValue", "unitText"}, "required": {"@type"}},
    "DataFeed": {"allowed": {"@context", "@type", "name", "dataFeedElement"}, "required": {"@type", "dataFeedElement"}},
    "DataFeedItem": {"allowed": {"@type", "dateModified", "item"}, "required": {"@type", "item"}},
}


def validate(node, path="$"):
    """Every object is typed, uses only its type's properties, and has the required ones."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            validate(item, f"{path}[{index}]")
        return
    if not isinstance(node, dict):
        return
    kind = node.get("@type")
    assert kind in SCHEMA, f"{path}: unexpected @type {kind!r}"
    keys = set(node)
    assert keys <= SCHEMA[kind]["allowed"], f"{path}: {kind} does not have {keys - SCHEMA[kind]['allowed']}"
    assert SCHEMA[kind]["required"] <= keys, f"{path}: {kind} lacks {SCHEMA[kind]['required'] - keys}"
    for key, value in node.items():
        if not key.startswith("@"):
            validate(value, f"{path}.{key}")


@pytest.fixture
def reviewed():
    mujahid = ActorFactory(name="Zabihullah Mujahid", kind="person")
    rt = SourceFactory(name="RT", homepage="https://www.rt.com/")
    report = ReportFactory(
        source=rt,
        title="Taliban claim to have captured Shattal",
        url="https://www.rt.com/news/533783-taliban-panjshir-shattal/",
        published_at=datetime(2021, 9, 2, 10, tzinfo=UTC),
    )
    later = ReportFactory(
        title="Follow-up", url="https://example.org/follow-up", published_at=datetime(2021, 9, 5, tzinfo=UTC)
    )
    claim = ClaimFactory(
        claimant=mujahid,
        summary="Taliban fighters captured eleven positions in Panjshir, among them Shattal.",
        claimed_on=date(2021, 9, 2),
        citations=[{"report": later}, {"report": report}],
    )
    return claim_set_verdict(
        claim=claim,
        verdict="unlikely",
        rationale="No independent source saw the positions taken.",
        verdict_on=date(2021, 9, 10),
    )


def test_a_claim_with_a_verdict_is_a_schema_org_claim_review(api, reviewed):
    response = api.get(f"/api/v1/claims/{reviewed.pk}/claimreview/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    data = json.loads(response.content)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ClaimReview"
    validate(data)
    assert data["claimReviewed"] == reviewed.summary
    assert data["datePublished"] == "2021-09-10"
    assert data["url"].endswith(f"/claims/{reviewed.pk}/")
    assert data["reviewBody"] == "No independent source saw the positions taken."
    item = data["itemReviewed"]
    assert item["author"] == {"@type": "Person", "name": "Zabihullah Mujahid"}
    assert item["datePublished"] == "2021-09-02"
    assert {w["url"] for w in item["appearance"]} == {
        "https://www.rt.com/news/533783-taliban-panjshir-shattal/",
        "https://example.org/follow-up",
    }
    assert item["firstAppearance"]["url"] == "https://www.rt.com/news/533783-taliban-panjshir-shattal/"
    assert item["firstAppearance"]["publisher"]["name"] == "RT"
    rating = data["reviewRating"]
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"], rating["alternateName"]) == (
        2,
        5,
        1,
        "Unlikely",
    )


def test_a_claim_without_a_verdict_is_a_claim_review_without_rating(api):
    claim = ClaimFactory()
    response = api.get(f"/api/v1/claims/{claim.pk}/claimreview/")
    assert response.status_code == 200
    data = json.loads(response.content)
    validate(data)
    assert data["claimReviewed"] == claim.summary
    assert "reviewRating" not in data and "reviewBody" not in data
    assert api.get("/api/v1/claims/999999/claimreview/").status_code == 404
    assert api.get(f"/api/v1/claims/{2**64}/claimreview/").status_code == 404


def test_the_feed_lists_every_claim_and_honours_filters(api, reviewed):
    unrated = ClaimFactory()  # no verdict: in the feed, without a rating
    other = claim_set_verdict(claim=ClaimFactory(kind="attack"), verdict="confirmed", verdict_on=date(2021, 9, 3))
    data = json.loads(api.get("/api/v1/claims/claimreview/").content)
    assert data["@type"] == "DataFeed"
    validate(data)
    reviews = {int(r["url"].rsplit("/", 2)[-2]): r for r in find_reviews(data)}
    assert sorted(reviews) == sorted([reviewed.pk, unrated.pk, other.pk])
    assert "reviewRating" not in reviews[unrated.pk] and "reviewRating" in reviews[other.pk]
    data = json.loads(api.get("/api/v1/claims/claimreview/?kind=attack").content)
    assert [r["reviewRating"]["alternateName"] for r in find_reviews(data)] == ["Confirmed"]
    assert api.get("/api/v1/claims/claimreview/?kind=rumour").status_code == 400


def test_export_then_import_keeps_claim_author_dates_and_rating(api, reviewed):
    exported = api.get("/api/v1/claims/claimreview/").content
    original = {
        "summary": reviewed.summary,
        "claimed_on": reviewed.claimed_on,
        "verdict": reviewed.verdict,
        "verdict_on": reviewed.verdict_on,
        "verdict_rationale": reviewed.verdict_rationale,
        "claimant": reviewed.claimant.name,
        "reports": sorted(c.report.url for c in reviewed.citations.all()),
    }
    claim_delete(claim=reviewed)
    assert not Claim.objects.exists()

    summary = import_claim_reviews(exported)
    assert (summary.created, summary.skipped) == (1, 0)
    claim = Claim.objects.get()
    assert {
        "summary": claim.summary,
        "claimed_on": claim.claimed_on,
        "verdict": claim.verdict,
        "verdict_on": claim.verdict_on,
        "verdict_rationale": claim.verdict_rationale,
        "claimant": claim.claimant.name,
        "reports": sorted(c.report.url for c in claim.citations.all()),
    } == original
    assert claim.claimant.kind == "person"
    assert claim.external_id.startswith("claimreview:http")
    # The imported claim exports to the same review.
    again = json.loads(api.get(f"/api/v1/claims/{claim.pk}/claimreview/").content)
    assert again["reviewRating"] == find_reviews(json.loads(exported))[0]["reviewRating"]
    # Importing the same file again changes nothing.
    before = claim.updated_at
    repeat = import_claim_reviews(exported)
    assert (repeat.created, repeat.updated, repeat.unchanged) == (0, 0, 1)
    assert Claim.objects.get().updated_at == before


OLDER = {
    "@context": "http://schema.org",
    "@type": ["ClaimReview"],
    "url": "https://factcheck.example.org/2019/shelling",
    "datePublished": "2019-03-04",
    "author": {"@type": "Organization", "name": "Example Fact Check"},
    "claimReviewed": "The ministry says no shells fell on the market.",
    "itemReviewed": {
        "@type": ["CreativeWork"],
        "author": {"@type": ["Organization"], "name": "Ministry of Defence"},
        "datePublished": "2019-03-01T09:30:00Z",
    },
    "reviewRating": {"@type": "Rating", "ratingValue": "2", "bestRating": "5", "worstRating": "1"},
}


def test_the_older_shape_with_type_lists_imports(tmp_path):
    path = tmp_path / "older.json"
    path.write_text(json.dumps([OLDER, {**OLDER, "url": "https://factcheck.example.org/x", "itemReviewed": {}}]))
    out = io.StringIO()
    call_command("import_claimreview", str(path), stdout=out)
    assert "2 reviews read; claims 1 created" in out.getvalue()
    assert "review 2 (https://factcheck.example.org/x)" in out.getvalue()
    assert "no author" in out.getvalue()
    claim = Claim.objects.get()
    assert (claim.claimant.name, claim.claimant.kind) == ("Ministry of Defence", "organization")
    assert (claim.claimed_on, claim.verdict, claim.verdict_on) == (date(2019, 3, 1), "unlikely", date(2019, 3, 4))
    # No appearance: the review itself is cited.
    (citation,) = claim.citations.all()
    assert citation.report.url == "https://factcheck.example.org/2019/shelling"
    assert citation.report.source.name == "Example Fact Check"


@pytest.mark.parametrize(
    ("rating", "verdict"),
    [
        ({"alternateName": "False", "ratingValue": 1}, "false"),
        ({"alternateName": "Mostly true"}, "likely"),
        ({"ratingValue": 10, "bestRating": 10, "worstRating": 0}, "confirmed"),
        ({"ratingValue": 5, "bestRating": 10, "worstRating": 0}, "unproven"),
        ({"alternateName": "???"}, None),
    ],
)
def test_ratings_map_to_verdicts(rating, verdict):
    assert verdict_from_rating({"@type": "Rating", **rating}) == verdict
