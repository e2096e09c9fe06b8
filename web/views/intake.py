"""The editors' intake pages: ``/intake/`` (paste an article; the pending intakes, newest first) and
``/intake/{id}/`` (the article with each draft's evidence highlighted, a card per draft to edit,
confirm or discard). Every write goes through ``intake.services``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join

from actors.models import Actor
from claims.models import Claim
from devdata.articles import EXAMPLES
from intake import selectors, services
from intake.models import Intake
from locations.models import Location
from sources.models import Report, Source

EDITORS_ONLY = [
    login_required,
    permission_required("claims.add_claim", raise_exception=True),
]
PENDING_ROWS = 50


def editors_only(view):
    for decorate in reversed(EDITORS_ONLY):
        view = decorate(view)
    return view


class ArticleForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}), max_length=services.MAX_TEXT, strip=False)
    title = forms.CharField(max_length=500, required=False)
    url = forms.URLField(max_length=1000, required=False, label="URL", assume_scheme="https")
    source = forms.ModelChoiceField(Source.objects.order_by("name"), required=False, empty_label="Choose the outlet")
    published_at = forms.DateField(required=False, label="Published", widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.CharField(max_length=20, required=False, help_text="e.g. en, ru, fa; found when left empty.")

    def clean_text(self) -> str:
        try:
            return services.clean_text(self.cleaned_data["text"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["text"]) from exc


def _pending() -> list[Intake]:
    return list(selectors.intakes_pending()[:PENDING_ROWS])


@editors_only
def intake_start(request: HttpRequest) -> HttpResponse:
    """Paste an article (or fill in the example), read it, and go to its drafts."""
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                intake = services.intake_create(**form.cleaned_data, user=request.user)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, messages)
            else:
                return redirect("intake:detail", pk=intake.pk)
    else:
        example = EXAMPLES.get(request.GET.get("example", ""))
        initial: dict[str, Any] = {}
        if example:
            initial = {k: v for k, v in example.items() if k != "source"}
            initial["source"] = Source.objects.filter(slug=example["source"]).first()
        report = (
            Report.objects.filter(pk=request.GET["report"]).first() if request.GET.get("report", "").isdigit() else None
        )
        if report is not None:
            return redirect("intake:from_report", pk=report.pk)
        form = ArticleForm(initial=initial)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "pending": _pending(), "examples": EXAMPLES}
    return render(request, "intake/intake_start.html", context, status=status)


@editors_only
def intake_from_report(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Draft claims" on a report: its latest intake, or a new one read from its title and summary."""
    report = get_object_or_404(Report.objects.select_related("source"), pk=pk)
    existing = Intake.objects.filter(report=report).order_by("-created_at").first()
    if existing is not None:
        return redirect("intake:detail", pk=existing.pk)
    if request.method != "POST":
        return render(request, "intake/intake_from_report.html", {"report": report})
    intake = services.intake_from_report(report=report, user=request.user)
    return redirect("intake:detail", pk=intake.pk)


def _highlighted(text: str, drafts: list[dict[str, Any]]) -> Any:
    """The article with each draft's evidence marked (overlaps: the first draft's mark wins)."""
    spans = sorted(
        (d["evidence"]["start"], d["evidence"]["end"], d["index"])
        for d in drafts
        if 0 <= d["evidence"]["start"] < d["evidence"]["end"] <= len(text)
    )
    pieces: list[tuple[str, str, str]] = []
    at = 0
    for start, end, index in spans:
        if start < at:
            continue
        pieces.append(("", "", text[at:start]))
        pieces.append((f"evidence-{index}", str(index + 1), text[start:end]))
        at = end
    pieces.append(("", "", text[at:]))
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html_join("", '<mark id="{}" data-draft="{}">{}</mark>', [(mark, label, chunk)])
                if mark
                else chunk,
            )
            for mark, label, chunk in pieces
        ),
    )


FIELDS = ("kind", "claimant", "spokesperson", "subject", "location", "summary", "event_start", "event_end")
COUNTS = ("count_min", "count_max")


def _edits(request: HttpRequest, intake: Intake) -> tuple[list[dict[str, Any]], list[int], dict[str, str]]:
    """The cards' fields as draft changes (slugs made ids), the drafts kept, and what could not be read."""
    changes, keep, errors = [], [], {}
    for draft in intake.drafts:
        index = draft["index"]
        prefix = f"d{index}-"
        if request.POST.get(prefix + "keep"):
            keep.append(index)
        change: dict[str, Any] = {"index": index}
        for name in (*FIELDS, *COUNTS, "count_unit"):
            raw = request.POST.get(prefix + name)
            if raw is None:
                continue
            raw = raw.strip()
            if name in ("claimant", "spokesperson", "subject", "location"):
                model = Location if name == "location" else Actor
                if not raw:
                    change[name] = None
                    continue
                found = model.objects.filter(slug=raw).values_list("pk", flat=True).first()
                if found is None and raw.isdigit():
                    found = model.objects.filter(pk=int(raw)).values_list("pk", flat=True).first()
                if found is None:
                    errors[f"drafts[{index}].{name}"] = f"No {model._meta.verbose_name} “{raw}”."
                    continue
                change[name] = found
            elif name in COUNTS:
                if raw and not raw.isdigit():
                    errors[f"drafts[{index}].{name}"] = "A whole number of zero or more."
                    continue
                change[name] = int(raw) if raw else None
            elif name in ("event_start", "event_end"):
                try:
                    change[name] = date.fromisoformat(raw).isoformat() if raw else None
                except ValueError:
                    errors[f"drafts[{index}].{name}"] = f"“{raw}” is not a date."
            else:
                change[name] = raw
        changes.append(change)
    return changes, keep, errors


@editors_only
def intake_detail(request: HttpRequest, pk: int) -> HttpResponse:
    intake = get_object_or_404(selectors.intake_list(), pk=pk)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST" and intake.state == Intake.State.DRAFT:
        action = request.POST.get("action")
        try:
            if action == "discard":
                services.intake_discard(intake=intake)
                return redirect("intake:detail", pk=intake.pk)
            changes, keep, errors = _edits(request, intake)
            if not errors:
                intake = services.intake_update_drafts(intake=intake, drafts=changes)
                services.intake_confirm(intake=intake, keep=keep)
                return redirect("intake:detail", pk=intake.pk)
        except ValidationError as exc:
            errors = {name: " ".join(messages) for name, messages in exc.message_dict.items()}
        except services.IntakeStateError as exc:
            errors = {"state": str(exc)}
        intake.refresh_from_db()
        status = 400
    drafts = selectors.drafts_shown(intake.drafts)
    for draft in drafts:
        draft["errors"] = {
            name.split(".", 1)[1]: message
            for name, message in errors.items()
            if name.startswith(f"drafts[{draft['index']}].")
        }
    general = {name: message for name, message in errors.items() if not name.startswith("drafts[")}
    made = intake.made or {}
    context = {
        "intake": intake,
        "article": _highlighted(intake.text, intake.drafts),
        "drafts": drafts,
        "general_errors": general,
        "kinds": Claim.Kind.choices,
        "precisions": Claim.DatePrecision.choices,
        "count_units": Claim.CountUnit.choices,
        "made_claims": list(Claim.objects.filter(pk__in=made.get("claims", []) + made.get("cited", [])).order_by("id")),
        "actor_options": Actor.objects.order_by("name").values_list("slug", "name"),
        "place_options": Location.objects.order_by("name").values_list("slug", "name"),
        "list_url": reverse("intake:start"),
    }
    return render(request, "intake/intake_detail.html", context, status=status)
