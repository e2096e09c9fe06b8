"""The reader's interface: what it is given (entities) and what it gives back (drafts, unknown names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Entity:
    """An actor or a place from the database."""

    kind: str  # "actor" or "location"
    id: int
    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    parent_id: int | None = None
    # The actor's kind (person, armed_group, government, ...) or the place's kind (country, province, town, ...).
    category: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class Draft:
    """One claim the reader proposes: an editor keeps, edits or drops it."""

    index: int
    kind: str  # control, casualties, attack, advance, statement, other
    claimant: int | None
    spokesperson: int | None
    subject: int | None
    location: int | None
    summary: str
    quote: str  # exactly text[evidence[0]:evidence[1]]
    evidence: tuple[int, int]
    event_start: date | None = None
    event_end: date | None = None
    date_precision: str = "day"  # day, week, month, approximate
    count_min: int | None = None
    count_max: int | None = None
    count_unit: str = ""  # killed, wounded, positions … (claims.Claim.CountUnit); empty: not said
    # [{"draft": index, "stance": "denies" | "supports"}]: drafts of the same article this one answers.
    responds_to: list[dict] = field(default_factory=list)
    # Denials and supports whose target is not in this article:
    # [{"stance", "claimant": id | None, "kind": str | None, "location": id | None, "subject": id | None}].
    targets_elsewhere: list[dict] = field(default_factory=list)
    confidence: float = 0.5
    notes: list[str] = field(default_factory=list)


@dataclass
class Unknown:
    """A name in the text that looks like an actor or a place but matches none."""

    text: str
    start: int
    end: int
    guess: str  # "actor" or "location"


@dataclass
class Reading:
    drafts: list[Draft]
    unknown: list[Unknown]
    language: str
