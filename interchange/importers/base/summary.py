"""What a run reports: the run summary with every faulty row, and the two errors an importer raises
(the whole file refused, or one row skipped)."""

from __future__ import annotations

from dataclasses import dataclass, field


class ImportFileError(Exception):
    """The file as a whole cannot be imported (wrong header, truncated, not UTF-8): nothing is written."""


class RowError(Exception):
    """One row has a value that cannot be read; the row is skipped and reported."""


@dataclass
class RowProblem:
    line: int  # the line a CSV row starts on, or the position of a review in a JSON-LD file
    key: str
    reason: str
    action: str  # "skipped" or "kept"
    unit: str = "line"

    def __str__(self) -> str:
        key = f" ({self.key})" if self.key else ""
        return f"{self.unit} {self.line}{key}: {self.reason} — {self.action}"


@dataclass
class ImportSummary:
    """What a run did. ``problems`` lists every faulty row with its line and reason."""

    dataset: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: int = 0
    kept_with_fixes: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False
    unit: str = "line"

    def problem(self, line: int, key: str, reason: str, *, skipped: bool) -> None:
        action = "skipped" if skipped else "kept, with count_min/count_max made consistent (the lowest and highest)"
        self.problems.append(RowProblem(line, key, reason, action, self.unit))
        if skipped:
            self.skipped += 1
        else:
            self.kept_with_fixes += 1

    def lines(self) -> list[str]:
        things = "reviews" if self.unit == "review" else "rows"
        head = (
            f"{self.dataset}: {self.rows} {things} read; claims {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.removed} removed; {self.skipped} skipped, "
            f"{self.kept_with_fixes} kept with fixes"
        )
        if self.dry_run:
            head += " (dry run: nothing was written)"
        return [head, *(f"  {p}" for p in self.problems)]

    def __str__(self) -> str:
        return "\n".join(self.lines())
