"""HTML pages of claims: the overview, the filtered list and one claim (DESIGN.md, Pages).

Views only shape what the templates show: querysets come from the selectors, filtering from
``claims.filters.ClaimFilter`` (the same FilterSet as the API), flags as of a date from the
flag rules via the selectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join

from actors.models import Actor
from claims import flags as flag_rules
from claims import selectors
from claims.as_of import cited_by_then, claims_as_of, flags_on, verdict_given_by
from claims.documents import ClaimDocuments
from claims.filters import ClaimFilter
from claims.models import Claim, Conflict, Relation
from core.api.pagination import CountCachingPaginator
from core.versions import cached_for_version
from interchange.jsonld import claim_json_ld
from locations.models import Location
from sources.models import Source
from web.views.fragments import cached_fragment

OVERVIEW_ROWS = 10
CHART_WEEKS = 26
# The weekly chart's labels under the bars: at most this many on a wide screen, and a subset of
# them on a phone; none whose middle is past this percent of the width (it would run off the edge).
WEEK_LABELS_WIDE, WEEK_LABELS_NARROW, WEEK_LABEL_LIMIT = 8, 4, 90.0
# More bars than this and the totals above them only show on a wide screen.
WEEK_TOTALS_NARROW = 12
# The filters shown at once; the rest sit in "More filters".
MAIN_FILTERS = (
    "q",
    "conflict",
    "kind",
    "location",
    "claimant",
    "claimed_after",
    "claimed_before",
    "as_of",
    "ordering",
    "status",
)
# Fields of the filter form that choose no claims: not counted as active filters.
NOT_FILTERS = ("ordering",)
DATE_FILTERS = ("claimed_after", "claimed_before", "event_after", "event_before", "as_of")
# Each reference filter offers its objects as suggestions (a datalist of slugs and names).
SUGGESTIONS = {
    "conflict": "conflicts",
    "claimant": "actors",
    "spokesperson": "actors",
    "subject": "actors",
    "location": "locations",
    "source": "sources",
}
ORDER_LABELS = {
    "claimed_on": "Oldest claimed first",
    "-claimed_on": "Newest claimed first",
    "updated_at": "Least recently updated",
    "-updated_at": "Most recently updated",
    "id": "Oldest entered first",
    "-id": "Newest entered first",
}
STATUS_ORDER = [value for value, _label in Claim.Status.choices]


# -- overview ------------------------------------------------------------------------------------


@dataclass
class WeekBar:
    week: date
    x: float  # percent of the plot's width
    center: float = 0.0  # percent
    total: int = 0
    label: str = ""
    label_narrow: bool = False  # the label stays on a narrow screen
    top: float = 0.0  # px
    segments: list[dict] = field(default_factory=list)
    cells: list[int] = field(default_factory=list)  # the table's row: a count per status shown


def week_chart(rows: list[tuple[date, str, int]], *, weeks: int = CHART_WEEKS, height: int = 180) -> dict | None:
    """Stacked bars of claims per week by status, as SVG geometry (pure: no database).

    ``rows`` are ``(week start, status, count)``; the chart ends at the latest week with claims
    and spans at most ``weeks`` weeks back, empty weeks included. Across, positions are
    percentages of the plot's width, so the SVG takes whatever width the page gives it (a
    phone's too) with its text at its own size; down, they are pixels. Labels carry whether they
    stay on a narrow screen, where fewer fit.
    """
    if not rows:
        return None
    counts: dict[date, dict[str, int]] = {}
    for week, status, n in rows:
        week = week.date() if hasattr(week, "date") else week
        counts.setdefault(week, {})[status] = counts.setdefault(week, {}).get(status, 0) + n
    last, first = max(counts), min(counts)
    first = max(first, last - timedelta(weeks=weeks - 1))
    span = (last - first).days // 7 + 1
    plot_top, plot_bottom = 20, height - 30
    slot = 100 / span
    bar_width = max(min(slot * 0.7, 6.5), 0.3)
    peak = max((sum(counts.get(first + timedelta(weeks=i), {}).values()) for i in range(span)), default=0) or 1
    scale = (plot_bottom - plot_top) / peak
    label_every = ceil(span / WEEK_LABELS_WIDE)
    narrow_every = label_every * ceil(ceil(span / WEEK_LABELS_NARROW) / label_every)  # every nth wide label
    bars = []
    for i in range(span):
        week = first + timedelta(weeks=i)
        center = (i + 0.5) * slot
        bar = WeekBar(week=week, x=round(center - bar_width / 2, 2), center=round(center, 2))
        y = plot_bottom
        for status in STATUS_ORDER:
            n = counts.get(week, {}).get(status, 0)
            if not n:
                continue
            h = n * scale
            y -= h
            bar.segments.append({"status": status, "n": n, "y": round(y, 1), "h": round(h, 1)})
            bar.total += n
        bar.top = round(y, 1)
        if i % label_every == 0 and (center <= WEEK_LABEL_LIMIT or span == 1):
            bar.label = f"{week.day} {week:%b}"
            bar.label_narrow = i % narrow_every == 0
        bars.append(bar)
    used = [s for s in STATUS_ORDER if any(seg["status"] == s for bar in bars for seg in bar.segments)]
    for bar in bars:
        bar.cells = [counts.get(bar.week, {}).get(status, 0) for status in used]
    return {
        "bars": bars,
        "bar_width": round(bar_width, 2),
        "height": height,
        "plot_top": plot_top,
        "plot_bottom": plot_bottom,
        "peak": peak,
        "label_y": height - 12,
        "dense": span > WEEK_TOTALS_NARROW,
        "first": first,
        "last": last + timedelta(days=6),
        "span": date_span(first, last + timedelta(days=6)),
        "statuses": used,
        "total": sum(bar.total for bar in bars),
    }


def date_span(first: date, last: date) -> str:
    """``1 Mar – 23 Aug 2021``; the year twice only when it changes."""
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"


def overview(request: HttpRequest) -> HttpResponse:
    """Counts by status, the weekly chart, recently contested and newest claims: of every claim, or
    of one conflict's (``?conflict=``, read by the claim list's own FilterSet; unknown: 400)."""
    scope = ClaimFilter({"conflict": request.GET.get("conflict", "")}, queryset=selectors.claim_list())
    valid = scope.is_valid()
    claims = scope.qs if valid else Claim.objects.none()
    chosen = scope.form.cleaned_data["conflict"][0] if valid and scope.form.cleaned_data.get("conflict") else None
    by_status = dict(claims.order_by().values_list("status").annotate(n=Count("id")))
    counts = [
        {"status": status, "label": label, "n": by_status.get(status, 0)} for status, label in Claim.Status.choices
    ]
    weekly = (
        claims.order_by().annotate(week=TruncWeek("claimed_on")).values_list("week", "status").annotate(n=Count("id"))
    )
    context = {
        "counts": counts,
        "total": sum(by_status.values()),
        "newest": claims[:OVERVIEW_ROWS],
        "contested": claims.filter(contested=True).order_by("-updated_at", "-id")[:OVERVIEW_ROWS],
        "chart": week_chart(list(weekly)),
        "conflicts": list(Conflict.objects.order_by("-start", "name", "id").values("slug", "name")),
        "conflict": chosen,
        "scope": f"conflict={chosen.slug}" if chosen else "",
        "errors": [] if valid else scope.form.errors.get("conflict", []),
    }
    return render(request, "claims/overview.html", context, status=200 if valid else 400)


# -- list ----------------------------------------------------------------------------------------


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def _suggestions(form) -> dict[str, str]:
    """The ``<option>``s offered while typing in the reference filters (slug, shown with the name):
    one query per kind, rendered once per data version (core/versions.py)."""
    models = {"actors": Actor, "locations": Location, "sources": Source, "conflicts": Conflict}
    wanted = sorted({SUGGESTIONS[name] for name in SUGGESTIONS if name in form.fields})

    def render() -> dict[str, str]:
        return {
            kind: format_html_join(
                "", '<option value="{}">{}</option>', models[kind].objects.order_by("name").values_list("slug", "name")
            )
            for kind in wanted
        }

    return cached_for_version("suggestions", wanted, render)


def _prepare_form(form) -> None:
    for name in DATE_FILTERS:
        if name in form.fields:
            form.fields[name].widget.input_type = "date"
    for name, kind in SUGGESTIONS.items():
        if name in form.fields:
            form.fields[name].widget.attrs.update({"list": f"suggest-{kind}", "autocomplete": "off"})
    if "q" in form.fields:
        form.fields["q"].widget.input_type = "search"
    if "grade" in form.fields:  # 36 grades: typed as a comma list, as in the API, not 36 checkboxes
        form.fields["grade"].widget = forms.TextInput(attrs={"placeholder": "e.g. A1,A2,B1,B2"})
    for name in ("contested", "corroborated", "unverified"):
        if name in form.fields:  # the flags, told apart from the statuses of the same name
            form.fields[name].label = f"Flag: {name}"
    for name, empty in (("kind", "Any kind"), ("count_unit", "Any count unit"), ("credibility_max", "Any credibility")):
        if name in form.fields:
            field = form.fields[name]
            field.empty_label = empty
            field.choices = [choice for choice in field.choices if choice[0] != ""]
    if "ordering" in form.fields:
        field = form.fields["ordering"]
        field.empty_label = "Default (best match first when searching, else newest claimed first)"
        field.choices = [(value, ORDER_LABELS.get(value, label)) for value, label in field.choices if value != ""]


def claim_list(request: HttpRequest) -> HttpResponse:
    pairs = [(name, value) for name, values in request.GET.lists() for value in values]
    if any(value == "" for _name, value in pairs):
        # The form sends every field; keep the address short and shareable: only what was set.
        params = [(name, value) for name, value in pairs if value != ""]
        return redirect(reverse("claims:list") + (f"?{urlencode(params)}" if params else ""))
    filterset = ClaimFilter(request.GET, queryset=selectors.claim_list())
    form = filterset.form
    _prepare_form(form)
    valid = filterset.is_valid()
    for name in form.errors:
        if name in form.fields:  # screen readers announce the field as invalid and read its error
            form.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}_errors"})
    queryset = filterset.qs if valid else Claim.objects.none()
    # The count and the page's rows are functions of the query's parameters (and the data): their keys
    # under the data version (web/views/fragments.py), with no SQL compiled to make them.
    filters_key = ("claim-list", tuple(pair for pair in pairs if pair[0] != "page"))
    paginator = CountCachingPaginator(queryset, settings.FOGWATCH_PAGE_SIZE, count_key=filters_key)
    page = paginator.get_page(request.GET.get("page"))
    as_of = filterset.as_of if valid else None

    def table() -> str:
        claims = claims_as_of(page.object_list, as_of, filterset.as_of_flags) if valid else []
        options = {"show_reasons": True, "empty": "No claims match these filters."}
        return render_to_string("includes/claim_table.html", {"claims": claims, "as_of": as_of, **options})

    # The page's rows, rendered once per data version: the query's parameters are the key, so any
    # filter, page or ordering has its own.
    claim_table = cached_fragment("claim-list", tuple(pairs), table) if valid else ""
    query = _query_without(request, "page")
    fields = [form[name] for name in form.fields]
    more_names = [f.name for f in fields if f.name not in MAIN_FILTERS]
    set_names = {name for name, _value in pairs if name in form.fields and name not in NOT_FILTERS}

    def filters() -> str:
        return render_to_string(
            "includes/claim_filters.html",
            {
                "action": reverse("claims:list"),
                "form": form,
                "main_fields": [form[name] for name in MAIN_FILTERS if name in form.fields],
                "more_fields": [f for f in fields if f.name not in MAIN_FILTERS],
                "error_list": [
                    {"label": form[name].label if name in form.fields else name, "id": f"id_{name}", "error": error}
                    for name, errors in form.errors.items()
                    for error in errors
                ],
                "more_open": any(request.GET.get(name) for name in more_names)
                or any(form.errors.get(n) for n in more_names),
                "suggestions": _suggestions(form),
                "filtered": bool(query),
            },
        )

    context = {
        "filterset": filterset,
        "form": form,
        # The filter form, a function of the query (and of the data its choices and suggestions read).
        "claim_filters": cached_fragment("claim-filters", sorted(pairs), filters),
        "active_filters": [form[name].label for name in form.fields if name in set_names],
        "page": page,
        "claim_table": claim_table,
        "as_of": as_of,
        "query": query,
        "api_url": "/api/v1/claims/" + (f"?{query}" if query else ""),
        "csv_url": "/api/v1/claims/export.csv" + (f"?{query}" if query else ""),
        "geojson_url": "/api/v1/claims/export.geojson" + (f"?{query}" if query else ""),
        "jsonl_url": "/api/v1/claims/export.jsonl" + (f"?{query}" if query else ""),
        "filtered": bool(query),
    }
    return render(request, "claims/claim_list.html", context, status=200 if valid else 400)


# -- detail --------------------------------------------------------------------------------------


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        required=False,
        label="As of",
        help_text="Show the status and reasons as they stood on this date.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@dataclass
class TimelineEvent:
    """One dated step on a claim's timeline: the claim itself, or a claim on the other end of a relation."""

    on: date
    claim: Claim
    stance: str = ""
    incoming: bool = True  # the other claim responds to this one
    origin: str = ""
    note: str = ""
    echo: bool = False
    is_self: bool = False

    @property
    def sentence(self) -> str:
        if self.is_self:
            return "This claim is made"
        verb = dict(Relation.Stance.choices).get(self.stance, self.stance).lower()
        if self.incoming:
            return f"{verb} this claim"
        return f"this claim {verb} it"


def relation_timeline(claim: Claim, as_of: date | None = None) -> list[TimelineEvent]:
    """The claims that respond to this one and the ones it answers, with the claim itself, by date."""
    bloc = claim.claimant.bloc_id or claim.claimant_id
    events = [TimelineEvent(on=claim.claimed_on, claim=claim, is_self=True)]
    ends = [(r, r.claim, True) for r in claim.relations_received.all()]
    ends += [(r, r.target, False) for r in claim.relations_made.all()]
    for relation, other, incoming in ends:
        events.append(
            TimelineEvent(
                on=other.claimed_on,
                claim=other,
                stance=relation.stance,
                incoming=incoming,
                origin=relation.origin,
                note=relation.note,
                echo=flag_rules.is_echo(relation.stance, bloc, other.claimant.bloc_id or other.claimant_id),
            )
        )
    if as_of is not None:
        events = [event for event in events if event.on <= as_of]
    return sorted(events, key=lambda e: (e.on, not e.is_self, e.claim.pk))


HISTORY_FIELDS = {
    "summary": "summary",
    "quote": "quote",
    "language": "quote language",
    "translation": "translation",
    "translation_language": "translation language",
    "translated_by": "translated by",
    "translated_at": "translated at",
    "kind": "kind",
    "claimed_on": "claimed on",
    "claimant": "claimant",
    "spokesperson": "spokesperson",
    "subject": "subject",
    "location": "location",
    "event_start": "event start",
    "event_end": "event end",
    "count_min": "count min",
    "count_max": "count max",
    "verdict": "verdict",
    "verdict_on": "verdict date",
}
REFERENCES = {"claimant", "spokesperson", "subject", "location"}
FIELD_ORDER = list(HISTORY_FIELDS)


def history_entries(claim: Claim, viewer: Any = None) -> list[dict]:
    """The claim's recorded versions as the page lists them, newest first: the fields an analyst
    reads (references named by the claim page itself, not by id); who made each change is named to
    staff users only ("an editor" for everyone else)."""
    entries = []
    for entry in selectors.claim_history(claim, viewer=viewer):
        if entry["object"] != "claim":
            continue
        changes = sorted(
            (c for c in entry["changes"] if c["field"] in HISTORY_FIELDS), key=lambda c: FIELD_ORDER.index(c["field"])
        )
        user = entry["user"]
        entries.append(
            {
                "kind": "edit",
                "when": entry["when"],
                "on": timezone.localtime(entry["when"]).date(),
                "type": entry["type"].capitalize(),
                "user": user["name"] if user else "",
                "reason": entry["reason"] or "",
                "changes": [
                    {
                        "field": HISTORY_FIELDS[c["field"]],
                        "old": "" if c["field"] in REFERENCES else c["old"],
                        "new": "" if c["field"] in REFERENCES else c["new"],
                    }
                    for c in changes
                ],
                "status": entry["status"],
            }
        )
    entries += flag_entries(claim)
    # One timeline, newest first: edits on the day they were made, flag changes on the day they took
    # effect (the causing claim's date when a claim or relation caused them).
    entries.sort(key=lambda e: (e["on"], e["when"], e["kind"] == "flags"), reverse=True)
    return entries


FLAG_WORDS = ("contested", "corroborated", "unverified")


def flag_entries(claim: Claim) -> list[dict]:
    """The claim's flag changes as the page lists them: the status before and after, the flags that
    turned, the grade, and the cause."""
    entries = []
    for record in selectors.flag_history(claim):
        old, new = record["old"] or {}, record["new"]
        turned = [
            f"{name} {'yes' if new.get(name) else 'no'}"
            for name in FLAG_WORDS
            if old and old.get(name) != new.get(name)
        ]
        entries.append(
            {
                "kind": "flags",
                "when": record["when"],
                "on": record["effective_on"],
                "old_status": old.get("status") if old and old.get("status") != new.get("status") else "",
                "status": new.get("status", ""),
                "turned": turned,
                "old_grade": old.get("grade", "") if old and old.get("grade") != new.get("grade") else "",
                "grade": new.get("grade", ""),
                "first": not old,
                "cause": record["cause"]["text"],
            }
        )
    return entries


def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(selectors.claim_detail(), pk=pk)
    form = AsOfForm(request.GET)
    valid = form.is_valid()
    as_of = form.cleaned_data.get("as_of") if valid else None
    if as_of is not None and claim.claimed_on > as_of:
        return _not_yet_made(request, claim, as_of)
    status, reasons, grade, then = claim.status, claim.reasons, claim.grade, None
    if as_of is not None:
        then = flags_on([(claim.pk, claim.claimed_on)], as_of)
        status, reasons, grade = then[claim.pk].status, then[claim.pk].reasons_as_dicts(), then[claim.pk].grade
    url = request.build_absolute_uri(reverse("claims:detail", args=[claim.pk]))
    timeline = relation_timeline(claim, as_of)
    document = ClaimDocuments(request, extra=True).for_ids([claim.pk], as_of=as_of, known=then)[0]
    cited = list(claim.citations.all())
    # The grade's letter comes from every source citing the claim, as graded now (also as of a date).
    best = min(cited, key=lambda c: (c.report.source.reliability, c.report.source.name), default=None)
    letter_text, digit_text = flag_rules.grade_explanation(grade, best.report.source.name if best else "", reasons)
    context = {
        "claim": claim,
        "form": form,
        "as_of": as_of,
        "status": status,
        "reasons": reasons,
        "grade": grade,
        "grade_letter_text": letter_text,
        "grade_digit_text": digit_text,
        # Each reason's claim is at the other end of a relation: the timeline has read its summary.
        "reason_summaries": {event.claim.pk: event.claim.summary for event in timeline if not event.is_self},
        "timeline": timeline,
        # As of a date: the verdict only once given, the citations only of reports published by then.
        "verdict": claim.get_verdict_display() if verdict_given_by(claim.verdict_on, as_of) else "",
        "history": history_entries(claim, request.user),
        "json_ld": claim_json_ld(document, url, request.build_absolute_uri("/")),
        "citations": [c for c in cited if cited_by_then(c.report.published_at, as_of)],
        "citations_later": len(cited) - len(document["citations"]),
        "api_url": f"/api/v1/claims/{claim.pk}/" + (f"?as_of={as_of.isoformat()}" if as_of else ""),
        "today": date.today(),
    }
    return render(request, "claims/claim_detail.html", context, status=200 if valid else 400)


def _not_yet_made(request: HttpRequest, claim: Claim, as_of: date) -> HttpResponse:
    """A claim asked as of a date before it was made: a page (404) that says when it was made and
    links to the claim as of that date."""
    context = {
        "claim": claim,
        "as_of": as_of,
        "then_url": reverse("claims:detail", args=[claim.pk]) + f"?as_of={claim.claimed_on.isoformat()}",
    }
    return render(request, "claims/claim_not_yet.html", context, status=404)


def claims_query_url(**params: str) -> str:
    """``/claims/?…``: the list filtered by these parameters."""
    return reverse("claims:list") + "?" + urlencode(params)
