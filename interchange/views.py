"""The editors' dataset upload at /admin/import/: a UCDP GED or ACLED CSV, or ClaimReview JSON-LD,
imported through the same importers as the management commands, with the summary shown."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interchange.claimreview import import_claim_reviews
from interchange.importers.acled import import_acled
from interchange.importers.base import ImportFileError, ImportSummary
from interchange.importers.ucdp import import_ucdp

MAX_UPLOAD = 100 * 1024 * 1024

DATASETS = [
    ("ucdp", "UCDP GED (CSV)"),
    ("acled", "ACLED (CSV)"),
    ("claimreview", "ClaimReview (JSON-LD)"),
]


class ImportForm(forms.Form):
    dataset = forms.ChoiceField(choices=DATASETS)
    file = forms.FileField(help_text="UTF-8 CSV with the dataset's own header, or a JSON-LD file.")
    strict = forms.BooleanField(
        required=False,
        help_text="UCDP: skip rows that break low ≤ best ≤ high instead of keeping them with a consistent range.",
    )
    dry_run = forms.BooleanField(required=False, label="Dry run", help_text="Check everything, write nothing.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(f"The file is larger than {MAX_UPLOAD // (1024 * 1024)} MB.")
        return upload


def run_import(dataset: str, data: bytes, *, strict: bool, dry_run: bool) -> ImportSummary:
    if dataset == "ucdp":
        return import_ucdp(data, strict=strict, dry_run=dry_run)
    if dataset == "acled":
        return import_acled(data, strict=strict, dry_run=dry_run)
    return import_claim_reviews(data, dry_run=dry_run)


@staff_member_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perms(["claims.add_claim", "claims.change_claim"]):
        raise PermissionDenied("Importing needs the permission to add and change claims.")
    summary = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            try:
                summary = run_import(
                    form.cleaned_data["dataset"],
                    data,
                    strict=form.cleaned_data["strict"],
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
    else:
        form = ImportForm()
    context = {
        **admin.site.each_context(request),
        "title": "Import a dataset",
        "form": form,
        "summary": summary,
    }
    return render(request, "admin/import_upload.html", context, status=400 if form.errors else 200)
