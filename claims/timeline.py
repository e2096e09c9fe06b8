"""The control timeline of a place, as a pure function (used by the API and the location page).

Each non-inert control claim with an ``event_start`` says its subject's bloc controls the place
on every day of its window [``event_start``, ``event_end`` or ``event_start``]. The timeline is
the list of maximal runs of days with the same (non-empty) set of blocs claimed in control;
a run is contested when more than one bloc is claimed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ControlFact:
    """One control claim: ``bloc_id`` is said to control the place from ``start`` to ``end``."""

    claim_id: int
    bloc_id: int
    start: date
    end: date | None = None
    inert: bool = False


# A claim with one of these statuses is inert: it claims control of nothing.
INERT_STATUSES = frozenset({"retracted", "superseded", "refuted"})


def control_facts(rows: Iterable[dict]) -> list[ControlFact]:
    """The facts of control-claim rows (``id``, ``subject_id``, ``subject__bloc_id``, ``event_start``,
    ``event_end``, ``status``, as stored or as of a date); rows without a start or a subject say
    nothing about a day."""
    return [
        ControlFact(
            claim_id=row["id"],
            bloc_id=row["subject__bloc_id"] or row["subject_id"],
            start=row["event_start"],
            end=row["event_end"],
            inert=row["status"] in INERT_STATUSES,
        )
        for row in rows
        if row["event_start"] is not None and row["subject_id"] is not None
    ]


@dataclass(frozen=True, slots=True)
class Interval:
    start: date
    end: date  # inclusive
    blocs: tuple[int, ...]
    claims: tuple[int, ...]

    @property
    def contested(self) -> bool:
        return len(self.blocs) > 1


def control_intervals(facts: Iterable[ControlFact]) -> list[Interval]:
    """Maximal runs of days with the same set of blocs claimed in control, oldest first."""
    opening: dict[int, list[ControlFact]] = {}
    closing: dict[int, list[ControlFact]] = {}
    for fact in facts:
        if fact.inert:
            continue
        first = fact.start.toordinal()
        last = max(first, (fact.end or fact.start).toordinal())
        opening.setdefault(first, []).append(fact)
        closing.setdefault(last + 1, []).append(fact)  # the day after the window
    boundaries = sorted(set(opening) | set(closing))
    active_blocs: Counter[int] = Counter()
    active_claims: set[int] = set()
    runs: list[Interval] = []
    for day, following in zip(boundaries, boundaries[1:], strict=False):
        for fact in closing.get(day, ()):
            active_blocs[fact.bloc_id] -= 1
            active_claims.discard(fact.claim_id)
        for fact in opening.get(day, ()):
            active_blocs[fact.bloc_id] += 1
            active_claims.add(fact.claim_id)
        blocs = tuple(sorted(b for b, n in active_blocs.items() if n > 0))
        if not blocs:
            continue
        start, end = date.fromordinal(day), date.fromordinal(following - 1)
        previous = runs[-1] if runs else None
        if previous and previous.blocs == blocs and previous.end.toordinal() + 1 == day:
            runs[-1] = Interval(previous.start, end, blocs, tuple(sorted(set(previous.claims) | active_claims)))
        else:
            runs.append(Interval(start, end, blocs, tuple(sorted(active_claims))))
    return runs


def clip_intervals(intervals: Iterable[Interval], start: date | None, end: date | None) -> list[Interval]:
    """The intervals seen through the window ``start``–``end`` (inclusive, either open when ``None``):
    those outside it left out, those across an edge cut at it. Computed from every claim overlapping
    the window, the result is the timeline of the window's days exactly."""
    clipped = []
    for interval in intervals:
        if (start is not None and interval.end < start) or (end is not None and interval.start > end):
            continue
        first = interval.start if start is None else max(interval.start, start)
        last = interval.end if end is None else min(interval.end, end)
        clipped.append(Interval(first, last, interval.blocs, interval.claims))
    return clipped
