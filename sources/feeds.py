"""Feed ingestion: pull a source's RSS/Atom feed into reports awaiting triage.

Broken feeds (HTTP errors, garbage, timeouts) are recorded on the Feed (``last_status``,
``last_error``), never raised. Items without a link or a title are skipped and counted;
a URL already known (from any source) is never added twice.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from core.http import fetch
from core.tasks import PRIMARY
from sources import events
from sources.models import Feed, Report
from sources.services import report_create

logger = logging.getLogger(__name__)

TITLE_MAX = 500
URL_MAX = 1000


@dataclass
class PullResult:
    created: int = 0
    duplicates: int = 0
    skipped: int = 0
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "duplicates": self.duplicates, "skipped": self.skipped, "error": self.error}


def _published(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError):
                return None
    return None


def _record(feed: Feed, *, status: int | None, error: str, seen: int = 0) -> None:
    feed.last_fetched_at = timezone.now()
    feed.last_status = status
    feed.last_error = error
    Feed.objects.filter(pk=feed.pk).update(
        last_fetched_at=feed.last_fetched_at,
        last_status=status,
        last_error=error,
        items_seen=feed.items_seen + seen,
    )
    feed.items_seen += seen


def feed_pull(*, feed: Feed) -> PullResult:
    """Fetch one feed and create a pending report for each new item."""
    result = PullResult()
    fetched = fetch(feed.url, max_bytes=settings.FOGWATCH_FEED_MAX_BYTES)
    if fetched.error or not fetched.ok:
        result.error = fetched.error or f"HTTP {fetched.status} from the feed."
        logger.warning("Feed #%s (%s): %s", feed.pk, feed.url, result.error)
        _record(feed, status=fetched.status, error=result.error)
        return result
    parsed = feedparser.parse(fetched.body)
    entries = parsed.get("entries") or []
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or "no RSS or Atom content"
        result.error = f"Not a readable feed: {reason}"[:2000]
        logger.warning("Feed #%s (%s): %s", feed.pk, feed.url, result.error)
        _record(feed, status=fetched.status, error=result.error)
        return result

    items: list[tuple[str, str, Any]] = []
    for entry in entries:
        link = (entry.get("link") or "").strip()
        title = strip_tags(entry.get("title") or "").strip()
        if not link or not title or len(link) > URL_MAX:
            result.skipped += 1
            continue
        items.append((link, title, entry))
    links = [link for link, _, _ in items]
    known = set(Report.objects.using(PRIMARY).filter(url__in=links).values_list("url", flat=True))
    for link, title, entry in items:
        if link in known:
            result.duplicates += 1
            continue
        try:
            with transaction.atomic():
                report = report_create(
                    source=feed.source,
                    title=title[:TITLE_MAX],
                    url=link,
                    published_at=_published(entry),
                    summary=strip_tags(entry.get("summary") or "").strip(),
                )
                Report.objects.filter(pk=report.pk).update(triage=Report.Triage.PENDING, feed=feed)
                events.report_pulled.send(sender=Report, report_id=report.pk)
        except ValidationError as exc:
            if "url" in getattr(exc, "message_dict", {}) and Report.objects.using(PRIMARY).filter(url=link).exists():
                result.duplicates += 1  # added meanwhile by another pull
            else:
                result.skipped += 1
            continue
        except IntegrityError:
            result.duplicates += 1
            continue
        known.add(link)
        result.created += 1
    if result.skipped:
        logger.info("Feed #%s: %d item(s) skipped (no link, no title or an invalid URL)", feed.pk, result.skipped)
    _record(feed, status=fetched.status, error="", seen=len(entries))
    return result


def feeds_active() -> list[int]:
    return list(Feed.objects.filter(is_active=True).order_by("id").values_list("pk", flat=True))
