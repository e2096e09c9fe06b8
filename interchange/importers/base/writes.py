"""The write path: claims upserted on ``external_id`` (a re-import changes nothing), claims a re-import
no longer produces removed, a run in one transaction (rolled back for a dry run), and ``RowImporter``,
the run of a CSV importer: chunked reads, a savepoint per row that writes."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction

from claims import causes
from claims.models import Claim
from claims.services import (
    CLAIM_EDITABLE,
    NewClaim,
    ReferencedError,
    claim_create,
    claim_delete,
    claim_prepare,
    claim_update,
    claims_create_bulk,
    stored_text,
)
from interchange.importers.base.directory import Directory, WriteNeeded
from interchange.importers.base.files import CsvRow
from interchange.importers.base.summary import ImportSummary, RowError, RowProblem
from interchange.importers.base.values import clip
from sources.models import Report

Progress = Callable[[int, int], None]
# Called at the end of each batch, inside its transaction: rows done so far (in file order), the
# problems the batch found, and the batch's rows by line (an import job stores them with its progress).
BatchDone = Callable[[int, list[RowProblem], dict[int, dict[str, str]]], None]

# Fields an importer sets on a claim (the editorial verdict is left alone unless the importer sets it).
CLAIM_FIELDS = tuple(name for name in CLAIM_EDITABLE if name != "external_id")


class _DryRun(Exception):
    """Raised at the end of a dry run to roll the transaction back."""


@dataclass
class ClaimSpec:
    """One claim as an importer wants it: its key, its fields and its citations."""

    external_id: str
    fields: dict[str, Any]
    citations: list[tuple[Report, str]]


def existing_claims(external_ids: Iterable[str]) -> dict[str, Claim]:
    ids = list(external_ids)
    if not ids:
        return {}
    claims = Claim.objects.filter(external_id__in=ids).prefetch_related("citations")
    return {c.external_id: c for c in claims if c.external_id}


def _value(instance: models.Model, name: str) -> Any:
    field_ = instance._meta.get_field(name)
    if isinstance(field_, models.ForeignKey):
        return getattr(instance, field_.attname)
    return getattr(instance, name)


def _wanted(name: str, value: Any) -> Any:
    """The value as the claim would store it: a related object's id, text as the services clean it."""
    return value.pk if isinstance(value, models.Model) else stored_text(name, value)


def import_cause(external_id: str | None, claim: Claim | None = None) -> causes.Cause:
    """The flag history's cause of an import's write: the import, naming the row's key."""
    key = external_id or (claim.external_id if claim is not None else "") or "a row"
    return causes.Cause(causes.IMPORT, claim.pk if claim is not None else None, f"Import of {key}")


def upsert_claim(
    spec: ClaimSpec, existing: Claim | None, summary: ImportSummary, pending: list[NewClaim] | None = None
) -> Claim:
    """Create the claim, update the fields that differ, or leave it alone when nothing differs
    (so a re-import moves no ``updated_at``). With ``pending`` (the bulk path), a new claim is built
    and checked (``claim_prepare``) and added there, to be written with its batch. Flag changes are
    recorded as caused by the import."""
    with causes.recording(import_cause(spec.external_id, existing)):
        return _upsert_claim(spec, existing, summary, pending)


def _upsert_claim(
    spec: ClaimSpec, existing: Claim | None, summary: ImportSummary, pending: list[NewClaim] | None = None
) -> Claim:
    citations = [{"report": report, "quote": clip(quote, 5000)} for report, quote in _unique(spec.citations)]
    if existing is None and pending is not None:
        new = claim_prepare(external_id=spec.external_id, citations=citations, **spec.fields)
        pending.append(new)
        summary.created += 1
        return new[0]
    if existing is None:
        claim = claim_create(external_id=spec.external_id, citations=citations, **spec.fields)
        summary.created += 1
        return claim
    changed = changed_fields(existing, spec.fields)
    have = sorted((c.report_id, c.quote) for c in existing.citations.all())
    want = sorted((c["report"].pk, stored_text("quote", c["quote"])) for c in citations)
    if not changed and have == want:
        summary.unchanged += 1
        return existing
    claim = claim_update(claim=existing, citations=citations if have != want else None, **changed)
    summary.updated += 1
    return claim


def changed_fields(claim: Claim, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields whose value differs from the claim's (as a write would store it)."""
    return {name: value for name, value in fields.items() if _value(claim, name) != _wanted(name, value)}


def update_claim_fields(claim: Claim, fields: dict[str, Any], summary: ImportSummary) -> Claim:
    """Update these fields of an existing claim (its citations and every other field left alone), or
    leave it untouched when none differs."""
    changed = changed_fields(claim, fields)
    if not changed:
        summary.unchanged += 1
        return claim
    summary.updated += 1
    with causes.recording(import_cause(None, claim)):
        return claim_update(claim=claim, **changed)


def _unique(citations: list[tuple[Report, str]]) -> list[tuple[Report, str]]:
    """One citation per report (a report built for the bulk path has no id yet: it is itself)."""
    seen: dict[Any, tuple[Report, str]] = {}
    for report, quote in citations:
        seen.setdefault(report.pk if report.pk is not None else ("new", id(report)), (report, quote))
    return list(seen.values())


def remove_claims(claims: Iterable[Claim], summary: ImportSummary, line: int, key: str) -> None:
    """Claims a re-import no longer produces (a side's deaths fell to 0): delete them, leaving tombstones."""
    for claim in claims:
        try:
            with causes.recording(import_cause(None, claim)):
                claim_delete(claim=claim)
            summary.removed += 1
        except ReferencedError as exc:
            summary.problems.append(
                RowProblem(line, key, f"claim #{claim.pk} is no longer in the data but {exc.message}", "kept")
            )


def validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


def run_in_transaction(work: Callable[[], ImportSummary], *, dry_run: bool) -> ImportSummary:
    """Run an import in one transaction; a dry run is rolled back at the end (the summary stays)."""
    result: list[ImportSummary] = []
    try:
        with transaction.atomic():
            result.append(work())
            if dry_run:
                result[0].dry_run = True
                raise _DryRun
    except _DryRun:
        pass
    return result[0]


class RowImporter:
    """The run of a CSV importer: rows read in batches, each batch's existing claims fetched in one query,
    each row that writes in its own savepoint (a failing row is rolled back, reported and skipped).

    Subclasses give ``parse(row)`` (raises RowError; the result has ``line``, ``label``, ``key``,
    ``candidates`` — every external id the row could produce — and ``faults``) and ``specs(event)``.
    A row with faults is kept (its values made consistent by ``specs``), or skipped when strict.

    ``bulk``: the path for datasets at scale. Batches of ``FOGWATCH_IMPORT_BATCH`` rows (5,000); a new claim is
    built and checked in its row's savepoint but written with its whole batch (``claims_create_bulk``:
    COPY on PostgreSQL, automatic relations and flags settled once per batch). Updates and removals
    still go through ``claim_update``/``claim_delete``, claim by claim. A row that only makes new claims
    from actors, places and sources the run knows writes nothing until its batch does, so it takes no
    savepoint (``Directory.in_memory``); one that names a new record is taken again in a savepoint.
    """

    chunk_size = 200

    def __init__(self, directory: Directory, summary: ImportSummary, *, bulk: bool = False) -> None:
        self.dir = directory
        self.summary = summary
        self.bulk = bulk
        self._pending: list[NewClaim] | None = [] if bulk else None

    def parse(self, row: CsvRow) -> Any:
        raise NotImplementedError

    def specs(self, event: Any) -> list[ClaimSpec]:
        raise NotImplementedError

    def run(
        self,
        rows: Iterable[CsvRow],
        total: int,
        *,
        strict: bool,
        progress: Progress | None,
        skip: int = 0,
        batch_done: BatchDone | None = None,
    ) -> ImportSummary:
        """Import the rows. ``skip``: rows already imported (a job taken up again): only their ids are
        read again, so a later duplicate is still one. ``batch_done``: each batch is its own
        transaction, committed with what ``batch_done`` records (an import job's progress)."""
        size = settings.FOGWATCH_IMPORT_BATCH if self.bulk else self.chunk_size
        done = 0
        seen: set[str] = set()
        chunk: list[CsvRow] = []
        for row in rows:
            if done < skip:
                self._remember(row, seen)
                done += 1
                continue
            chunk.append(row)
            if len(chunk) >= size:
                done = self._batch(chunk, seen, strict=strict, done=done, total=total, progress=progress, to=batch_done)
                chunk = []
        if chunk:
            self._batch(chunk, seen, strict=strict, done=done, total=total, progress=progress, to=batch_done)
        return self.summary

    def _remember(self, row: CsvRow, seen: set[str]) -> None:
        with contextlib.suppress(RowError):
            seen.add(self.parse(row).key)

    def _batch(
        self,
        rows: list[CsvRow],
        seen: set[str],
        *,
        strict: bool,
        done: int,
        total: int,
        progress: Progress | None,
        to: BatchDone | None,
    ) -> int:
        if to is None:
            return self._chunk(rows, seen, strict=strict, done=done, total=total, progress=progress)
        known = len(self.summary.problems)
        before = set(seen)
        try:
            with transaction.atomic():
                done = self._chunk(rows, seen, strict=strict, done=done, total=total, progress=progress)
                to(done, self.summary.problems[known:], {row.line: row.values for row in rows})
        except BaseException:
            seen.clear()
            seen.update(before)
            raise
        return done

    def _chunk(
        self, rows: list[CsvRow], seen: set[str], *, strict: bool, done: int, total: int, progress: Progress | None
    ) -> int:
        events = []
        for row in rows:
            self.summary.rows += 1
            try:
                events.append(self.parse(row))
            except RowError as exc:
                label = next(iter(row.values.values()), "?")
                self.summary.problem(row.line, f"id {label}", str(exc), skipped=True)
        existing = existing_claims(key for event in events for key in event.candidates)
        unreadable = len(rows) - len(events)
        for index, event in enumerate(events, start=1):
            self._event(event, existing, seen, strict=strict)
            if progress and not self.bulk and (index % 10 == 0 or index == len(events)):
                progress(done + unreadable + index, total)
        self.dir.flush_reports()
        if self._pending:
            claims_create_bulk(self._pending)
            self._pending.clear()
        done += len(rows)
        if progress and (self.bulk or not events):
            progress(done, total)
        return done

    def _event(self, event: Any, existing: dict[str, Claim], seen: set[str], *, strict: bool) -> None:
        if event.key in seen:
            self.summary.problem(event.line, event.label, "the same id appears earlier in the file", skipped=True)
            return
        seen.add(event.key)
        fault = "; ".join(event.faults)
        if fault and strict:
            self.summary.problem(event.line, event.label, fault, skipped=True)
            return
        undo = self._undo_point()
        # Reports are built to be written with the batch only for rows that make new claims: an existing
        # claim's citations are compared with report ids (``upsert_claim``), so those rows write theirs now.
        self.dir.defer_reports = self.bulk and not any(key in existing for key in event.candidates)
        if self.bulk and not self.dir.defer_reports:
            self.dir.flush_reports()  # a report built for an earlier row may be cited here: give it its id
        if self.dir.defer_reports:
            # Only new claims: when every actor, place and source the row names is known, the row writes
            # nothing (its claims and reports are built and checked in memory, written with the batch),
            # so it needs no savepoint; one it would have to write is taken again in a savepoint.
            try:
                with self.dir.in_memory():
                    self._write(event, existing)
            except WriteNeeded:
                self._undo(undo)
            except ValidationError as exc:
                self._refuse(event, fault, exc, undo)
                return
            else:
                if fault:
                    self.summary.problem(event.line, event.label, fault, skipped=False)
                return
        try:
            with transaction.atomic():
                self._write(event, existing)
        except (ValidationError, DatabaseError) as exc:
            self._refuse(event, fault, exc, undo)
            return
        if fault:
            self.summary.problem(event.line, event.label, fault, skipped=False)

    def _write(self, event: Any, existing: dict[str, Claim]) -> None:
        """The row's claims made, updated or left alone, and those it no longer produces removed."""
        specs = self.specs(event)
        for spec in specs:
            upsert_claim(spec, existing.get(spec.external_id), self.summary, self._pending)
        wanted = {spec.external_id for spec in specs}
        stale = [existing[k] for k in event.candidates if k in existing and k not in wanted]
        remove_claims(stale, self.summary, event.line, event.label)

    def _undo_point(self) -> tuple[int, int, tuple[int, int, int, int]]:
        summary = self.summary
        return (
            self.dir.mark(),
            len(self._pending) if self._pending is not None else 0,
            (summary.created, summary.updated, summary.unchanged, summary.removed),
        )

    def _undo(self, point: tuple[int, int, tuple[int, int, int, int]]) -> None:
        """Forget what a row added in memory (the database side is its savepoint's, when it had one)."""
        mark, pending, counts = point
        self.dir.forget_since(mark)
        if self._pending is not None:
            del self._pending[pending:]
        self.summary.created, self.summary.updated, self.summary.unchanged, self.summary.removed = counts

    def _refuse(
        self, event: Any, fault: str, exc: Exception, point: tuple[int, int, tuple[int, int, int, int]]
    ) -> None:
        self._undo(point)
        reason = validation_text(exc) if isinstance(exc, ValidationError) else str(exc).splitlines()[0]
        self.summary.problem(event.line, event.label, "; ".join(filter(None, [fault, reason])), skipped=True)
