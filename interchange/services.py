"""Import jobs: an upload (admin page or API) recorded as an ``ImportJob`` and run in the background by
``interchange.tasks.import_job`` (a Celery worker with Redis; a thread of the serving process
without), so the request returns at once.

A job survives a lost worker, as ``claims.RecomputeJob`` does (docs/background.md):

- **One runner at a time.** A worker takes the job up by a conditional update writing its lease
  (``runner``): only a queued or failed job, or a running one whose heartbeat is stale.
- **A heartbeat** (``core.leases.Heartbeat``) every ``FOGWATCH_JOB_HEARTBEAT_SECONDS``.
- **Batches commit with the progress.** Rows are imported through the bulk path in batches; each
  batch's transaction also writes the job's counts, ``rows_done`` and the batch's faulty rows, by
  an update that requires the lease still to be the runner's (else the batch rolls back:
  ``JobTakenOver``). A job taken up again skips the ``rows_done`` committed rows (reading only their
  ids, so a later duplicate is still one) and goes on: nothing is imported twice, and a batch cut
  short by the lost worker was rolled back with it. ClaimReview files are one batch.
- **Taken up again** by ``import_jobs_sweep`` (beat, every ``FOGWATCH_JOBS_SWEEP_INTERVAL``, and when a
  worker starts).
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from core import leases
from core.leases import Heartbeat, JobTakenOver, stale_before
from core.tasks import PRIMARY, enqueue, runner_name, send
from interchange.claimreview import ClaimReviewImporter, find_reviews
from interchange.importers.acled import REQUIRED as ACLED_REQUIRED
from interchange.importers.acled import AcledImporter
from interchange.importers.base import Directory, ImportFileError, ImportSummary, RowProblem, open_text, read_csv
from interchange.importers.base.writes import RowImporter
from interchange.importers.ucdp import REQUIRED as UCDP_REQUIRED
from interchange.importers.ucdp import UcdpImporter
from interchange.models import ImportJob, ImportProblem

logger = logging.getLogger("interchange.services")

State, Kind = ImportJob.State, ImportJob.Kind
CSV_KINDS: dict[str, tuple[str, tuple[str, ...], type[RowImporter]]] = {
    Kind.UCDP: ("UCDP GED", tuple(UCDP_REQUIRED), UcdpImporter),
    Kind.ACLED: ("ACLED", tuple(ACLED_REQUIRED), AcledImporter),
}


# ---------------------------------------------------------------------------------------------
# Starting a job
# ---------------------------------------------------------------------------------------------


HEAD = 64 * 1024  # what is read of a CSV in the request: its header


def _check_quickly(kind: str, data: bytes) -> None:
    """What can be checked at once, before the job is recorded: not empty, UTF-8 text (a CSV: its first
    64 KiB) and a CSV's header. The whole file's shape is checked by the job before it writes anything."""
    if not data.strip():
        raise ImportFileError("The file is empty.")
    if kind not in CSV_KINDS:
        open_text(data)  # ImportFileError when not UTF-8
        return
    head = data[:HEAD]
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(data) <= HEAD or exc.start < len(head) - 4:  # not a character cut by the end of the head
            raise ImportFileError(f"The file is not UTF-8 text (byte {exc.start} cannot be read).") from exc
        text = head[: exc.start].decode("utf-8-sig")
    dataset, required, _ = CSV_KINDS[kind]
    header = [name.strip() for name in next(csv.reader(io.StringIO(text, newline="")), [])]
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportFileError(
            f"Wrong header for a {dataset} file: it lacks {', '.join(missing)} "
            f"(found: {', '.join(header[:8])}{', …' if len(header) > 8 else ''})."
        )


def import_job_start(
    *, kind: str, data: bytes, file_name: str = "", strict: bool = False, user: Any = None
) -> ImportJob:
    """Check what can be checked at once (``ImportFileError``: nothing recorded), record the job and
    queue its task when the transaction commits."""
    if kind not in Kind.values:
        raise ImportFileError(f"“{kind}” is not a dataset; use one of {', '.join(Kind.values)}.")
    _check_quickly(kind, data)
    job = ImportJob.objects.create(
        kind=kind,
        data=data,
        size=len(data),
        file_name=file_name[:255],
        strict=strict,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    enqueue("interchange.tasks.import_job", job.pk)  # by name: tasks import services
    return job


# ---------------------------------------------------------------------------------------------
# Leases
# ---------------------------------------------------------------------------------------------


def _job_claim(job_id: int, runner: str) -> bool:
    """Take the job up for ``runner``: only a queued import job, or a stuck one."""
    return leases.take(ImportJob, job_id, runner, Q(state=State.QUEUED))


def _advance(job_id: int, runner: str, **fields: Any) -> None:
    leases.advance(ImportJob, job_id, runner, **fields)


def _counts(summary: ImportSummary) -> dict[str, int]:
    return {
        "made": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "removed": summary.removed,
        "skipped": summary.skipped,
        "kept": summary.kept_with_fixes,
    }


def _problems(job: ImportJob, problems: list[RowProblem], rows: dict[int, dict[str, str]]) -> None:
    ImportProblem.objects.bulk_create(
        [
            ImportProblem(
                job=job,
                line=p.line,
                key=p.key[:200],
                reason=p.reason,
                action=p.action[:200],
                values=rows.get(p.line, {}),
            )
            for p in problems
        ]
    )


# ---------------------------------------------------------------------------------------------
# Running a job
# ---------------------------------------------------------------------------------------------


def import_job_run(*, job_id: int, runner: str = "") -> ImportJob:
    """Run an import job, or resume it after its last committed batch. A job that is done, failed,
    or running under a live worker is left alone (a redelivered message changes nothing)."""
    runner = runner or runner_name()
    if not _job_claim(job_id, runner):
        return ImportJob.objects.using(PRIMARY).get(pk=job_id)
    job = ImportJob.objects.using(PRIMARY).get(pk=job_id)
    if job.runs > 1:
        logger.warning(
            "Import job #%s taken up again (run %d) after row %d: its worker was lost", job.pk, job.runs, job.rows_done
        )
    try:
        with Heartbeat(job.pk, runner, ImportJob):
            if job.kind in CSV_KINDS:
                _run_csv(job, runner)
            else:
                _run_claimreview(job, runner)
            _advance(job.pk, runner, state=State.DONE, finished_at=timezone.now())
    except JobTakenOver as exc:
        logger.warning("%s; stopped", exc)
    except ImportFileError as exc:
        _advance(job.pk, runner, state=State.FAILED, error=str(exc), finished_at=timezone.now())
    except Exception as exc:
        ImportJob.objects.using(PRIMARY).filter(pk=job.pk, runner=runner).update(
            state=State.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return ImportJob.objects.using(PRIMARY).get(pk=job.pk)


def _summary(job: ImportJob, dataset: str, unit: str = "line") -> ImportSummary:
    return ImportSummary(
        dataset=dataset,
        rows=job.rows_done,
        created=job.made,
        updated=job.updated,
        unchanged=job.unchanged,
        removed=job.removed,
        skipped=job.skipped,
        kept_with_fixes=job.kept,
        unit=unit,
    )


def _run_csv(job: ImportJob, runner: str) -> None:
    dataset, required, importer = CSV_KINDS[job.kind]
    _, total, rows = read_csv(open_text(bytes(job.data)), required=required, dataset=dataset)
    if job.rows_total != total:
        _advance(job.pk, runner, rows_total=total)
    summary = _summary(job, dataset)

    def batch_done(done: int, problems: list[RowProblem], batch: dict[int, dict[str, str]]) -> None:
        _problems(job, problems, batch)
        _advance(job.pk, runner, rows_done=done, **_counts(summary))

    importer(Directory(), summary, bulk=True).run(
        rows, total, strict=job.strict, progress=None, skip=job.rows_done, batch_done=batch_done
    )


def _run_claimreview(job: ImportJob, runner: str) -> None:
    try:
        parsed = json.loads(bytes(job.data))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"The file is not JSON: {exc}.") from exc
    reviews = find_reviews(parsed)
    if not reviews:
        raise ImportFileError('No ClaimReview found (expected objects with "@type": "ClaimReview").')
    _advance(job.pk, runner, rows_total=len(reviews))
    with transaction.atomic(using=PRIMARY):  # one batch: all or nothing, so a restart does it all again
        summary = ClaimReviewImporter(Directory(), _summary(job, "ClaimReview", unit="review")).run(reviews)
        _problems(job, summary.problems, {})
        _advance(job.pk, runner, rows_done=len(reviews), **_counts(summary))


# ---------------------------------------------------------------------------------------------
# Reading a job: its status, its faulty rows
# ---------------------------------------------------------------------------------------------


def import_job_status(job: ImportJob) -> dict[str, Any]:
    """The job's state and counts, as the API and the page's progress bar read them."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "file_name": job.file_name,
        "state": job.state,
        "rows_total": job.rows_total,
        "rows_read": job.rows_done,
        "made": job.made,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "removed": job.removed,
        "faulty": job.faulty,
        "skipped": job.skipped,
        "kept": job.kept,
        "error": job.error,
        "runs": job.runs,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


def faulty_rows_csv(job: ImportJob) -> Iterator[str]:
    """The job's faulty rows as CSV lines: ``line``, ``problem``, ``action``, then the row's own columns
    (those of the first faulty row, in the file's order)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    problems = ImportProblem.objects.filter(job=job).order_by("line", "id")
    first = problems.first()
    columns = list(first.values) if first is not None else []
    writer.writerow(["line", "problem", "action", *columns])
    yield out.getvalue()
    for problem in problems.iterator(chunk_size=2000):
        out.seek(0)
        out.truncate()
        writer.writerow([problem.line, problem.reason, problem.action, *(problem.values.get(c, "") for c in columns)])
        yield out.getvalue()


# ---------------------------------------------------------------------------------------------
# The sweep
# ---------------------------------------------------------------------------------------------


def import_jobs_sweep(*, restarted: str = "", boot: str = "") -> dict[str, Any]:
    """Queue again the import jobs whose worker was lost (running, heartbeat stale; or of a worker of
    this name that just started again) and the queued ones whose message was lost (older than the
    stale limit). ``import_job_run`` resumes each after its last committed batch. ``next_check``: seconds
    until the first running job that still looks alive would go stale (None when none does)."""
    now = timezone.now()
    jobs = ImportJob.objects.using(PRIMARY)
    orphaned = 0
    if restarted:
        orphaned = (
            jobs.filter(state=State.RUNNING, runner__startswith=f"{restarted} ")
            .exclude(runner__startswith=f"{restarted} {boot} ")
            .update(heartbeat_at=None)
        )
    stuck = list(jobs.filter(leases.stuck(now)).values_list("pk", flat=True))
    lost = list(jobs.filter(state=State.QUEUED, created_at__lt=stale_before(now)).values_list("pk", flat=True))
    for pk in sorted(stuck + lost):
        send("interchange.tasks.import_job", pk)
    if stuck:
        logger.warning("Import jobs %s lost their worker: queued again, to resume after their last batch", stuck)
    oldest = jobs.filter(state=State.RUNNING, heartbeat_at__gte=stale_before(now)).aggregate(at=Min("heartbeat_at"))
    next_check = None
    if oldest["at"] is not None:
        next_check = max((oldest["at"] - stale_before(timezone.now())).total_seconds(), 0.0) + 1.0
    return {"orphaned": orphaned, "stuck": stuck, "lost": lost, "next_check": next_check}
