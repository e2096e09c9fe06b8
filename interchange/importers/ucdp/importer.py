"""A UCDP event → up to four claims, with the actors, places, sources and reports they name (found in
the run's ``Directory`` or created), and ``import_ucdp``, the run over a file."""

from __future__ import annotations

import re
from typing import IO, Any

from actors.models import Actor
from claims.models import Claim
from interchange.importers.base import (
    ADMIN_SUFFIXES,
    PLACE_SUFFIXES,
    ClaimSpec,
    Directory,
    ImportSummary,
    Progress,
    RowImporter,
    clip,
    not_future,
    open_text,
    place_kind,
    read_csv,
    run_in_transaction,
    strip_suffix,
)
from interchange.importers.ucdp.columns import DATE_PRECISION, REQUIRED, UcdpEvent, parse_row
from interchange.importers.ucdp.names import STATE_WORDS, is_generic, source_kind
from locations.models import Location
from sources.models import Report, Source

# UCDP's spellings of parties better known by another name: an existing actor of that name is used,
# and a new actor gets it as an alias.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "Taleban": ("Taliban",),
    "IS": ("Islamic State", "ISIS", "ISIL", "Daesh"),
    "NRF": ("National Resistance Front",),
    "Al-Shabaab": ("al-Shabaab", "Harakat al-Shabaab al-Mujahideen"),
}
UCDP_SOURCE = "UCDP Georeferenced Event Dataset"
UCDP_ACTOR = "Uppsala Conflict Data Program"
CIVILIANS = "Civilians"


class UcdpImporter(RowImporter):
    parse = staticmethod(parse_row)

    # -- actors
    def side(self, name: str) -> Actor:
        if name.casefold() == CIVILIANS.casefold():
            return self.civilians()
        if name.startswith("Government of"):
            kind = Actor.Kind.GOVERNMENT
        elif "," in name:
            kind = Actor.Kind.COALITION
        else:
            kind = Actor.Kind.ARMED_GROUP
        return self.dir.actor(name, kind=kind, is_party=True, aliases=SPELLINGS.get(name, ()))

    def civilians(self) -> Actor:
        return self.dir.actor(CIVILIANS, kind=Actor.Kind.OTHER)

    def claimant(self, event: UcdpEvent, side_a: Actor) -> Actor:
        if event.originals:
            name = event.originals[0]
            found = self.dir.find_actor(name)
            if found is not None:
                return found
            if is_generic(name):
                words = set(re.findall(r"[\w’']+", name.lower()))
                state = bool(words & STATE_WORDS)
                parent = side_a if state and event.violence == 1 and event.side_a.startswith("Government of") else None
                label = f"{name[0].upper()}{name[1:]} ({event.country})"
                return self.dir.actor(label, kind=Actor.Kind.GOVERNMENT if state else Actor.Kind.OTHER, parent=parent)
            return self.dir.actor(name, kind=Actor.Kind.ORGANIZATION)
        if event.reports:
            outlet = event.reports[0][0]
            return self.dir.actor(outlet, kind=Actor.Kind.MEDIA)
        return self.dir.actor(UCDP_ACTOR, kind=Actor.Kind.ORGANIZATION, aliases=("UCDP",))

    # -- places
    def location(self, event: UcdpEvent) -> Location:
        chain: list[tuple[str, str, list[str]]] = [(event.country, Location.Kind.COUNTRY, [])]
        prec = event.where_prec
        if event.adm_1 and prec <= 5:
            chain.append((strip_suffix(event.adm_1, ADMIN_SUFFIXES), Location.Kind.PROVINCE, [event.adm_1]))
        if event.adm_2 and prec <= 3 or (event.adm_2 and prec == 5):
            chain.append((strip_suffix(event.adm_2, ADMIN_SUFFIXES), Location.Kind.DISTRICT, [event.adm_2]))
        named = {full.casefold() for _, _, aliases in chain for full in aliases} | {event.country.casefold()}
        if event.where_name and prec in (1, 2, 5, 7) and event.where_name.casefold() not in named:
            default = Location.Kind.TOWN if prec in (1, 2) else Location.Kind.AREA
            kind = place_kind(event.where_name, default)
            chain.append((strip_suffix(event.where_name, PLACE_SUFFIXES), kind, [event.where_name]))
        node: Location | None = None
        for index, (name, kind, aliases) in enumerate(chain):
            last = index == len(chain) - 1
            node = self.dir.place(
                name or aliases[0],
                parent=node,
                kind=kind,
                aliases=aliases,
                latitude=event.latitude if last else None,
                longitude=event.longitude if last else None,
            )
        assert node is not None
        return node

    # -- reports
    def citations(self, event: UcdpEvent) -> list[tuple[Report, str]]:
        cited = []
        for outlet, day, headline in event.reports:
            source = self.dir.source(outlet, kind=source_kind(outlet))
            title = headline or f"{outlet}, {day.isoformat() if day else 'undated'}"
            cited.append((self.dir.report(source, title=title, published=day), ""))
        if not cited:
            source = self.dir.source(UCDP_SOURCE, kind=Source.Kind.NGO)
            title = f"UCDP GED event {event.id}"
            summary = clip(f"{event.side_a} – {event.side_b}; {event.where_description}", 2000)
            cited.append((self.dir.report(source, title=title, published=None, summary=summary), ""))
        return cited

    # -- claims
    def specs(self, event: UcdpEvent) -> list[ClaimSpec]:
        side_a, side_b = self.side(event.side_a), self.side(event.side_b)
        claimant = self.claimant(event, side_a)
        location = self.location(event)
        citations = self.citations(event)
        dates = sorted(day for _, day, _ in event.reports if day and day >= event.start)
        claimed_on = not_future(dates[0] if dates else event.end)
        where = _where(event, location)
        window = (
            f"on {event.start.isoformat()}"
            if event.start == event.end
            else f"between {event.start.isoformat()} and {event.end.isoformat()}"
        )
        also = event.originals[1:]
        according = f", according to {event.originals[0]} and {', '.join(also)}" if also else ""
        common: dict[str, Any] = {
            "claimant": claimant,
            "claimed_on": claimed_on,
            "location": location,
            "event_start": event.start,
            "event_end": event.end,
            "date_precision": DATE_PRECISION[event.date_prec],
            "location_precision": f"ucdp_where_prec:{event.where_prec}",
        }
        low, high = event.low, event.high
        if event.faults:  # kept (not --strict): the range made consistent
            low, high = min(event.low, event.best, event.high), max(event.low, event.best, event.high)
        toll = f"{event.best} people (UCDP best estimate; low {event.low}, high {event.high})"
        if event.violence == 3:
            event_fields = {
                "kind": Claim.Kind.ATTACK,
                "subject": side_a,
                "summary": f"{event.side_a} attacked {event.side_b.lower()} {where} {window}, killing {toll}",
            }
        else:
            event_fields = {
                "kind": Claim.Kind.OTHER,
                "subject": None,
                "summary": f"Fighting between {event.side_a} and {event.side_b} {where} {window} killed {toll}",
            }
        specs = [
            ClaimSpec(
                f"ucdp:{event.id}:event",
                {
                    **common,
                    **event_fields,
                    "summary": clip(event_fields["summary"] + according + ".", 1000),
                    "count_min": low,
                    "count_max": high,
                    "count_unit": Claim.CountUnit.KILLED,
                },
                citations,
            )
        ]
        losses: dict[str, tuple[Actor, int, str]] = {}
        if event.deaths["a"]:
            losses["a"] = (side_a, event.deaths["a"], event.side_b)
        civilians = event.deaths["civilians"]
        if event.deaths["b"]:
            if side_b.pk == self.civilians().pk:
                civilians += event.deaths["b"]
            else:
                losses["b"] = (side_b, event.deaths["b"], event.side_a)
        if civilians:
            losses["civilians"] = (self.civilians(), civilians, "")
        for part, (subject, count, other) in losses.items():
            if part == "civilians":
                text = f"{count} civilian{'s were' if count != 1 else ' was'} killed {where} {window}"
            else:
                text = f"{subject.name} lost {count} killed in fighting with {other} {where} {window}"
            specs.append(
                ClaimSpec(
                    f"ucdp:{event.id}:{part}",
                    {
                        **common,
                        "kind": Claim.Kind.CASUALTIES,
                        "subject": subject,
                        "summary": clip(text + according + ".", 1000),
                        "count_min": count,
                        "count_max": count,
                        "count_unit": Claim.CountUnit.KILLED,
                    },
                    citations,
                )
            )
        return specs


def _where(event: UcdpEvent, location: Location) -> str:
    context = [part for part in (event.adm_1, event.country) if part and part.casefold() != location.name.casefold()]
    if location.kind == Location.Kind.COUNTRY:
        return f"in {location.name}"
    return f"at {location.name}" + (f" ({', '.join(context)})" if context else "")


def import_ucdp(
    file: Any,
    *,
    strict: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    bulk: bool = False,
) -> ImportSummary:
    """Import a UCDP GED CSV (a path, bytes or an open file). Raises ImportFileError (nothing
    written) when the file as a whole is wrong; faulty rows are reported in the summary."""
    stream: IO[str] = open_text(file)
    _, total, rows = read_csv(stream, required=REQUIRED, dataset="UCDP GED")

    def work() -> ImportSummary:
        summary = ImportSummary(dataset="UCDP GED")
        return UcdpImporter(Directory(), summary, bulk=bulk).run(rows, total, strict=strict, progress=progress)

    return run_in_transaction(work, dry_run=dry_run)
