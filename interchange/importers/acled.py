"""ACLED CSV (the current column order) → claims. The mapping is documented in docs/import-export.md.

Each event becomes a claim keyed ``acled:<event_id_cnty>:event`` whose kind follows the
sub-event type (territory changes → control with subject ``actor1``; clashes, attacks, shelling,
strikes → attack by ``actor1``; protests and agreements → statement; anything else with
fatalities → casualties, else other), plus ``acled:<event_id_cnty>:civilians`` — a casualties
claim about the civilians — when ACLED codes civilian targeting with fatalities.
The claimant is the first outlet of ``source`` (semicolon-separated; each outlet is cited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from actors.models import Actor
from claims.models import Claim
from interchange.importers.base import (
    ClaimSpec,
    CsvRow,
    Directory,
    ImportSummary,
    Progress,
    RowError,
    RowImporter,
    clip,
    not_future,
    open_text,
    parse_coordinates,
    parse_date,
    parse_int,
    read_csv,
    run_in_transaction,
    split_list,
)
from interchange.importers.ucdp import source_kind
from locations.models import Location

COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
REQUIRED = tuple(c for c in COLUMNS if c not in ("year", "iso", "region", "tags", "timestamp", "interaction"))
PARTS = ("event", "civilians")

CONTROL = {
    "Non-state actor overtakes territory",
    "Government regains territory",
    "Non-violent transfer of territory",
    "Headquarters or base established",
}
ATTACK = {
    "Armed clash",
    "Attack",
    "Shelling/artillery/missile attack",
    "Air/drone strike",
    "Suicide bomb",
    "Remote explosive/landmine/IED",
    "Grenade",
    "Abduction/forced disappearance",
    "Sexual violence",
    "Excessive force against protesters",
    "Mob violence",
    "Violent demonstration",
    "Looting/property destruction",
}
STATEMENT = {"Peaceful protest", "Protest with intervention", "Agreement"}
# ACLED time_precision: 1 the day is known, 2 the week, 3 the month.
DATE_PRECISION = {1: Claim.DatePrecision.DAY, 2: Claim.DatePrecision.WEEK, 3: Claim.DatePrecision.MONTH}
# ACLED inter codes (numeric in older files, words in newer ones) → actor kinds.
INTER = {
    "1": Actor.Kind.GOVERNMENT,
    "state forces": Actor.Kind.GOVERNMENT,
    "2": Actor.Kind.ARMED_GROUP,
    "rebel group": Actor.Kind.ARMED_GROUP,
    "3": Actor.Kind.MILITIA,
    "political militia": Actor.Kind.MILITIA,
    "4": Actor.Kind.MILITIA,
    "identity militia": Actor.Kind.MILITIA,
    "8": Actor.Kind.OTHER,
    "external/other forces": Actor.Kind.OTHER,
}
ACLED_ACTOR = "Armed Conflict Location & Event Data Project"


def claim_kind(sub_event_type: str, fatalities: int) -> str:
    if sub_event_type in CONTROL:
        return Claim.Kind.CONTROL
    if sub_event_type in ATTACK:
        return Claim.Kind.ATTACK
    if sub_event_type in STATEMENT:
        return Claim.Kind.STATEMENT
    return Claim.Kind.CASUALTIES if fatalities > 0 else Claim.Kind.OTHER


@dataclass
class AcledEvent:
    line: int
    event_id: str
    day: date
    time_precision: int
    sub_event_type: str
    actor1: str
    inter1: str
    actor2: str
    inter2: str
    civilian_targeting: bool
    country: str
    admin1: str
    admin2: str
    admin3: str
    place: str
    latitude: float | None
    longitude: float | None
    geo_precision: int
    sources: list[str]
    notes: str
    fatalities: int
    faults: list[str]

    @property
    def label(self) -> str:
        return f"ACLED {self.event_id}"

    @property
    def key(self) -> str:
        return self.event_id

    @property
    def candidates(self) -> list[str]:
        return [f"acled:{self.event_id}:{part}" for part in PARTS]


def parse_row(row: CsvRow) -> AcledEvent:
    v = row.values
    event_id = v["event_id_cnty"]
    if not event_id or len(event_id) > 80:
        raise RowError("event_id_cnty is empty or too long")
    time_precision = parse_int(v["time_precision"], "time_precision")
    if time_precision not in DATE_PRECISION:
        raise RowError(f"time_precision {time_precision} is not 1, 2 or 3")
    geo_precision = parse_int(v["geo_precision"], "geo_precision")
    if geo_precision not in (1, 2, 3):
        raise RowError(f"geo_precision {geo_precision} is not 1, 2 or 3")
    if not v["actor1"]:
        raise RowError("actor1 is empty")
    if not v["country"]:
        raise RowError("country is empty")
    latitude, longitude = parse_coordinates(v["latitude"], v["longitude"])
    return AcledEvent(
        line=row.line,
        event_id=event_id,
        day=parse_date(v["event_date"], "event_date"),
        time_precision=time_precision,
        sub_event_type=v["sub_event_type"],
        actor1=v["actor1"],
        inter1=v["inter1"],
        actor2=v["actor2"],
        inter2=v["inter2"],
        civilian_targeting=bool(v["civilian_targeting"]),
        country=v["country"],
        admin1=v["admin1"],
        admin2=v["admin2"],
        admin3=v["admin3"],
        place=v["location"],
        latitude=latitude,
        longitude=longitude,
        geo_precision=geo_precision,
        sources=split_list(v["source"]),
        notes=v["notes"],
        fatalities=parse_int(v["fatalities"], "fatalities"),
        faults=[],
    )


class AcledImporter(RowImporter):
    parse = staticmethod(parse_row)

    def actor(self, name: str, inter: str) -> Actor:
        lowered = name.casefold()
        if lowered.startswith(("civilians", "protesters", "rioters")):
            kind = Actor.Kind.OTHER
        else:
            kind = INTER.get(inter.strip().casefold(), Actor.Kind.ARMED_GROUP)
        return self.dir.actor(name, kind=kind, is_party=kind != Actor.Kind.OTHER)

    def location(self, event: AcledEvent) -> Location:
        chain = [(event.country, Location.Kind.COUNTRY)]
        for name, kind in (
            (event.admin1, Location.Kind.PROVINCE),
            (event.admin2, Location.Kind.DISTRICT),
            (event.admin3, Location.Kind.AREA),
        ):
            if name:
                chain.append((name, kind))
        if event.place:
            chain.append((event.place, Location.Kind.TOWN if event.geo_precision < 3 else Location.Kind.AREA))
        node = None
        for index, (name, kind) in enumerate(chain):
            last = index == len(chain) - 1
            node = self.dir.place(
                name,
                parent=node,
                kind=kind,
                latitude=event.latitude if last else None,
                longitude=event.longitude if last else None,
            )
        assert node is not None
        return node

    def specs(self, event: AcledEvent) -> list[ClaimSpec]:
        actor1 = self.actor(event.actor1, event.inter1)
        actor2 = self.actor(event.actor2, event.inter2) if event.actor2 else None
        location = self.location(event)
        citations = []
        for outlet in event.sources:
            source = self.dir.source(outlet, kind=source_kind(outlet))
            title = f"{outlet}, as cited by ACLED for event {event.event_id}"
            report = self.dir.report(source, title=title, published=event.day, summary=clip(event.notes, 5000))
            citations.append((report, ""))
        if event.sources:
            claimant = self.dir.actor(event.sources[0], kind=Actor.Kind.MEDIA)
        else:
            claimant = self.dir.actor(ACLED_ACTOR, kind=Actor.Kind.ORGANIZATION, aliases=("ACLED",))
            source = self.dir.source("ACLED", kind="ngo")
            report = self.dir.report(
                source, title=f"ACLED event {event.event_id}", published=event.day, summary=clip(event.notes, 5000)
            )
            citations.append((report, ""))
        kind = claim_kind(event.sub_event_type, event.fatalities)
        place = ", ".join(p for p in (event.place, event.admin1, event.country) if p)
        when = f"on {event.day.isoformat()}"
        killed = f", {event.fatalities} reported killed" if event.fatalities else ""
        if kind == Claim.Kind.CONTROL:
            text = f"{event.actor1} took control of {place} {when} ({event.sub_event_type})"
            subject: Actor | None = actor1
        elif kind == Claim.Kind.CASUALTIES:
            subject = actor2 or actor1
            text = f"{event.fatalities} killed among {subject.name} at {place} {when} ({event.sub_event_type})"
        else:
            against = f" against {event.actor2}" if event.actor2 else ""
            text = f"{event.sub_event_type or 'Event'}: {event.actor1}{against} at {place} {when}{killed}"
            subject = actor1 if kind == Claim.Kind.ATTACK else None
        common: dict[str, Any] = {
            "claimant": claimant,
            "claimed_on": not_future(event.day),
            "location": location,
            "event_start": event.day,
            "event_end": None,
            "date_precision": DATE_PRECISION[event.time_precision],
            "location_precision": f"acled_geo_precision:{event.geo_precision}",
        }
        counted = kind != Claim.Kind.CONTROL and event.fatalities > 0
        specs = [
            ClaimSpec(
                f"acled:{event.event_id}:event",
                {
                    **common,
                    "kind": kind,
                    "subject": subject,
                    "summary": clip(text + ".", 1000),
                    "count_min": event.fatalities if counted else None,
                    "count_max": event.fatalities if counted else None,
                    "count_unit": Claim.CountUnit.KILLED if counted else "",
                },
                citations,
            )
        ]
        if event.civilian_targeting and event.fatalities > 0 and kind != Claim.Kind.CASUALTIES:
            victims = actor2 or self.dir.actor(f"Civilians ({event.country})", kind=Actor.Kind.OTHER)
            specs.append(
                ClaimSpec(
                    f"acled:{event.event_id}:civilians",
                    {
                        **common,
                        "kind": Claim.Kind.CASUALTIES,
                        "subject": victims,
                        "summary": clip(
                            f"{event.fatalities} civilians killed at {place} {when} by {event.actor1}.", 1000
                        ),
                        "count_min": event.fatalities,
                        "count_max": event.fatalities,
                        "count_unit": Claim.CountUnit.KILLED,
                    },
                    citations,
                )
            )
        return specs


def import_acled(
    file: Any,
    *,
    strict: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    bulk: bool = False,
) -> ImportSummary:
    """Import an ACLED CSV (a path, bytes or an open file). Raises ImportFileError (nothing written)
    when the file as a whole is wrong; rows with unreadable values are reported and skipped."""
    _, total, rows = read_csv(open_text(file), required=REQUIRED, dataset="ACLED")

    def work() -> ImportSummary:
        summary = ImportSummary(dataset="ACLED")
        return AcledImporter(Directory(), summary, bulk=bulk).run(rows, total, strict=strict, progress=progress)

    return run_in_transaction(work, dry_run=dry_run)
