"""Celery tasks of the intake: read a report a feed brought in into draft claims."""

from __future__ import annotations

from celery import shared_task

from core.tasks import PRIMARY, TASK_OPTIONS
from intake import services
from intake.models import Intake
from sources.models import Report


@shared_task(**TASK_OPTIONS)
def intake_read_report(report_id: int) -> dict:
    """Read a pulled report into a draft intake (once: a report already read is left alone)."""
    report = Report.objects.using(PRIMARY).select_related("source").filter(pk=report_id).first()
    if report is None:
        return {"report": report_id, "read": False}
    existing = Intake.objects.using(PRIMARY).filter(report=report).values_list("pk", flat=True).first()
    if existing is not None:
        return {"report": report_id, "intake": existing, "read": False}
    intake = services.intake_from_report(report=report)
    return {"report": report_id, "intake": intake.pk, "drafts": len(intake.drafts), "read": True}


# Reading needs no network: with the broker unreachable it runs in the process that pulled the feed.
intake_read_report.fogwatch_inline = True
