"""What a run measures: issue 7's targets, one benchmarked URL (``Endpoint``) and the whole run (``Run``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bench import wrk

# Targets at 1,000,000 claims (issue 7).
P99_TARGET_MS = 100.0
P99_AS_OF_TARGET_MS = 300.0
P99_SEARCH_TARGET_MS = 150.0  # issue 13: a two-word search with a status filter
P99_MAP_TARGET_MS = 200.0  # issue 13: the map's data for a conflict
RECOMPUTE_TARGET_S = 60.0
WRITE_P50_TARGET_MS = 30.0
RSS_TARGET_MB = 200.0
INTAKE_P50_TARGET_MS = 300.0  # issue 12: read a 1,000-word article, same_as included
FLOOR_RATIO_TARGET = 0.5
DATASETTE_RATIO_TARGET = 1.0
TARGET_CLAIMS = 1_000_000
# The sizes ``make bench`` reports side by side (N=200000,1000000).
DEFAULT_SIZES = (200_000, 1_000_000)

# The contested list, and its flat shape (``fields=``): the API, the floor and Datasette at equal work
# (50 a page, newest ``claimed_on`` first).
LIST_PATH = "/api/v1/claims/?status=contested&page_size=50"
FLAT_FIELDS = ("id", "status", "claimed_on", "summary")
FLAT_PATH = f"{LIST_PATH}&fields={','.join(FLAT_FIELDS)}"

# The ratios reported (numerator key, denominator key, label, target, strictly above).
# (numerator, denominator, label, target or None, strict, why there is no target). The targets
# compare equal work: the full document against the floor (which builds the same document), the flat
# rows against Datasette serving the same columns. The other two are shown for scale only.
RATIOS = (
    ("list", "floor", "API / floor", FLOOR_RATIO_TARGET, False, ""),
    (
        "list",
        "datasette",
        "API / Datasette",
        None,
        True,
        "not equal work: the API nests four briefs, citations and relations; Datasette serves one table",
    ),
    (
        "list_flat",
        "floor_flat",
        "API flat / floor flat",
        None,
        True,
        "the floor's flat answer is one indexed read with no framework: the ratio is Django's and DRF's own cost",
    ),
    ("list_flat", "datasette_flat_counted", "API flat / Datasette flat, counted", DATASETTE_RATIO_TARGET, True, ""),
    ("list_flat", "datasette_flat", "API flat / Datasette flat, not counted", DATASETTE_RATIO_TARGET, True, ""),
)


@dataclass
class Endpoint:
    key: str
    name: str
    path: str
    p99_target_ms: float | None = P99_TARGET_MS
    first_status: int | None = None
    first_ms: float | None = None
    first_bytes: int | None = None
    result: wrk.WrkResult | None = None
    error: str | None = None
    too_slow: bool = False  # answered 200, but no request finished within wrk's run

    @property
    def ok(self) -> bool:
        r = self.result
        return self.error is None and not self.too_slow and r is not None and r.requests > 0 and r.p99_ms is not None

    @property
    def measured(self) -> bool:
        """Measured, or measured as too slow for the duration (a missed target, not a failed run)."""
        return self.ok or (self.error is None and self.too_slow)


@dataclass
class Run:
    claims: int
    seed: int
    duration_s: float
    connections: int
    threads: int
    workers: int
    database_url: str
    command: str
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    machine: dict[str, str] = field(default_factory=dict)
    dataset: dict[str, Any] = field(default_factory=dict)
    picks: dict[str, Any] = field(default_factory=dict)
    endpoints: list[Endpoint] = field(default_factory=list)
    references: list[Endpoint] = field(default_factory=list)
    recompute_s: float | None = None
    writes: dict[str, Any] = field(default_factory=dict)
    intake: dict[str, Any] = field(default_factory=dict)
    rss_mb: dict[str, dict[int, float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
