"""Celery tasks of the sources app: pull feeds, archive reports. Each takes ids, calls a
service and returns a short summary; running one twice changes nothing more."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from core.tasks import PRIMARY, TASK_OPTIONS, send
from sources import archive, feeds
from sources.models import Feed, Report, Snapshot

ARCHIVE_SWEEP_BATCH = 500


@shared_task(**TASK_OPTIONS)
def feed_pull(feed_id: int) -> dict:
    """Pull one feed into pending reports (URLs already known are skipped)."""
    feed = Feed.objects.using(PRIMARY).select_related("source").filter(pk=feed_id, is_active=True).first()
    if feed is None:
        return {"feed": feed_id, "skipped": "inactive or deleted"}
    return {"feed": feed_id, **feeds.feed_pull(feed=feed).as_dict()}


@shared_task(**TASK_OPTIONS)
def feeds_pull_all() -> dict:
    """Periodic: queue a pull of every active feed."""
    ids = feeds.feeds_active()
    queued = sum(send(feed_pull, feed_id) for feed_id in ids)
    return {"feeds": len(ids), "queued": queued}


@shared_task(bind=True, **TASK_OPTIONS)
def archive_report(self, report_id: int, force: bool = False) -> dict:
    """Archive a report's URL once (again with ``force``); timeouts and refused connections are
    recorded and retried with backoff."""
    report = Report.objects.using(PRIMARY).filter(pk=report_id).first()
    if report is None or not report.url:
        return {"report": report_id, "skipped": "deleted or no URL"}
    if not force and Snapshot.objects.using(PRIMARY).filter(report=report, error="").exists():
        return {"report": report_id, "skipped": "already archived"}
    snapshot = archive.report_archive(report=report)
    retryable = snapshot.error and getattr(snapshot, "retryable", False) and not self.request.is_eager
    if retryable and self.request.retries < self.max_retries:
        raise self.retry(countdown=settings.FOGWATCH_FETCH_TIMEOUT * 2 ** (self.request.retries + 1))
    return {"report": report_id, "snapshot": snapshot.pk, "status": snapshot.http_status, "error": snapshot.error}


@shared_task(**TASK_OPTIONS)
def archive_missing() -> dict:
    """Periodic: archive reports that have a URL and no snapshot (their task never ran)."""
    ids = archive.reports_to_archive(ARCHIVE_SWEEP_BATCH)
    queued = sum(send(archive_report, report_id) for report_id in ids)
    return {"reports": len(ids), "queued": queued}
