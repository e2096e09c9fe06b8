"""Actors, places, sources and reports by name for one run: one query each at the start, then look-ups
in memory; what is missing is created through the services."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from actors.models import Actor
from actors.services import actor_create
from core.text import as_stored
from interchange.importers.base.values import at_midnight, clip
from locations.models import Location
from locations.services import location_create, location_update
from sources.models import Report, Source
from sources.services import report_create, report_prepare, reports_create_bulk, source_create


def _key(text: str) -> str:
    """A name as a look-up key: cleaned as the services store it (``core.text``), spaces collapsed, case folded."""
    return re.sub(r"\s+", " ", as_stored(text or "", multiline=True).strip()).casefold()


class WriteNeeded(Exception):
    """Raised in ``Directory.in_memory()`` where a look-up would write to the database (a record it
    does not know yet): the row is taken again in a savepoint."""


class Directory:
    """Actors, places, sources and reports by name (and alias), case-insensitive, for one run.

    New records are created through the services and added to the maps. A row that fails is
    rolled back to its savepoint; ``forget_since`` drops what it had added. Under ``in_memory()``
    nothing is written: a record that would have to be raises ``WriteNeeded`` first.
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
        sources = list(Source.objects.order_by("-id"))
        for source in sources:
            for alias in source.aliases or []:
                self.sources[_key(alias)] = source  # a merged duplicate's name finds the kept source
        for source in sources:
            self.sources[_key(source.name)] = source
        self.reports: dict[int, dict[tuple[str, date | None], Report]] = {}
        self._journal: list[tuple[dict, Any]] = []
        # The bulk path: new reports without a URL are built here and written together (``flush_reports``)
        # before the claims that cite them.
        self.defer_reports = False
        self.pending_reports: list[Report] = []
        self._read_only = False

    @contextmanager
    def in_memory(self) -> Iterator[None]:
        """Look-ups that write nothing: every record found, or ``WriteNeeded`` before one is written
        (reports deferred to the batch, ``defer_reports``, are built in memory and allowed)."""
        self._read_only = True
        try:
            yield
        finally:
            self._read_only = False

    def _writing(self) -> None:
        if self._read_only:
            raise WriteNeeded

    # -- bookkeeping for rows rolled back to their savepoint
    def mark(self) -> int:
        return len(self._journal)

    def forget_since(self, mark: int) -> None:
        forgotten = set()
        for mapping, key in reversed(self._journal[mark:]):
            value = mapping.pop(key, None)
            if value is not None:
                forgotten.add(id(value))
        del self._journal[mark:]
        if forgotten and self.pending_reports:
            self.pending_reports = [r for r in self.pending_reports if id(r) not in forgotten]

    def flush_reports(self) -> None:
        """Write the reports built for the bulk path (they get their ids)."""
        if self.pending_reports:
            reports_create_bulk(self.pending_reports)
            self.pending_reports = []

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
        self._writing()
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
                    self._writing()
                    found = location_update(location=found, latitude=latitude, longitude=longitude)
                    for key, value in list(self.places.items()):
                        if value.pk == found.pk:
                            self.places[key] = found
                return found
        self._writing()
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
        self._writing()
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
        if self.defer_reports and not url:
            report = report_prepare(source=source, title=title, published_at=at_midnight(published), summary=summary)
            self.pending_reports.append(report)
        else:
            self._writing()
            report = report_create(
                source=source, title=title, url=url or None, published_at=at_midnight(published), summary=summary
            )
        self._remember(by_key, key, report)
        return report
