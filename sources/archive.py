"""Archiving: fetch a report's URL (through ``core.http``, the one outbound client) and keep proof of
what was there (a Snapshot)."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.utils import timezone

from core.http import fetch
from sources.models import Report, Snapshot

logger = logging.getLogger(__name__)


def report_archive(*, report: Report) -> Snapshot:
    """Fetch the report's URL and store a Snapshot: status, final URL, each redirect hop, the
    SHA-256 and size of the body, or why it failed (timeout, refused, oversize)."""
    if not report.url:
        raise ValueError(f"Report #{report.pk} has no URL to archive.")
    fetched = fetch(report.url, max_bytes=settings.FOGWATCH_ARCHIVE_MAX_BYTES)
    snapshot = Snapshot.objects.create(
        report=report,
        fetched_at=timezone.now(),
        http_status=fetched.status,
        final_url=fetched.final_url[:2000],
        redirects=fetched.hops,
        sha256=hashlib.sha256(fetched.body).hexdigest() if not fetched.error else "",
        size=len(fetched.body) if not fetched.error else None,
        content_type=fetched.content_type,
        error=fetched.error,
    )
    snapshot.retryable = fetched.transient  # type: ignore[attr-defined]  # read by the task
    if fetched.error:
        logger.warning("Archiving report #%s (%s) failed: %s", report.pk, report.url, fetched.error)
    return snapshot


def reports_to_archive(limit: int) -> list[int]:
    """Reports with a URL and no snapshot yet (their task was never queued, e.g. Redis was down)."""
    return list(
        Report.objects.filter(url__isnull=False, snapshots__isnull=True)
        .exclude(url="")
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
