"""Automatic relations (DESIGN.md rule 7) as a pure function over plain data.

Two control claims about one place with overlapping event windows, by independent
claimants, contradict each other when their subjects are in different blocs and
support each other when in the same bloc. Two casualties claims about the same subject
and place, with overlapping windows, by independent claimants, contradict each other
when their count ranges do not overlap and count the same thing (``count_unit``: the same unit,
or either not said; see ``units_comparable``). A claim without ``event_start`` gets none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

CONTROL, CASUALTIES = "control", "casualties"
CONTRADICTS, SUPPORTS = "contradicts", "supports"


class PropositionFacts(NamedTuple):
    """What rule 7 needs to know of one claim. A named tuple: an import at scale reads hundreds of
    thousands of these per batch, and a tuple is built several times quicker than a frozen dataclass."""

    id: int
    kind: str
    claimed_on: date
    claimant_bloc_id: int
    subject_id: int | None
    subject_bloc_id: int | None
    location_id: int | None
    event_start: date | None
    event_end: date | None = None
    count_min: int | None = None
    count_max: int | None = None
    count_unit: str = ""

    @property
    def window(self) -> tuple[date, date] | None:
        if self.event_start is None:
            return None
        return self.event_start, self.event_end or self.event_start


# (claim_id, target_id, stance)
AutoRelation = tuple[int, int, str]


def windows_overlap(a: PropositionFacts, b: PropositionFacts) -> bool:
    wa, wb = a.window, b.window
    return wa is not None and wb is not None and wa[0] <= wb[1] and wb[0] <= wa[1]


def counts_overlap(a: PropositionFacts, b: PropositionFacts) -> bool:
    """Do [min or 0, max or ∞] ranges overlap?"""
    a_min, b_min = a.count_min or 0, b.count_min or 0
    if a.count_max is not None and a.count_max < b_min:
        return False
    return not (b.count_max is not None and b.count_max < a_min)


# A sum over other units, and a catch-all: neither is compared with any unit said (only with none).
UNCOMPARABLE_UNITS = frozenset({"killed_or_wounded", "other"})


def units_comparable(a: PropositionFacts, b: PropositionFacts) -> bool:
    """Do the two counts count the same thing? An empty unit compares with any; two units said must
    be the same one. "Killed or wounded" and "other" compare with no unit said (themselves
    included): 40 killed or wounded does not contradict 12 killed (the 12 may be among the 40),
    and two "other" counts may count different things."""
    if not a.count_unit or not b.count_unit:
        return True
    return a.count_unit == b.count_unit and a.count_unit not in UNCOMPARABLE_UNITS


def _responder_first(a: PropositionFacts, b: PropositionFacts) -> tuple[PropositionFacts, PropositionFacts]:
    """The later claim responds to the earlier one."""
    return (a, b) if (a.claimed_on, a.id) > (b.claimed_on, b.id) else (b, a)


def pair_relations(a: PropositionFacts, b: PropositionFacts) -> list[AutoRelation]:
    """The automatic relations between two claims, if any."""
    if a.id == b.id or a.kind != b.kind or a.claimant_bloc_id == b.claimant_bloc_id:
        return []
    if not windows_overlap(a, b) or a.location_id is None or a.location_id != b.location_id:
        return []
    if a.kind == CONTROL:
        if a.subject_bloc_id is None or b.subject_bloc_id is None:
            return []
        if a.subject_bloc_id == b.subject_bloc_id:
            return [(a.id, b.id, SUPPORTS), (b.id, a.id, SUPPORTS)]
        later, earlier = _responder_first(a, b)
        return [(later.id, earlier.id, CONTRADICTS)]
    if a.kind == CASUALTIES:
        if a.subject_id is None or a.subject_id != b.subject_id or not units_comparable(a, b) or counts_overlap(a, b):
            return []
        later, earlier = _responder_first(a, b)
        return [(later.id, earlier.id, CONTRADICTS)]
    return []


def group_key(facts: PropositionFacts) -> tuple[object, ...] | None:
    """Claims can relate automatically only within one group (kind, place, and subject for casualties)."""
    if facts.event_start is None or facts.location_id is None:
        return None
    if facts.kind == CONTROL:
        return (CONTROL, facts.location_id)
    if facts.kind == CASUALTIES and facts.subject_id is not None:
        return (CASUALTIES, facts.subject_id, facts.location_id)
    return None


def compute(claims: Iterable[PropositionFacts], *, focus: Iterable[int] | None = None) -> set[AutoRelation]:
    """Every automatic relation among ``claims`` (only pairs touching ``focus`` when given).

    Within each group the claims are swept in order of ``event_start``, so only pairs whose
    windows overlap are compared.
    """
    focus_ids = set(focus) if focus is not None else None
    groups: dict[tuple[object, ...], list[PropositionFacts]] = defaultdict(list)
    for facts in claims:
        key = group_key(facts)
        if key is not None:
            groups[key].append(facts)

    result: set[AutoRelation] = set()
    for members in groups.values():
        members.sort(key=lambda f: f.window[0])  # type: ignore[index]
        active: list[PropositionFacts] = []
        for current in members:
            start = current.window[0]  # type: ignore[index]
            active = [f for f in active if f.window[1] >= start]  # type: ignore[index]
            for other in active:
                if focus_ids is not None and current.id not in focus_ids and other.id not in focus_ids:
                    continue
                result.update(pair_relations(current, other))
            active.append(current)
    return result
