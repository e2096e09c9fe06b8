"""A claim as it stood on a date (rule 9), in one place.

The flags of a claim on a date are computed by the same pure rules (``claims.flags``) over the
claims made by then; a verdict counts once given. Nothing here writes: as-of state is returned
beside the stored claims, never put onto them.

- ``flags_on(claims, as_of, known)``: ``{claim id: Flags}`` for ``(id, claimed_on)`` pairs; the
  claims made later are absent. Lists, pages, exports and the API all read as-of flags through it.
- ``sensitive_flags(as_of)``: the claims whose flags on ``as_of`` may differ from the stored ones,
  with their flags then, cached under the data version (the claim filter uses it to filter by
  status as of a date without evaluating every claim).
- ``claims_as_of(claims, as_of, known)``: model claims wrapped as ``ClaimThen`` for pages: the
  wrapper reads the flags of that date and everything else from the claim; it is not a model, so
  ``save()`` on it is refused and the stored claim is never touched.
- ``verdict_given_by(verdict_on, as_of)`` and ``cited_by_then(published_at, as_of)``: what the claim
  showed on that date. A verdict shows once given (``verdict_on`` ≤ the date; a verdict without
  ``verdict_on`` only when no date is asked, as rule 9 counts it); a citation shows once its report
  was published (a report without a publication date is kept: nothing says it came later).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from claims import flags as flag_rules
from claims.models import Claim
from claims.selectors import as_of_sensitive_ids, flags_as_of
from core.versions import cached_for_version

BATCH = 5000
FLAG_FIELDS = ("status", "contested", "corroborated", "unverified", "reasons", "grade")

Flags = flag_rules.Flags


def verdict_given_by(verdict_on: date | None, as_of: date | None) -> bool:
    """Had the verdict been given on ``as_of`` (rule 9)? Always, without a date; never without
    ``verdict_on`` when a date is asked."""
    if as_of is None:
        return True
    return verdict_on is not None and verdict_on <= as_of


def cited_by_then(published_at: datetime | None, as_of: date | None) -> bool:
    """Was the report published by the end of ``as_of`` (in the site's time zone)? A report without a
    publication date is kept."""
    if as_of is None or published_at is None:
        return True
    return timezone.localtime(published_at).date() <= as_of


def not_yet_made(pk: int, claimed_on: date, as_of: date) -> str:
    """Why a claim cannot be shown as of a date before it was made."""
    return (
        f"Claim #{pk} was made on {claimed_on.isoformat()}, after {as_of.isoformat()}: it did not exist yet. "
        f"Ask for it as of {claimed_on.isoformat()} or later."
    )


def flags_of_ids(ids: Iterable[int], as_of: date) -> dict[int, Flags]:
    """The flags on ``as_of`` of many claims (all made by then), evaluated in batches."""
    ids = list(ids)
    result: dict[int, Flags] = {}
    for start in range(0, len(ids), BATCH):
        result.update(flags_as_of(ids[start : start + BATCH], as_of))
    return result


def flags_on(
    claims: Iterable[tuple[int, date]], as_of: date, known: dict[int, Flags] | None = None
) -> dict[int, Flags]:
    """The flags on ``as_of`` of these claims, given as ``(id, claimed_on)``: the ``known`` ones
    reused, the rest evaluated; the claims made after ``as_of`` are absent."""
    result = dict(known or {})
    missing = [pk for pk, claimed_on in claims if pk not in result and claimed_on <= as_of]
    if missing:
        result.update(flags_of_ids(missing, as_of))
    return result


def sensitive_flags(as_of: date) -> tuple[frozenset[int], dict[int, Flags]]:
    """The claims whose flags on ``as_of`` may differ from the stored ones, and those claims' flags
    then (the ones made by that date); cached under the data version, since they depend on nothing
    but the data and the date."""

    def compute() -> tuple[frozenset[int], dict[int, Flags]]:
        sensitive = as_of_sensitive_ids(as_of)
        return frozenset(sensitive), flags_of_ids(sorted(sensitive), as_of)

    return cached_for_version("as-of-flags", as_of.isoformat(), compute)


def flags_match(
    result: Flags,
    *,
    status: Sequence[str] | None = None,
    contested: bool | None = None,
    corroborated: bool | None = None,
    unverified: bool | None = None,
    grade: Sequence[str] | None = None,
    credibility_max: int | str | None = None,
) -> bool:
    """Do these flags pass the claim list's status, flag and grade filters?"""
    if status and result.status not in status:
        return False
    grades = flag_rules.grades_matching(grade, credibility_max)
    if grades is not None and result.grade not in grades:
        return False
    for name, wanted in (("contested", contested), ("corroborated", corroborated), ("unverified", unverified)):
        if wanted is not None and getattr(result, name) != wanted:
            return False
    return True


class ClaimThen:
    """A claim as it stood on ``as_of``: the flags, status and reasons of that date, the verdict once
    given and the citations of reports published by then, every other attribute read from the
    stored claim. Read-only: it is not a model instance, and saving it is
    refused, so as-of state can never be stored."""

    def __init__(self, claim: Claim, as_of: date, flags: Flags):
        object.__setattr__(self, "_claim", claim)
        object.__setattr__(self, "as_of", as_of)
        object.__setattr__(self, "status", flags.status)
        object.__setattr__(self, "contested", flags.contested)
        object.__setattr__(self, "corroborated", flags.corroborated)
        object.__setattr__(self, "unverified", flags.unverified)
        object.__setattr__(self, "reasons", flags.reasons_as_dicts())
        object.__setattr__(self, "grade", flags.grade)
        if not verdict_given_by(claim.verdict_on, as_of):  # a verdict given later is not shown
            object.__setattr__(self, "verdict", "")
            object.__setattr__(self, "verdict_rationale", "")
            object.__setattr__(self, "verdict_on", None)

    @property
    def citations(self) -> list[Any]:
        """The citations whose report was published by then (read when asked: prefetch them)."""
        return [c for c in self._claim.citations.all() if cited_by_then(c.report.published_at, self.as_of)]

    @property
    def claim(self) -> Claim:
        """The stored claim (with its stored flags)."""
        return self._claim

    def get_status_display(self) -> str:
        return str(Claim.Status(self.status).label)

    def get_verdict_display(self) -> str:
        return str(Claim.Verdict(self.verdict).label) if self.verdict else ""

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError(
            f"Claim #{self._claim.pk} as of {self.as_of.isoformat()} is a read-only view; save the stored claim."
        )

    def delete(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("A claim as of a date is a read-only view.")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._claim, name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"A claim as of a date is read-only (tried to set {name!r}).")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ClaimThen):
            return self._claim == other._claim and self.as_of == other.as_of
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._claim.pk, self.as_of))

    def __repr__(self) -> str:
        return f"<ClaimThen #{self._claim.pk} as of {self.as_of.isoformat()}: {self.status}>"


def claims_as_of(
    claims: Iterable[Claim], as_of: date | None, known: dict[int, Flags] | None = None
) -> list[Claim] | list[ClaimThen]:
    """These claims as they stood on ``as_of`` (the ones made later left out); without a date, the
    claims as stored."""
    claims = list(claims)
    if as_of is None:
        return claims
    then = flags_on(((c.pk, c.claimed_on) for c in claims), as_of, known)
    return [ClaimThen(claim, as_of, then[claim.pk]) for claim in claims if claim.pk in then]


def rows_as_of(rows: Iterable[dict], as_of: date | None, known: dict[int, Flags] | None = None) -> list[dict]:
    """Claim rows (``id``, ``claimed_on`` and the flag columns) with their flags as they stood on
    ``as_of``; the claims made later left out. Without a date, the rows as stored."""
    rows = list(rows)
    if as_of is None:
        return rows
    then = flags_on(((row["id"], row["claimed_on"]) for row in rows), as_of, known)
    shown = []
    for row in rows:
        result = then.get(row["id"])
        if result is not None:
            row.update(
                status=result.status,
                contested=result.contested,
                corroborated=result.corroborated,
                unverified=result.unverified,
            )
            shown.append(row)
    return shown
