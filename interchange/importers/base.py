"""What every dataset importer shares: the run summary, caches of actors, places, sources and
reports by name (one query each at the start, so a run does set-based look-ups), and the claim
upsert keyed on ``external_id`` that makes a re-import change nothing.

Every write goes through the services (``actor_create``, ``location_create``, ``source_create``,
``report_create``, ``claim_create``, ``claim_update``, ``claim_delete``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from actors.models import Actor
from actors.services import actor_create
from claims.models import Claim
from claims.services import CLAIM_EDITABLE, ReferencedError, claim_create, claim_delete, claim_update
from locations.models import Location
from locations.services import location_create, location_update
from sources.models import Report, Source
from sources.services import report_create, source_create

Progress = Callable[[int, int], None]

# Fields an importer sets on a claim (the editorial verdict is left alone unless the importer sets it).
CLAIM_FIELDS = tuple(name for name in CLAIM_EDITABLE if name != "external_id")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (wrong header, truncated, not UTF-8): nothing is written."""


class RowError(Exception):
    """One row has a value that cannot be read; the row is skipped and reported."""


class _DryRun(Exception):
    """Raised at the end of a dry run to roll the transaction back."""


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


# ---------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------


def open_text(source: str | bytes | IO[Any]) -> IO[str]:
    """A text stream (UTF-8, BOM tolerated) from a path, bytes or an open (binary or text) file."""
    if isinstance(source, bytes):
        return io.StringIO(_decode(source))
    if isinstance(source, str):
        try:
            with open(source, "rb") as handle:
                return io.StringIO(_decode(handle.read()))
        except OSError as exc:
            raise ImportFileError(f"Cannot read {source}: {exc.strerror or exc}.") from exc
    data = source.read()
    if isinstance(data, bytes):
        data = _decode(data)
    return io.StringIO(data.lstrip("\ufeff"))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"The file is not UTF-8 text (byte {exc.start} cannot be read).") from exc


@dataclass
class CsvRow:
    line: int  # the line the row starts on (the header is line 1)
    values: dict[str, str]


def read_csv(stream: IO[str], *, required: Iterable[str], dataset: str) -> tuple[list[str], int, Iterator[CsvRow]]:
    """Check the whole file's shape first (header, every row's field count, a truncated end), then
    return the header, the number of data rows and an iterator over them.

    The check is a streaming pass; the rows are read again by the iterator, so memory does not
    grow with the file.
    """
    text = stream.read()
    if not text.strip():
        raise ImportFileError(f"The file is empty: expected a {dataset} CSV with a header row.")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except csv.Error as exc:
        raise ImportFileError(f"The header cannot be read: {exc}.") from exc
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportFileError(
            f"Wrong header for a {dataset} file: it lacks {', '.join(missing)} "
            f"(found: {', '.join(header[:8])}{', …' if len(header) > 8 else ''})."
        )
    count = 0
    start = reader.line_num + 1
    try:
        for values in reader:
            if not values or values == [""]:
                start = reader.line_num + 1
                continue
            if len(values) != len(header):
                where = "the last row" if _at_end(reader) else f"line {start}"
                raise ImportFileError(
                    f"The file looks truncated or damaged: {where} (line {start}) has {len(values)} fields, "
                    f"the header has {len(header)}. Nothing was imported."
                )
            count += 1
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(
            f"The file looks truncated or damaged near line {start}: {exc}. Nothing was imported."
        ) from exc
    if not text.endswith(("\n", "\r")):
        raise ImportFileError(
            f"The file looks truncated: its last row (line {start - 1}) does not end with a line break. "
            "Nothing was imported."
        )

    def rows() -> Iterator[CsvRow]:
        again = csv.reader(io.StringIO(text, newline=""), strict=True)
        next(again)
        first = again.line_num + 1
        for values in again:
            if values and values != [""]:
                yield CsvRow(first, {name: value.strip() for name, value in zip(header, values, strict=True)})
            first = again.line_num + 1

    return header, count, rows()


def _at_end(reader: Any) -> bool:
    try:
        next(reader)
    except StopIteration:
        return True
    except csv.Error:
        return True
    return False


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y")


def parse_date(value: str, name: str) -> date:
    text = (value or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowError(f"{name} “{value}” is not a date")


def parse_int(value: str, name: str, *, minimum: int | None = 0) -> int:
    text = (value or "").strip()
    try:
        number = int(text)
    except ValueError:
        try:
            as_float = float(text)
        except ValueError:
            raise RowError(f"{name} “{value}” is not a whole number") from None
        if not as_float.is_integer():
            raise RowError(f"{name} “{value}” is not a whole number") from None
        number = int(as_float)
    if minimum is not None and number < minimum:
        raise RowError(f"{name} {number} is below {minimum}")
    return number


def parse_coordinates(lat: str, lon: str) -> tuple[float | None, float | None]:
    if not (lat or "").strip() and not (lon or "").strip():
        return None, None
    try:
        latitude, longitude = float(lat), float(lon)
    except ValueError:
        raise RowError(f"coordinates “{lat}, {lon}” are not numbers") from None
    if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
        raise RowError(f"coordinates {latitude}, {longitude} are out of range")
    return latitude, longitude


def at_midnight(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None


def not_future(day: date) -> date:
    return min(day, timezone.localdate())


def clip(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_list(value: str, separator: str = ";") -> list[str]:
    return [part.strip() for part in (value or "").split(separator) if part.strip()]


ADMIN_SUFFIXES = (
    "province",
    "governorate",
    "state",
    "region",
    "department",
    "oblast",
    "zone",
    "republic",
    "district",
    "prefecture",
    "municipality",
    "territory",
    "krai",
    "county",
    "commune",
    "agency",
    "raion",
    "rayon",
    "lga",
    "département",
    "cercle",
    "sub-district",
    "regency",
    "constituency",
    "division",
    "township",
    "woreda",
    "locality",
)
PLACE_SUFFIXES = {
    "town": Location.Kind.TOWN,
    "city": Location.Kind.TOWN,
    "suburb": Location.Kind.TOWN,
    "village": Location.Kind.VILLAGE,
    "valley": Location.Kind.VALLEY,
    "pass": Location.Kind.PASS,
    "road": Location.Kind.ROAD,
    "highway": Location.Kind.ROAD,
    "junction": Location.Kind.ROAD,
    "airport": Location.Kind.FACILITY,
    "base": Location.Kind.FACILITY,
    "camp": Location.Kind.FACILITY,
    "refugee camp": Location.Kind.FACILITY,
    "area": Location.Kind.AREA,
    "mountain": Location.Kind.AREA,
}


def strip_suffix(name: str, suffixes: Iterable[str]) -> str:
    """“Laghman province” → “Laghman” (the full form is kept as an alias)."""
    words = name.split()
    for suffix in sorted(suffixes, key=len, reverse=True):
        parts = suffix.split()
        if len(words) > len(parts) and [w.lower() for w in words[-len(parts) :]] == parts:
            return " ".join(words[: -len(parts)]).rstrip(",")
    return name


def place_kind(name: str, default: str = Location.Kind.OTHER) -> str:
    lowered = name.lower()
    for suffix in sorted(PLACE_SUFFIXES, key=len, reverse=True):
        if lowered.endswith(" " + suffix):
            return PLACE_SUFFIXES[suffix]
    return default


# ---------------------------------------------------------------------------------------------
# Caches: one query each at the start of a run, then look-ups in memory
# ---------------------------------------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip()).casefold()


class Directory:
    """Actors, places, sources and reports by name (and alias), case-insensitive, for one run.

    New records are created through the services and added to the maps. A row that fails is
    rolled back to its savepoint; ``forget_since`` drops what it had added.
    """

    def __init__(self) -> None:
        self.actors: dict[str, Actor] = {}
        for actor in Actor.objects.order_by("-id"):
            for alias in actor.aliases or []:
                self.actors[_key(alias)] = actor
        for actor in Actor.objects.order_by("-id"):
            self.actors[_key(actor.name)] = actor  # names win over aliases, older over newer
        self.places: dict[tuple[int | None, str], Location] = {}
        for place in Location.objects.order_by("-id"):
            for alias in place.aliases or []:
                self.places[(place.parent_id, _key(alias))] = place
        for place in Location.objects.order_by("-id"):
            self.places[(place.parent_id, _key(place.name))] = place
        self.sources: dict[str, Source] = {}
        for source in Source.objects.order_by("-id"):
            self.sources[_key(source.name)] = source
        self.reports: dict[int, dict[tuple[str, date | None], Report]] = {}
        self._journal: list[tuple[dict, Any]] = []

    # -- bookkeeping for rows rolled back to their savepoint
    def mark(self) -> int:
        return len(self._journal)

    def forget_since(self, mark: int) -> None:
        for mapping, key in reversed(self._journal[mark:]):
            mapping.pop(key, None)
        del self._journal[mark:]

    def _remember(self, mapping: dict, key: Any, value: Any) -> None:
        if key not in mapping:
            mapping[key] = value
            self._journal.append((mapping, key))

    # -- actors
    def find_actor(self, *names: str) -> Actor | None:
        for name in names:
            found = self.actors.get(_key(name))
            if found is not None:
                return found
        return None

    def actor(self, name: str, *, kind: str, parent: Actor | None = None, is_party: bool = False, aliases=()) -> Actor:
        name = clip(name, 200)
        found = self.find_actor(name, *aliases)
        if found is not None:
            return found
        actor = actor_create(name=name, kind=kind, parent=parent, is_party=is_party, aliases=list(aliases))
        for alias in (name, *aliases):
            self._remember(self.actors, _key(alias), actor)
        return actor

    # -- places
    def place(
        self,
        name: str,
        *,
        parent: Location | None,
        kind: str,
        aliases: Iterable[str] = (),
        latitude: float | None = None,
        longitude: float | None = None,
    ) -> Location:
        name = clip(name, 200)
        aliases = [a for a in aliases if a and _key(a) != _key(name)]
        parent_id = parent.pk if parent else None
        for candidate in (name, *aliases):
            found = self.places.get((parent_id, _key(candidate)))
            if found is not None:
                if latitude is not None and found.latitude is None and found.longitude is None:
                    found = location_update(location=found, latitude=latitude, longitude=longitude)
                    for key, value in list(self.places.items()):
                        if value.pk == found.pk:
                            self.places[key] = found
                return found
        place = location_create(
            name=name, kind=kind, parent=parent, aliases=aliases, latitude=latitude, longitude=longitude
        )
        for alias in (name, *aliases):
            self._remember(self.places, (parent_id, _key(alias)), place)
        return place

    # -- sources and reports
    def source(self, name: str, *, kind: str = Source.Kind.OTHER, actor: Actor | None = None) -> Source:
        name = clip(name, 200)
        found = self.sources.get(_key(name))
        if found is not None:
            return found
        source = source_create(name=name, kind=kind, actor=actor)
        self._remember(self.sources, _key(name), source)
        return source

    def report(
        self, source: Source, *, title: str, published: date | None, url: str | None = None, summary: str = ""
    ) -> Report:
        """A report keyed on (source, title, publication day), or on its URL when it has one."""
        title = clip(title, 500) or f"{source.name} report"
        if url:
            found = Report.objects.filter(url=url).first()
            if found is not None:
                return found
        if source.pk not in self.reports:
            self.reports[source.pk] = {
                (_key(r.title), r.published_at.date() if r.published_at else None): r
                for r in Report.objects.filter(source=source).order_by("-id")
            }
        by_key = self.reports[source.pk]
        key = (_key(title), published)
        found = by_key.get(key)
        if found is not None:
            return found
        report = report_create(
            source=source, title=title, url=url or None, published_at=at_midnight(published), summary=summary
        )
        self._remember(by_key, key, report)
        return report


# ---------------------------------------------------------------------------------------------
# Claims keyed on external_id
# ---------------------------------------------------------------------------------------------


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


def _wanted(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def upsert_claim(spec: ClaimSpec, existing: Claim | None, summary: ImportSummary) -> Claim:
    """Create the claim, update the fields that differ, or leave it alone when nothing differs
    (so a re-import moves no ``updated_at``)."""
    citations = [{"report": report, "quote": clip(quote, 5000)} for report, quote in _unique(spec.citations)]
    if existing is None:
        claim = claim_create(external_id=spec.external_id, citations=citations, **spec.fields)
        summary.created += 1
        return claim
    changed = {name: value for name, value in spec.fields.items() if _value(existing, name) != _wanted(value)}
    have = sorted((c.report_id, c.quote) for c in existing.citations.all())
    want = sorted((c["report"].pk, c["quote"]) for c in citations)
    if not changed and have == want:
        summary.unchanged += 1
        return existing
    claim = claim_update(claim=existing, citations=citations if have != want else None, **changed)
    summary.updated += 1
    return claim


def _unique(citations: list[tuple[Report, str]]) -> list[tuple[Report, str]]:
    seen: dict[int, tuple[Report, str]] = {}
    for report, quote in citations:
        seen.setdefault(report.pk, (report, quote))
    return list(seen.values())


def remove_claims(claims: Iterable[Claim], summary: ImportSummary, line: int, key: str) -> None:
    """Claims a re-import no longer produces (a side's deaths fell to 0): delete them, leaving tombstones."""
    for claim in claims:
        try:
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
    """The run of a CSV importer: rows read in chunks, each chunk's existing claims fetched in one query,
    each row written in its own savepoint (a failing row is rolled back, reported and skipped).

    Subclasses give ``parse(row)`` (raises RowError; the result has ``line``, ``label``, ``key``,
    ``candidates`` — every external id the row could produce — and ``faults``) and ``specs(event)``.
    A row with faults is kept (its values made consistent by ``specs``), or skipped when strict.
    """

    chunk_size = 200

    def __init__(self, directory: Directory, summary: ImportSummary) -> None:
        self.dir = directory
        self.summary = summary

    def parse(self, row: CsvRow) -> Any:
        raise NotImplementedError

    def specs(self, event: Any) -> list[ClaimSpec]:
        raise NotImplementedError

    def run(self, rows: Iterable[CsvRow], total: int, *, strict: bool, progress: Progress | None) -> ImportSummary:
        done = 0
        seen: set[str] = set()
        chunk: list[CsvRow] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= self.chunk_size:
                done = self._chunk(chunk, seen, strict=strict, done=done, total=total, progress=progress)
                chunk = []
        if chunk:
            self._chunk(chunk, seen, strict=strict, done=done, total=total, progress=progress)
        return self.summary

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
            if progress and (index % 10 == 0 or index == len(events)):
                progress(done + unreadable + index, total)
        done += len(rows)
        if progress and not events:
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
        mark = self.dir.mark()
        counts = (self.summary.created, self.summary.updated, self.summary.unchanged, self.summary.removed)
        try:
            with transaction.atomic():
                specs = self.specs(event)
                for spec in specs:
                    upsert_claim(spec, existing.get(spec.external_id), self.summary)
                wanted = {spec.external_id for spec in specs}
                stale = [existing[k] for k in event.candidates if k in existing and k not in wanted]
                remove_claims(stale, self.summary, event.line, event.label)
        except (ValidationError, DatabaseError) as exc:
            self.dir.forget_since(mark)
            self.summary.created, self.summary.updated, self.summary.unchanged, self.summary.removed = counts
            reason = validation_text(exc) if isinstance(exc, ValidationError) else str(exc).splitlines()[0]
            self.summary.problem(event.line, event.label, "; ".join(filter(None, [fault, reason])), skipped=True)
            return
        if fault:
            self.summary.problem(event.line, event.label, fault, skipped=False)
