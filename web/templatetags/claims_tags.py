"""Template tags of the analysts' pages: status badges, reason lists, the proposition in words, JSON-LD."""

import json
from datetime import date
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from claims.models import Claim
from core.languages import text_direction

register = template.Library()

# What each status means, in the words of the flag rules (shown as the badge's title and in legends).
STATUS_HELP = {
    "retracted": "Withdrawn by the claimant's own side.",
    "superseded": "Replaced by a later claim of the claimant's own side.",
    "confirmed": "Judged confirmed by an editor.",
    "refuted": "Judged false by an editor.",
    "contested": "Denied or contradicted by an independent party.",
    "corroborated": "Supported by an independent party.",
    "unverified": "Nobody independent of the claimant backs it.",
}
STATUS_LABELS = dict(Claim.Status.choices)
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def status_badge(status: str) -> str:
    """A coloured badge for a claim status; the meaning is in its title."""
    return format_html(
        '<span class="badge badge-{}" title="{}">{}</span>',
        status if status in STATUS_LABELS else "unknown",
        STATUS_HELP.get(status, ""),
        STATUS_LABELS.get(status, status),
    )


@register.simple_tag
def grade_badge(grade: str) -> str:
    """The Admiralty source-reliability grade (A–F) as a small badge with its meaning."""
    from sources.models import Source

    labels = dict(Source.Reliability.choices)
    return format_html(
        '<span class="grade grade-{}" title="Source reliability {}">{}</span>', grade, labels.get(grade, grade), grade
    )


@register.simple_tag
def claim_grade_badge(grade: str) -> str:
    """A claim's Admiralty grade (e.g. B2: source reliability, then credibility) as a small badge."""
    from claims.flags import CREDIBILITY_WORDS, RELIABILITY_WORDS

    grade = grade or ""
    letter, digit = grade[:1], grade[1:]
    meaning = ""
    if letter in RELIABILITY_WORDS and digit.isdigit() and int(digit) in CREDIBILITY_WORDS:
        meaning = f"source {RELIABILITY_WORDS[letter]}; information {CREDIBILITY_WORDS[int(digit)]}"
    return format_html(
        '<span class="claim-grade grade-{}" title="Admiralty grade: {}">{}</span>', letter, meaning, grade or "—"
    )


@register.inclusion_tag("includes/reasons.html")
def reason_list(reasons, compact: bool = False, summaries=None):
    """Every reason behind a claim's flags, each a sentence linking to the claim that causes it, and,
    when ``summaries`` (claim id → summary) are given, that claim's summary linked to it too."""
    items = []
    for reason in reasons or ():
        claim_id = reason.get("claim")
        items.append(
            {
                "code": reason.get("code", ""),
                "text": reason.get("text", ""),
                "url": reverse("claims:detail", args=[claim_id]) if claim_id else "",
                "claim": claim_id,
                "summary": (summaries or {}).get(claim_id, ""),
            }
        )
    return {"reasons": items, "compact": compact}


def _day(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def _period(claim: Claim) -> str:
    if not claim.event_start:
        return ""
    if claim.event_end and claim.event_end != claim.event_start:
        text = f"between {_day(claim.event_start)} and {_day(claim.event_end)}"
    else:
        text = f"on {_day(claim.event_start)}"
    if claim.date_precision and claim.date_precision != Claim.DatePrecision.DAY:
        text += f" ({claim.get_date_precision_display().lower()})"
    return text


def _count(claim: Claim) -> str:
    low, high = claim.count_min, claim.count_max
    if low is None and high is None:
        return ""
    if high is None:
        return f"at least {low}"
    if low is None or low == 0:
        return f"up to {high}" if low is None else f"0 to {high}"
    return str(low) if low == high else f"{low} to {high}"


# How a count reads with its unit: "12 reported killed", "3 villages".
UNIT_WORDS = {
    Claim.CountUnit.KILLED: "reported killed",
    Claim.CountUnit.WOUNDED: "reported wounded",
    Claim.CountUnit.KILLED_OR_WOUNDED: "reported killed or wounded",
    Claim.CountUnit.CAPTURED: "reported captured",
    Claim.CountUnit.MISSING: "reported missing",
    Claim.CountUnit.DISPLACED: "reported displaced",
    Claim.CountUnit.POSITIONS: "positions",
    Claim.CountUnit.VILLAGES: "villages",
    Claim.CountUnit.VEHICLES: "vehicles",
    Claim.CountUnit.PERSONNEL: "personnel",
}


TAKEN = ("positions", "villages", "vehicles")


def count_with_unit(claim: Claim) -> str:
    """The count and what it counts ("at least 8 reported killed"); the bare count when the unit is
    not said or is ``other``; empty without a count."""
    count = _count(claim)
    words = UNIT_WORDS.get(getattr(claim, "count_unit", "") or "")
    return f"{count} {words}" if count and words else count


@register.simple_tag
def count_text(claim: Claim) -> str:
    return count_with_unit(claim)


def proposition_parts(claim: Claim) -> list[tuple[str, str]]:
    """The structured proposition as plain words: ``(text, url)`` pieces (url empty for plain text)."""
    subject = (claim.subject.name, reverse("actors:detail", args=[claim.subject.slug])) if claim.subject_id else None
    place = (
        (claim.location.name, reverse("locations:detail", args=[claim.location.slug])) if claim.location_id else None
    )
    count, period = _count(claim), _period(claim)
    unit = UNIT_WORDS.get(getattr(claim, "count_unit", "") or "")
    counted = f"{count} {unit}" if count and unit else ""
    parts: list[tuple[str, str]] = []

    def say(text: str, url: str = "") -> None:
        parts.append((text, url))

    kind = claim.kind
    if kind == Claim.Kind.CONTROL and subject and place:
        say(*subject)
        say(" controls ")
        say(*place)
    elif kind == Claim.Kind.CASUALTIES and subject:
        say(*subject)
        if counted:
            say(f" suffered losses: {counted}")
        else:
            say(f" suffered {count} casualties" if count else " suffered casualties")
        if place:
            say(" in ")
            say(*place)
    elif kind in (Claim.Kind.ATTACK, Claim.Kind.ADVANCE) and subject:
        say(*subject)
        say(" attacked" if kind == Claim.Kind.ATTACK else " advanced")
        if place:
            say(" on " if kind == Claim.Kind.ATTACK else " in ")
            say(*place)
        if counted:
            say(f", taking {counted}" if kind == Claim.Kind.ADVANCE and unit in TAKEN else f", {counted}")
        elif count:
            say(f", taking {count} positions" if kind == Claim.Kind.ADVANCE else f", {count} involved")
    else:
        say(claim.summary)
        if place:
            say(" (about ")
            say(*place)
            say(")")
        if period:
            say(f", {period}")
        return parts
    if period:
        say(f", {period}" if count and kind == Claim.Kind.ADVANCE else f" {period}")
    return parts


@register.inclusion_tag("includes/proposition.html")
def proposition(claim: Claim):
    return {"parts": proposition_parts(claim)}


@register.simple_tag
def json_ld(data) -> str:
    """``<script type="application/ld+json">`` with the characters that could end the element escaped."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@register.inclusion_tag("includes/quote.html")
def quote_pair(quoted: Any) -> dict[str, Any]:
    """A claim's or a citation's quote in its own language, and its translation beside it: each in an
    element with its ``lang`` and its ``dir`` (``rtl`` for a language written in a right-to-left
    script, ``core.languages``; ``auto`` when the language is not given)."""
    by = quoted.translated_by or ""
    engine = by.removeprefix("machine:") if by.startswith("machine:") else ""
    return {
        "quote": quoted.quote,
        "language": quoted.language,
        "direction": text_direction(quoted.language),
        "translation": quoted.translation if quoted.quote else "",
        "translation_language": quoted.translation_language,
        "translation_direction": text_direction(quoted.translation_language),
        "translator": f"machine translation ({engine})" if engine else f"by {by}" if by else "",
        "translated_at": quoted.translated_at,
    }
