"""schema.org JSON-LD out, as views of the claim document (``claims.documents``): a claim's
``ClaimReview`` (the exports, for claims with a verdict), the DataFeed of them, and the schema.org
``Claim`` the claim page embeds. The shape is described in ``interchange.claimreview``, which reads
it back in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from claims.models import Claim
from interchange.claimreview import BEST, CONTEXT, RATING, SITE_NAME, WORST

Document = dict[str, Any]


def _day(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _author(doc: Document) -> dict[str, Any]:
    kind = "Person" if doc["extra"]["claimant_kind"] == "person" else "Organization"
    return {"@type": kind, "name": doc["claimant"]["name"]}


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
    return work


def claim_review(doc: Document, *, site_url: str) -> dict[str, Any]:
    """A claim document with a verdict as a ClaimReview JSON-LD object (ValueError without a verdict)."""
    if not doc["verdict"]:
        raise ValueError(f"Claim #{doc['id']} has no verdict.")
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
        "appearance": [_creative_work(c) for c in citations],
    }
    if first is not None:
        item["firstAppearance"] = _creative_work(first)
    if doc["location"]:
        item["contentLocation"] = {"@type": "Place", "name": doc["location"]["name"]}
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": f"{site}/claims/{doc['id']}/",
        "datePublished": _day(doc["verdict_on"] or doc["updated_at"]),
        "author": {"@type": "Organization", "name": SITE_NAME, "url": f"{site}/"},
        "claimReviewed": doc["summary"],
        "itemReviewed": item,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING[doc["verdict"]],
            "bestRating": BEST,
            "worstRating": WORST,
            "alternateName": Claim.Verdict(doc["verdict"]).label,
        },
    }
    if doc["verdict_rationale"]:
        review["reviewBody"] = doc["verdict_rationale"]
    return review


def claim_review_feed(documents: Iterable[Document], *, site_url: str) -> dict[str, Any]:
    """Every claim document with a verdict, as a schema.org DataFeed of ClaimReviews."""
    elements = []
    for doc in documents:
        if not doc["verdict"]:
            continue
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
