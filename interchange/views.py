"""The editors' dataset upload at /admin/import/: a UCDP GED or ACLED CSV, or ClaimReview JSON-LD.

An import is an ``ImportJob`` run in the background (``interchange.services``): the upload returns at
once to the job's page, whose progress bar follows the job (``static/js/import_progress.js`` polls
``status.json``), then links to the claims it made or changed and to its faulty rows as a CSV. A dry
run is checked in the request and its summary shown (nothing is written)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from interchange.claimreview import import_claim_reviews
from interchange.importers.acled import import_acled
from interchange.importers.base import ImportFileError, ImportSummary
from interchange.importers.ucdp import import_ucdp
from interchange.models import ImportJob
from interchange.services import faulty_rows_csv, import_job_start, import_job_status

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
    dry_run = forms.BooleanField(
        required=False,
        label="Dry run",
        help_text="Check everything here and now, write nothing (for small files: the page waits for it).",
    )

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


def _editor(request: HttpRequest) -> None:
    if not request.user.has_perms(["claims.add_claim", "claims.change_claim"]):
        raise PermissionDenied("Importing needs the permission to add and change claims.")


@staff_member_required
def import_upload(request: HttpRequest) -> HttpResponse:
    _editor(request)
    summary = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                if form.cleaned_data["dry_run"]:
                    summary = run_import(
                        form.cleaned_data["dataset"], data, strict=form.cleaned_data["strict"], dry_run=True
                    )
                else:
                    job = import_job_start(
                        kind=form.cleaned_data["dataset"],
                        data=data,
                        file_name=upload.name or "",
                        strict=form.cleaned_data["strict"],
                        user=request.user,
                    )
                    return redirect("import:job", pk=job.pk)
            except ImportFileError as exc:
                form.add_error("file", str(exc))
    else:
        form = ImportForm()
    context = {
        **admin.site.each_context(request),
        "title": "Import a dataset",
        "form": form,
        "summary": summary,
        "jobs": ImportJob.objects.defer("data").order_by("-created_at", "-id")[:10],
    }
    return render(request, "admin/import_upload.html", context, status=400 if form.errors else 200)


def imported_claims_url(job: ImportJob) -> str:
    """The claim list of what the job made or changed: every claim updated since it started."""
    since = (job.started_at or job.created_at).isoformat()
    return f"{reverse('claims:list')}?{urlencode({'updated_since': since})}"


@staff_member_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    job = get_object_or_404(ImportJob.objects.defer("data"), pk=pk)
    context = {
        **admin.site.each_context(request),
        "title": f"Import #{job.pk}: {job.file_name or job.get_kind_display()}",
        "job": job,
        "status": import_job_status(job),
        "claims_url": imported_claims_url(job),
    }
    return render(request, "admin/import_job.html", context)


@staff_member_required
def import_job_status_json(request: HttpRequest, pk: int) -> JsonResponse:
    _editor(request)
    job = get_object_or_404(ImportJob.objects.defer("data"), pk=pk)
    return JsonResponse({**import_job_status(job), "claims_url": imported_claims_url(job)})


@staff_member_required
def import_job_faulty(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    _editor(request)
    job = get_object_or_404(ImportJob.objects.defer("data"), pk=pk)
    response = StreamingHttpResponse(faulty_rows_csv(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-faulty-rows.csv"'
    return response
