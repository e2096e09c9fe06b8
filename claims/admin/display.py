"""How the claims' admin shows a claim: its flags, a link with its status, its reasons."""

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from claims import selectors
from claims.models import Claim
from core.admin import (
    admin_link,
    status_badge,
)

FLAG_LABELS = (("contested", "contested", "#b45309"), ("corroborated", "corroborated", "#1d4ed8"))


def claim_flags(claim: Claim) -> str:
    shown = [(label, colour) for attr, label, colour in FLAG_LABELS if getattr(claim, attr)]
    if claim.unverified:
        shown.append(("unverified", "#7c3aed"))
    if not shown:
        return "—"
    return format_html_join(
        " ",
        '<span style="border:1px solid {};color:{};padding:0 5px;border-radius:8px;font-size:11px">{}</span>',
        ((colour, colour, label) for label, colour in shown),
    )


def claim_link(claim: Claim | None) -> str:
    if claim is None:
        return "—"
    return format_html("{} {}", admin_link(claim, Truncator(str(claim)).chars(90)), status_badge(claim.status))


def reasons_html(reasons: list) -> str:
    """The reasons as an escaped list of their sentences, each linking to the claim that causes it."""
    if not reasons:
        return "—"
    items = []
    summaries = selectors.reason_summaries(reasons)
    for reason in reasons:
        text = reason.get("text") or reason.get("code", "")
        other = reason.get("claim")
        if other:
            url = reverse("admin:claims_claim_change", args=[other])
            summary = Truncator(summaries.get(other, "")).chars(120)
            items.append(format_html('{} (<a href="{}">claim #{}: “{}”</a>)', text, url, other, summary))
        else:
            items.append(format_html("{}", text))
    return format_html(
        '<ul class="fw-reasons" style="margin:0;padding-left:1.2em">{}</ul>',
        format_html_join("", "<li>{}</li>", ((item,) for item in items)),
    )
