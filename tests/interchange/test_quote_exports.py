"""Quotes in their language out and back in: the CSV, the JSON Lines and ClaimReview carry the original
and its translation (who made it, when); ClaimReview re-import reads them back."""

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from claims.models import Citation, Claim
from interchange.claimreview import find_reviews, import_claim_reviews
from tests.factories import ActorFactory, ClaimFactory, ReportFactory, SourceFactory
from tests.interchange.test_claimreview import validate

pytestmark = pytest.mark.django_db

DARI = "ما دروازهٔ پنجشیر را گرفتیم"  # "We took the gate of Panjshir", in Dari, written for these tests
ENGLISH = "We took the gate of Panjshir"
WHEN = datetime(2021, 9, 3, 10, 30, tzinfo=UTC)
QUOTED = {
    "quote": DARI,
    "language": "prs",
    "translation": ENGLISH,
    "translation_language": "en",
    "translated_by": "A. Translator",
    "translated_at": WHEN,
}


@pytest.fixture
def quoted_claim():
    report = ReportFactory(
        source=SourceFactory(name="Tolo"), title="Gate of Panjshir", url="https://news.example.org/gate"
    )
    cited = QUOTED | {"translated_by": "machine:example-engine"}
    return ClaimFactory(
        claimant=ActorFactory(name="Taliban"),
        claimed_on=date(2021, 9, 3),
        summary="The Taliban say they took the gate of Panjshir.",
        citations=[{"report": report, **cited}],
        **QUOTED,
    )


def test_the_csv_carries_the_quote_and_its_translation_and_reads_back(api, quoted_claim):
    response = api.get("/api/v1/claims/export.csv")
    assert response.status_code == 200
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8")))
    assert {name: row[name] for name in QUOTED} == {
        "quote": DARI,
        "language": "prs",
        "translation": ENGLISH,
        "translation_language": "en",
        "translated_by": "A. Translator",
        "translated_at": "2021-09-03T10:30:00+00:00",
    }
    # Read back, the row is the claim as stored.
    stored = Claim.objects.get(pk=int(row["id"]))
    assert datetime.fromisoformat(row["translated_at"]) == stored.translated_at
    assert (row["quote"], row["translation"]) == (stored.quote, stored.translation)


def test_the_json_lines_carry_the_claims_and_the_citations_quotes(api, quoted_claim):
    response = api.get("/api/v1/claims/export.jsonl")
    (record,) = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert {name: record[name] for name in QUOTED} == QUOTED | {"translated_at": "2021-09-03T10:30:00+00:00"}
    (citation,) = record["citations"]
    assert citation["quote"] == DARI and citation["translated_by"] == "machine:example-engine"


def _feed(api) -> dict:
    return json.loads(api.get("/api/v1/claims/claimreview/").content)


def test_claimreview_carries_both_as_schema_org_properties(api, quoted_claim):
    (review,) = find_reviews(_feed(api))
    validate(review)
    item = review["itemReviewed"]
    assert (item["text"], item["inLanguage"]) == (DARI, "prs")
    assert item["workTranslation"] == {
        "@type": "CreativeWork",
        "text": ENGLISH,
        "inLanguage": "en",
        "translator": {"@type": "Person", "name": "A. Translator"},
        "dateCreated": "2021-09-03T10:30:00+00:00",
    }
    quotation = item["appearance"][0]["hasPart"]
    assert quotation["@type"] == "Quotation" and quotation["text"] == DARI
    assert quotation["workTranslation"]["translator"] == {
        "@type": "SoftwareApplication",
        "name": "machine:example-engine",
    }


def test_reimporting_our_own_review_reads_the_quote_back(api, quoted_claim):
    exported = _feed(api)
    # Unchanged: nothing to do.
    summary = import_claim_reviews(exported)
    assert (summary.created, summary.updated, summary.unchanged, summary.skipped) == (0, 0, 1, 0)
    # The translation edited here since the export: the re-import puts back what the review carries.
    Claim.objects.filter(pk=quoted_claim.pk).update(translation="Something else", translated_by="Someone else")
    summary = import_claim_reviews(exported)
    assert (summary.updated, summary.skipped) == (1, 0)
    claim = Claim.objects.get(pk=quoted_claim.pk)
    assert {name: getattr(claim, name) for name in QUOTED} == QUOTED
    assert Claim.objects.count() == 1


def test_a_review_from_elsewhere_becomes_a_claim_with_its_quote_and_translation(api, quoted_claim):
    (review,) = find_reviews(_feed(api))
    review = review | {"identifier": "elsewhere:1", "url": "https://factcheck.example.org/gate"}
    review["author"] = {"@type": "Organization", "name": "Another checker"}
    summary = import_claim_reviews(json.dumps(review))
    assert (summary.created, summary.skipped) == (1, 0), summary.problems
    claim = Claim.objects.get(external_id="claimreview:https://factcheck.example.org/gate")
    assert {name: getattr(claim, name) for name in QUOTED} == QUOTED
    (citation,) = Citation.objects.filter(claim=claim)
    assert citation.quote == DARI  # the appearance's quoted passage


def test_a_review_with_a_bad_language_code_is_skipped_naming_the_field(api, quoted_claim):
    (review,) = find_reviews(_feed(api))
    review = review | {"identifier": "elsewhere:2", "url": "https://factcheck.example.org/bad"}
    review["author"] = {"@type": "Organization", "name": "Another checker"}
    review["itemReviewed"] = review["itemReviewed"] | {"inLanguage": "klingon language"}
    summary = import_claim_reviews(json.dumps(review))
    assert (summary.created, summary.skipped) == (0, 1)
    assert "language" in str(summary.problems) and "klingon language" in str(summary.problems)
    assert Claim.objects.count() == 1


def test_a_translation_from_elsewhere_needs_its_translator_and_may_give_a_time_without_offset(api, quoted_claim):
    (review,) = find_reviews(_feed(api))
    review["author"] = {"@type": "Organization", "name": "Another checker"}
    item = review["itemReviewed"]
    unsigned = review | {"identifier": "elsewhere:3", "url": "https://factcheck.example.org/unsigned"}
    unsigned["itemReviewed"] = item | {"workTranslation": {"@type": "CreativeWork", "text": ENGLISH}}
    local = review | {"identifier": "elsewhere:4", "url": "https://factcheck.example.org/local"}
    translation = item["workTranslation"] | {"dateCreated": "2021-09-03T10:30:00"}
    local["itemReviewed"] = item | {"workTranslation": translation}
    summary = import_claim_reviews(json.dumps([unsigned, local]))
    assert (summary.created, summary.skipped) == (1, 1)
    assert "translated_by" in str(summary.problems) and "who made the translation" in str(summary.problems)
    claim = Claim.objects.get(external_id="claimreview:https://factcheck.example.org/local")
    assert claim.translated_at == timezone.make_aware(datetime(2021, 9, 3, 10, 30))  # in the site's zone
