"""What caused a recompute: the write a change of a claim's flags is recorded against (flag history).

The service that writes sets the cause for the duration of its work (``recording(cause)``); the
recompute reads it (``current()``) when it records the changes it made, set-wise, whatever the path
that led there. The outermost cause wins (an import that creates claims is recorded as the import),
but an inner one lends it the date it took effect (``on``) when the outer has none, and the claim
it created (``created``).

Pure: no Django, only ``contextvars``, so it is right in threads and tasks alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date

# Kinds of cause (``FlagChangeRecord.Cause`` holds their labels).
CLAIM_CREATED = "claim_created"
CLAIM_UPDATED = "claim_updated"
CLAIM_DELETED = "claim_deleted"
VERDICT = "verdict"
RELATION_CREATED = "relation_created"
RELATION_UPDATED = "relation_updated"
RELATION_DELETED = "relation_deleted"
BLOC_MOVE = "bloc_move"
ACTOR_RENAMED = "actor_renamed"
SOURCE_GRADE = "source_grade"
MERGE = "merge"
IMPORT = "import"
RECOMPUTE = "recompute"


@dataclass(frozen=True, slots=True)
class Cause:
    """A write: its ``kind``, the id of the object written (a claim, relation, actor, source, job),
    a sentence an analyst reads, and the date it took effect (None: the day it was written)."""

    kind: str
    object_id: int | None
    text: str
    on: date | None = None
    created: int | None = None  # the claim this write created: its first entry has no old state
    # Many claims created at once (a bulk import): each one's first entry has no old state and took
    # effect the day the claim was made.
    created_on: Mapping[int, date] | None = None


UNKNOWN = Cause(RECOMPUTE, None, "Recomputed")

_current: ContextVar[Cause | None] = ContextVar("fogwatch_flag_cause", default=None)


def current() -> Cause:
    """The cause of the write in progress (a plain recompute when no service named one)."""
    return _current.get() or UNKNOWN


@contextmanager
def recording(cause: Cause) -> Iterator[Cause]:
    """Name the cause of what is recomputed inside; an outer cause already set wins (it may take the
    inner one's date)."""
    outer = _current.get()
    if outer is not None:
        cause = replace(
            outer,
            on=outer.on or cause.on,
            created=cause.created or outer.created,
            created_on=cause.created_on or outer.created_on,
        )
    token = _current.set(cause)
    try:
        yield cause
    finally:
        _current.reset(token)
