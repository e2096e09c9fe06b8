"""Import jobs: a dataset upload imported in the background, with its progress and faulty rows.

An ``ImportJob`` keeps the uploaded file itself (``data``, bytes in the table, so any worker can
read it and a lost worker's job can be taken up again), its counts, and a lease and heartbeat like
``claims.RecomputeJob``: each batch commits its claims with the job's progress (``rows_done``,
the counts, the batch's faulty rows), so a job taken up again resumes after its last committed batch
and nothing is imported twice (docs/import-export.md, "Import jobs").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        UCDP = "ucdp", "UCDP GED (CSV)"
        ACLED = "acled", "ACLED (CSV)"
        CLAIMREVIEW = "claimreview", "ClaimReview (JSON-LD)"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    file_name = models.CharField(max_length=255, blank=True)
    data = models.BinaryField(help_text="The uploaded file, as uploaded.")
    size = models.PositiveBigIntegerField(default=0)
    strict = models.BooleanField(default=False, help_text="UCDP/ACLED: skip rows with inconsistent counts.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    rows_total = models.PositiveIntegerField(null=True, blank=True, help_text="Rows in the file, once checked.")
    rows_done = models.PositiveIntegerField(default=0, help_text="Rows read and committed (batches in file order).")
    made = models.PositiveIntegerField(default=0, help_text="Claims created.")
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0, help_text="Faulty rows skipped.")
    kept = models.PositiveIntegerField(default=0, help_text="Faulty rows kept with their counts made consistent.")
    error = models.TextField(blank=True, help_text="Why the job failed (a file refused as a whole, an error).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    runner = models.CharField(max_length=200, blank=True, help_text="The worker running it (name, start, lease).")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveSmallIntegerField(default=0, help_text="Times a worker took it up.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="importjob_state_heartbeat_idx")]

    def __str__(self) -> str:
        return f"import #{self.pk} of {self.file_name or self.kind} ({self.state})"

    @property
    def faulty(self) -> int:
        return self.skipped + self.kept


class ImportProblem(models.Model):
    """A faulty row of an import job: its line, what is wrong, what was done, and the row's values
    (downloaded with the problem as a CSV)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    line = models.PositiveIntegerField()
    key = models.CharField(max_length=200, blank=True)
    reason = models.TextField()
    action = models.CharField(max_length=200)
    values = models.JSONField(default=dict, blank=True, help_text="The row as read (column → value).")

    class Meta:
        ordering = ["job", "line", "id"]
        indexes = [models.Index(fields=["job", "line"], name="importproblem_job_line_idx")]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"
