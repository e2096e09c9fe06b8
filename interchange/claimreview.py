"""schema.org ClaimReview: every claim out as JSON-LD (rated when it has a verdict), and ClaimReview
JSON-LD in as claims (``manage.py import_claimreview FILE``).

Export shape (https://schema.org/ClaimReview)::

    {"@context": "https://schema.org", "@type": "ClaimReview", "identifier": "fogwatch:claim:<id>",
     "url", "datePublished", "author": Organization (Fogwatch), "claimReviewed": the summary,
     "itemReviewed": {"@type": "Claim", "author": Organization|Person (the claimant),
                      "datePublished": claimed_on, "appearance": [CreativeWork…], "firstAppearance",
                      "contentLocation": {"@type": "Place", "name",
                                          "additionalProperty": [{"@type": "PropertyValue",
                                              "propertyID": "location_precision", "value"}]},
                      "about": {"@type": "QuantitativeValue", "minValue", "maxValue", "unitText"},
                      with a quote: "text" (the original), "inLanguage", and with a translation
                      "workTranslation": {"@type": "CreativeWork", "text", "inLanguage",
                                          "translator": Person|SoftwareApplication, "dateCreated"}},
                      each appearance with a quoted passage: "hasPart": {"@type": "Quotation",
                                          "text", "inLanguage", "workTranslation"},
                      "contentRating": {"@type": "Rating", "ratingValue": the Admiralty grade (B2),
                                        "bestRating": "A1", "worstRating": "F6", "alternateName"}},
     only with a verdict: "reviewBody": the rationale,
     "reviewRating": {"@type": "Rating", "ratingValue": 1–5, "bestRating": 5, "worstRating": 1,
                      "alternateName": the verdict}}

The import also takes the older shape (``"@type": ["ClaimReview"]`` as a list, ``itemReviewed``
typed CreativeWork, no ``appearance``), a list, an ``@graph`` or a DataFeed. A review Fogwatch
exported itself (its ``identifier``, or a ``/claims/<id>/`` url with Fogwatch as author) whose claim
is here (same claim date and claimant) updates that claim's summary, verdict, counts, location
precision and (when the review carries one) its quote with its language and translation, and nothing
else (kind, actors, place and citations stay); any other review is a claim keyed on the review's url,
its quote and translation read, and each appearance's quoted passage (its original text) as the
citation's quote.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.dateparse import parse_date, parse_datetime

from actors.models import Actor
from claims.models import Claim
from interchange.importers.base import (
    ClaimSpec,
    Directory,
    ImportFileError,
    ImportSummary,
    clip,
    existing_claims,
    not_future,
    run_in_transaction,
    update_claim_fields,
    upsert_claim,
    validation_text,
)
from sources.models import Report, Source

CONTEXT = "https://schema.org"
SITE_NAME = "Fogwatch"
# The ClaimReview's identifier of one of our claims, and the Place property of its precision.
OWN_PREFIX = "fogwatch:claim:"
PRECISION_PROPERTY = "location_precision"
# How the Claim's contentRating names the claim's Admiralty grade (written out, ignored on import).
GRADE_PROPERTY = "Admiralty grade"
OWN_URL = re.compile(r"/claims/(\d+)/?$")
# ``translated_by`` of a machine translation: ``machine:<engine>`` (claims.services.validation).
MACHINE = "machine:"


def own_identifier(pk: int) -> str:
    return f"{OWN_PREFIX}{pk}"


# Verdict → rating on a 1–5 scale (5 best: the claim holds).
RATING = {
    Claim.Verdict.CONFIRMED: 5,
    Claim.Verdict.LIKELY: 4,
    Claim.Verdict.UNPROVEN: 3,
    Claim.Verdict.UNLIKELY: 2,
    Claim.Verdict.FALSE: 1,
}
BEST, WORST = 5, 1
# Textual ratings other fact-checkers use, mapped to Fogwatch verdicts.
SYNONYMS = {
    "true": Claim.Verdict.CONFIRMED,
    "correct": Claim.Verdict.CONFIRMED,
    "accurate": Claim.Verdict.CONFIRMED,
    "mostly true": Claim.Verdict.LIKELY,
    "mostly correct": Claim.Verdict.LIKELY,
    "half true": Claim.Verdict.UNPROVEN,
    "mixture": Claim.Verdict.UNPROVEN,
    "mixed": Claim.Verdict.UNPROVEN,
    "unverified": Claim.Verdict.UNPROVEN,
    "unsupported": Claim.Verdict.UNPROVEN,
    "misleading": Claim.Verdict.UNLIKELY,
    "mostly false": Claim.Verdict.UNLIKELY,
    "fake": Claim.Verdict.FALSE,
    "pants on fire": Claim.Verdict.FALSE,
    "incorrect": Claim.Verdict.FALSE,
}


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


def _types(node: Any) -> set[str]:
    if not isinstance(node, dict):
        return set()
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).removeprefix("http://schema.org/").removeprefix("https://schema.org/") for v in values}


def find_reviews(data: Any) -> list[dict[str, Any]]:
    """Every ClaimReview object in the document: one object, a list, an @graph or a DataFeed."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if "ClaimReview" in _types(node):
                found.append(node)
                return
            for key in ("@graph", "dataFeedElement", "item", "mainEntity", "hasPart"):
                if key in node:
                    walk(node[key])

    walk(data)
    return found


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        return str(value.get("name") or value.get("@value") or "").strip()
    return str(value or "").strip()


def _date(value: Any) -> date | None:
    text = _text(value)
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        if moment is not None:
            return moment.date()
        return parse_date(text[:10])
    except ValueError:
        return None


def verdict_from_rating(rating: Any) -> str | None:
    """The verdict of a reviewRating: its alternateName when it names one, else the value on its scale."""
    rating = _first(rating)
    if not isinstance(rating, dict):
        return None
    name = _text(rating.get("alternateName")).casefold()
    for verdict in Claim.Verdict:
        if name in (verdict.value, verdict.label.casefold()):
            return verdict.value
    if name in SYNONYMS:
        return SYNONYMS[name].value
    try:
        value = float(rating["ratingValue"])
        best = float(rating.get("bestRating", BEST))
        worst = float(rating.get("worstRating", WORST))
    except (KeyError, TypeError, ValueError):
        return None
    if best == worst:
        return None
    share = (value - worst) / (best - worst)
    for threshold, verdict in ((0.875, "confirmed"), (0.625, "likely"), (0.375, "unproven"), (0.125, "unlikely")):
        if share >= threshold:
            return verdict
    return Claim.Verdict.FALSE.value


def _works(item: dict[str, Any]) -> list[dict[str, Any]]:
    works = []
    for key in ("firstAppearance", "appearance"):
        value = item.get(key)
        for work in value if isinstance(value, list) else [value]:
            if isinstance(work, dict):
                works.append(work)
            elif isinstance(work, str) and work:
                works.append({"url": work})
    return works


def _external_id(review: dict[str, Any], claim_text: str, author: str, claimed_on: date | None) -> str:
    key = _text(review.get("url")) or _text(review.get("@id"))
    if key and len(key) <= 88:
        return f"claimreview:{key}"
    basis = key or json.dumps([claim_text, author, claimed_on.isoformat() if claimed_on else ""])
    return "claimreview:" + hashlib.sha256(basis.encode()).hexdigest()[:40]


def _number(value: Any, field: str) -> int | None:
    value = _first(value)
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if number < 0 or number != int(number) or number > 2**31 - 1:
        raise ValidationError({field: f"“{value}” is not a count (a whole number, 0 or more)."})
    return int(number)


def _counts(item: dict[str, Any]) -> dict[str, Any]:
    """``count_min``, ``count_max`` and ``count_unit`` from the Claim's ``about`` QuantitativeValue (none
    there: nothing). A unit Fogwatch does not know is ``other``."""
    about = item.get("about")
    value = next((v for v in (about if isinstance(about, list) else [about]) if "QuantitativeValue" in _types(v)), None)
    if value is None:
        return {}
    unit = _text(value.get("unitText")).casefold()
    known = {choice.casefold(): choice for choice in Claim.CountUnit.values}
    known.update({str(label).casefold(): choice for choice, label in Claim.CountUnit.choices})
    return {
        "count_min": _number(value.get("minValue"), "count_min"),
        "count_max": _number(value.get("maxValue"), "count_max"),
        "count_unit": known.get(unit, Claim.CountUnit.OTHER) if unit else "",
    }


def _precision(item: dict[str, Any]) -> dict[str, Any]:
    """``location_precision`` from the Claim's place (``contentLocation.additionalProperty``)."""
    place = _first(item.get("contentLocation"))
    properties = place.get("additionalProperty") if isinstance(place, dict) else None
    for prop in properties if isinstance(properties, list) else [properties]:
        if isinstance(prop, dict) and _text(prop.get("propertyID")) == PRECISION_PROPERTY:
            return {"location_precision": clip(_text(prop.get("value")), 40)}
    return {}


def _quote(node: Any) -> dict[str, Any]:
    """The quote fields (``claims.services.QUOTE_FIELDS``) of a CreativeWork that carries a ``text``
    (the Claim, or an appearance's Quotation), with its ``workTranslation``; nothing without a text."""
    if not isinstance(node, dict) or not _text(node.get("text")):
        return {}
    translation = _first(node.get("workTranslation"))
    translation = translation if isinstance(translation, dict) else {}
    translated_text = _text(translation.get("text"))
    when = _text(translation.get("dateCreated"))
    translated_at = None
    if when and translated_text:
        try:
            translated_at = parse_datetime(when)
            if translated_at is None and parse_date(when) is not None:  # a day: its midnight, UTC
                translated_at = datetime.combine(parse_date(when), time(), tzinfo=UTC)
        except ValueError:
            translated_at = None
    if when and translated_text and translated_at is None:
        raise ValidationError({"translated_at": f"“{when}” is not a date and time (workTranslation.dateCreated)."})
    return {
        "quote": str(_first(node.get("text"))).strip(),
        "language": _text(node.get("inLanguage")),
        "translation": translated_text,
        "translation_language": _text(translation.get("inLanguage")) if translated_text else "en",
        "translated_by": _text(translation.get("translator")) if translated_text else "",
        "translated_at": translated_at,
    }


def _own_claim(review: dict[str, Any], author: str, claimed_on: date) -> Claim | None:
    """The claim of ours the review was exported from: named by its identifier (or, from Fogwatch, by
    its url), and still made by the same claimant on the same day (else another Fogwatch's claim)."""
    identifier = _text(review.get("identifier"))
    pk = identifier.removeprefix(OWN_PREFIX) if identifier.startswith(OWN_PREFIX) else ""
    if not pk and _text(review.get("author")) == SITE_NAME:
        match = OWN_URL.search(urlparse(_text(review.get("url"))).path)
        pk = match.group(1) if match else ""
    if not pk.isdigit() or int(pk) >= 2**63:
        return None
    claim = Claim.objects.select_related("claimant").filter(pk=int(pk)).first()
    if claim is None or claim.claimed_on != claimed_on or claim.claimant.name.casefold() != author.casefold():
        return None
    return claim


class ClaimReviewImporter:
    def __init__(self, directory: Directory, summary: ImportSummary) -> None:
        self.dir = directory
        self.summary = summary

    def _report(self, work: dict[str, Any], fallback_source: str) -> Report:
        url = _text(work.get("url")) or None
        publisher = _text(work.get("publisher")) or _text(work.get("author"))
        if not publisher and url:
            publisher = urlparse(url).netloc.removeprefix("www.")
        source = self.dir.source(publisher or fallback_source, kind=Source.Kind.OTHER)
        title = _text(work.get("headline")) or _text(work.get("name")) or url or f"{source.name} publication"
        return self.dir.report(source, title=title, published=_date(work.get("datePublished")), url=url)

    def spec(self, review: dict[str, Any]) -> tuple[ClaimSpec, Claim | None]:
        """The claim the review describes, and the claim of ours it was exported from (None: not ours;
        then the spec is keyed on the review's url)."""
        item = _first(review.get("itemReviewed")) or {}
        if not isinstance(item, dict):
            item = {}
        claim_text = _text(review.get("claimReviewed")) or _text(item.get("text")) or _text(item.get("name"))
        if not claim_text:
            raise ValidationError({"claimReviewed": "The review names no claim (claimReviewed is empty)."})
        author_node = _first(item.get("author"))
        author = _text(author_node)
        if not author:
            raise ValidationError({"author": "The reviewed claim has no author (itemReviewed.author)."})
        kind = Actor.Kind.PERSON if "Person" in _types(author_node) else Actor.Kind.ORGANIZATION
        claimant = self.dir.actor(author, kind=kind)
        works = _works(item)
        reviewed_on = _date(review.get("datePublished"))
        claimed_on = (
            _date(item.get("datePublished"))
            or next((d for d in (_date(w.get("datePublished")) for w in works) if d), None)
            or reviewed_on
        )
        if claimed_on is None:
            raise ValidationError({"datePublished": "Neither the claim nor the review has a date."})
        verdict = ""
        if _first(review.get("reviewRating")) is not None:  # no rating: a claim recorded, not rated
            verdict = verdict_from_rating(review.get("reviewRating")) or ""
            if not verdict:
                raise ValidationError({"reviewRating": "The rating names no verdict (alternateName or ratingValue)."})
        rated = {
            "verdict": verdict,
            "verdict_rationale": _text(review.get("reviewBody")) if verdict else "",
            "verdict_on": not_future(reviewed_on) if verdict and reviewed_on else None,
        }
        facts = {**_counts(item), **_precision(item), **_quote(item)}
        own = _own_claim(review, author, claimed_on)
        if own is not None:
            # What the review carries (the verdict when rated, the count, the precision) updates the claim.
            carried = {"summary": clip(claim_text, 1000), **(rated if verdict else {}), **facts}
            return ClaimSpec(own.external_id or "", carried, []), own
        reviewer = _text(review.get("author")) or "ClaimReview"
        citations = [
            (self._report(work, reviewer), _quote(_first(work.get("hasPart"))).get("quote", "")) for work in works
        ]
        if not citations:
            own = {"url": review.get("url"), "headline": f"{reviewer}: review of “{clip(claim_text, 200)}”"}
            own["publisher"] = reviewer
            own["datePublished"] = review.get("datePublished")
            citations = [(self._report(own, reviewer), "")]
        fields = {
            "claimant": claimant,
            "claimed_on": not_future(claimed_on),
            "kind": Claim.Kind.STATEMENT,
            "summary": clip(claim_text, 1000),
            **rated,
            "count_min": None,
            "count_max": None,
            "count_unit": "",
            **facts,
        }
        return ClaimSpec(_external_id(review, claim_text, author, claimed_on), fields, citations), None

    def run(self, reviews: list[dict[str, Any]]) -> ImportSummary:
        for index, review in enumerate(reviews, start=1):
            self.summary.rows += 1
            mark = self.dir.mark()
            counts = (self.summary.created, self.summary.updated, self.summary.unchanged)
            try:
                with transaction.atomic():
                    spec, own = self.spec(review)
                    if own is not None:
                        update_claim_fields(own, spec.fields, self.summary)
                    else:
                        upsert_claim(spec, existing_claims([spec.external_id]).get(spec.external_id), self.summary)
            except (ValidationError, DatabaseError) as exc:
                self.dir.forget_since(mark)
                self.summary.created, self.summary.updated, self.summary.unchanged = counts
                reason = validation_text(exc) if isinstance(exc, ValidationError) else str(exc).splitlines()[0]
                key = _text(review.get("url")) or _text(review.get("claimReviewed"))[:60]
                self.summary.problem(index, key, reason, skipped=True)
        return self.summary


def import_claim_reviews(data: Any, *, dry_run: bool = False) -> ImportSummary:
    """Import ClaimReview JSON-LD (parsed JSON, a JSON string or bytes). Each review becomes a claim with
    a verdict, keyed on the review's url, so a re-import updates it. A review that cannot be read is
    reported (by its position) and skipped."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ImportFileError(f"The file is not JSON: {exc}.") from exc
    reviews = find_reviews(data)
    if not reviews:
        raise ImportFileError('No ClaimReview found (expected objects with "@type": "ClaimReview").')

    def work() -> ImportSummary:
        return ClaimReviewImporter(Directory(), ImportSummary(dataset="ClaimReview", unit="review")).run(reviews)

    return run_in_transaction(work, dry_run=dry_run)
