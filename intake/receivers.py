"""The intake reacts to the sources app: every report a feed brings in is read in the background
and waits as a draft intake on /intake/."""

from typing import Any

from core.tasks import enqueue


def report_pulled(sender: Any, report_id: int, **kwargs: Any) -> None:
    enqueue("intake.tasks.intake_read_report", report_id)
