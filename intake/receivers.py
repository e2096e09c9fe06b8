"""The intake reacts to the sources app: every report a feed brings in is read in the background
and waits as a draft intake on /intake/. And to merges of actors and places: waiting drafts name
the kept record instead of the merged one."""

from typing import Any

from core.tasks import enqueue
from intake.services import ACTOR_FIELDS, drafts_repoint


def report_pulled(sender: Any, report_id: int, **kwargs: Any) -> None:
    enqueue("intake.tasks.intake_read_report", report_id)


def actors_merged(sender: Any, merged: dict[int, int] | None = None, **kwargs: Any) -> None:
    drafts_repoint(fields=ACTOR_FIELDS, merged=merged or {})


def places_merged(sender: Any, merged: dict[int, int] | None = None, **kwargs: Any) -> None:
    drafts_repoint(fields=("location",), merged=merged or {})
