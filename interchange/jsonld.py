"""schema.org JSON-LD out, as views of the claim document (``claims.documents``): a claim's
``ClaimReview`` (the exports: every claim, rated when it has a verdict), the DataFeed of them, and
the schema.org ``Claim`` the claim page embeds (with its ClaimReview when it has a verdict). The shape
is described in ``interchange.claimreview``, which reads it back in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from claims.flags import CREDIBILITY_WORDS, RELIABILITY_WORDS
from claims.models import Claim
from interchange.claimreview import (
    BEST,
    CONTEXT,
    GRADE_PROPERTY,
    MACHINE,
    PRECISION_PROPERTY,
    RATING,
    SITE_NAME,
    WORST,
    own_identifier,
)

Document = dict[str, Any]


def _day(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _author(doc: Document) -> dict[str, Any]:
    kind = "Person" if doc["extra"]["claimant_kind"] == "person" else "Organization"
    return {"@type": kind, "name": doc["claimant"]["name"]}


def _translator(name: str) -> dict[str, Any]:
    """Who translated: ``machine:<engine>`` is software, anyone else a person."""
    return {"@type": "SoftwareApplication" if name.startswith(MACHINE) else "Person", "name": name}


def quoted(item: dict[str, Any]) -> dict[str, Any]:
    """A claim's or a citation's quote as schema.org CreativeWork properties: ``text`` (the original),
    ``inLanguage`` and ``workTranslation`` (a CreativeWork: ``text``, ``inLanguage``, ``translator``,
    ``dateCreated``). Empty when there is no quote."""
    if not item["quote"]:
        return {}
    result: dict[str, Any] = {"text": item["quote"]}
    if item["language"]:
        result["inLanguage"] = item["language"]
    if item["translation"]:
        translation: dict[str, Any] = {
            "@type": "CreativeWork",
            "text": item["translation"],
            "inLanguage": item["translation_language"],
        }
        if item["translated_by"]:
            translation["translator"] = _translator(item["translated_by"])
        if item["translated_at"]:
            translation["dateCreated"] = _iso_utc(item["translated_at"])
        result["workTranslation"] = translation
    return result


def _creative_work(citation: dict[str, Any]) -> dict[str, Any]:
    report = citation["report"]
    work: dict[str, Any] = {"@type": "CreativeWork", "headline": report["title"]}
    if report["url"]:
        work["url"] = report["url"]
    if report["published_at"]:
        work["datePublished"] = _day(report["published_at"])
    publisher: dict[str, Any] = {"@type": "Organization", "name": report["source"]["name"]}
    if citation["extra"]["source_homepage"]:
        publisher["url"] = citation["extra"]["source_homepage"]
    work["publisher"] = publisher
    quotation = quoted(citation)
    if quotation:
        work["hasPart"] = {"@type": "Quotation", **quotation}  # the passage quoted from the report
    return work


def _count(doc: Document) -> dict[str, Any] | None:
    """The claim's count as a schema.org QuantitativeValue (``about`` of the Claim): ``minValue``,
    ``maxValue`` (absent: open ended) and ``unitText`` (the ``count_unit``)."""
    if doc["count_min"] is None and doc["count_max"] is None and not doc["count_unit"]:
        return None
    value: dict[str, Any] = {"@type": "QuantitativeValue"}
    if doc["count_min"] is not None:
        value["minValue"] = doc["count_min"]
    if doc["count_max"] is not None:
        value["maxValue"] = doc["count_max"]
    if doc["count_unit"]:
        value["unitText"] = doc["count_unit"]
    return value


def _place(doc: Document) -> dict[str, Any]:
    """The claim's place, with how precisely it is known as an ``additionalProperty``."""
    place: dict[str, Any] = {"@type": "Place", "name": doc["location"]["name"]}
    if doc["location_precision"]:
        place["additionalProperty"] = [
            {"@type": "PropertyValue", "propertyID": PRECISION_PROPERTY, "value": doc["location_precision"]}
        ]
    return place


def _grade_rating(grade: str) -> dict[str, Any]:
    """The claim's NATO/Admiralty grade (e.g. B2) as the Claim's ``contentRating``: A1 best, F6 worst."""
    letter, digit = grade[:1], grade[1:]
    words = ""
    if letter in RELIABILITY_WORDS and digit.isdigit() and int(digit) in CREDIBILITY_WORDS:
        words = f": source {RELIABILITY_WORDS[letter]}, information {CREDIBILITY_WORDS[int(digit)]}"
    return {
        "@type": "Rating",
        "ratingValue": grade,
        "bestRating": "A1",
        "worstRating": "F6",
        "alternateName": f"{GRADE_PROPERTY} {grade}{words}",
    }


def claim_review(doc: Document, *, site_url: str) -> dict[str, Any]:
    """A claim document as a ClaimReview JSON-LD object; ``reviewRating`` (and ``reviewBody``) only
    when the claim has a verdict: a claim without one is recorded and tracked, not rated."""
    site = site_url.rstrip("/")
    citations = doc["citations"]
    dated = sorted(
        (c for c in citations if c["report"]["published_at"]),
        key=lambda c: (c["report"]["published_at"], c["report"]["id"]),
    )
    first = dated[0] if dated else (citations[0] if citations else None)
    item: dict[str, Any] = {
        "@type": "Claim",
        "author": _author(doc),
        "datePublished": _day(doc["claimed_on"]),
        **quoted(doc),
        "appearance": [_creative_work(c) for c in citations],
        "contentRating": _grade_rating(doc["grade"]),
    }
    if first is not None:
        item["firstAppearance"] = _creative_work(first)
    if doc["location"]:
        item["contentLocation"] = _place(doc)
    count = _count(doc)
    if count is not None:
        item["about"] = count
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "identifier": own_identifier(doc["id"]),
        "url": f"{site}/claims/{doc['id']}/",
        "datePublished": _day(doc["verdict_on"] or doc["updated_at"]),
        "author": {"@type": "Organization", "name": SITE_NAME, "url": f"{site}/"},
        "claimReviewed": doc["summary"],
        "itemReviewed": item,
    }
    if doc["verdict"]:
        review["reviewRating"] = {
            "@type": "Rating",
            "ratingValue": RATING[doc["verdict"]],
            "bestRating": BEST,
            "worstRating": WORST,
            "alternateName": Claim.Verdict(doc["verdict"]).label,
        }
        if doc["verdict_rationale"]:
            review["reviewBody"] = doc["verdict_rationale"]
    return review


def claim_review_feed(documents: Iterable[Document], *, site_url: str) -> dict[str, Any]:
    """Every claim document as a schema.org DataFeed of ClaimReviews (rated when it has a verdict)."""
    elements = []
    for doc in documents:
        review = claim_review(doc, site_url=site_url)
        review.pop("@context")
        elements.append({"@type": "DataFeedItem", "dateModified": _iso_utc(doc["updated_at"]), "item": [review]})
    return {
        "@context": CONTEXT,
        "@type": "DataFeed",
        "name": f"{SITE_NAME} claim reviews",
        "dataFeedElement": elements,
    }


def _iso_utc(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def claim_json_ld(doc: Document, url: str, site_url: str) -> list[dict]:
    """The schema.org ``Claim`` of the claim page (``url``), and its ``ClaimReview`` when it has a
    verdict."""
    appearances = []
    for citation in doc["citations"]:
        report = citation["report"]
        work = {
            "@type": "CreativeWork",
            "headline": report["title"],
            "publisher": {"@type": "Organization", "name": report["source"]["name"]},
        }
        if report["url"]:
            work["url"] = report["url"]
        if report["published_at"]:
            work["datePublished"] = report["published_at"]
        appearances.append(work)
    claim_ld = {
        "@context": "https://schema.org",
        "@type": "Claim",
        "@id": url,
        "url": url,
        "text": doc["summary"],
        "datePublished": doc["claimed_on"],
        "author": _author(doc),
        "appearance": appearances,
    }
    if appearances:
        claim_ld["firstAppearance"] = appearances[0]
    if doc["location"]:
        claim_ld["contentLocation"] = {"@type": "Place", "name": doc["location"]["name"]}
    data = [claim_ld]
    if doc["verdict"]:
        data.append(claim_review(doc, site_url=site_url))
    return data
