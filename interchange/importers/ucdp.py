"""UCDP Georeferenced Event Dataset (GED) CSV → claims. The mapping is documented in docs/import-export.md.

Each event becomes up to four claims, keyed ``ucdp:<id>:<part>`` so a re-import updates them:

- ``event``: the event with its death toll, ``count_min``/``count_max`` = ``low``/``high``
  (kind ``attack`` with subject ``side_a`` for one-sided violence, ``other`` for fighting);
- ``a``, ``b``, ``civilians``: a casualties claim per side with deaths (subject = that side),
  exact counts (``deaths_a``, ``deaths_b``, ``deaths_civilians``).

The claimant is the first ``source_original``; the reports are the ``source_office`` /
``source_date`` / ``source_headline`` (or ``source_article``) entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from actors.models import Actor
from claims.models import Claim
from interchange.importers.base import (
    ADMIN_SUFFIXES,
    PLACE_SUFFIXES,
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
    place_kind,
    read_csv,
    run_in_transaction,
    split_list,
    strip_suffix,
)
from locations.models import Location
from sources.models import Report, Source

REQUIRED = (
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "country",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
)
PARTS = ("event", "a", "b", "civilians")
CHUNK = 200

# UCDP date_prec: 1 exact day, 2 a 2–6 day range, 3 the week, 4 an 8–30 day range or the month,
# 5 a longer range.
DATE_PRECISION = {
    1: Claim.DatePrecision.DAY,
    2: Claim.DatePrecision.WEEK,
    3: Claim.DatePrecision.WEEK,
    4: Claim.DatePrecision.MONTH,
    5: Claim.DatePrecision.APPROXIMATE,
}
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

# A source_original made only of these words names no one in particular ("police", "local
# officials", "MoD"): it is qualified by the country ("Police (Afghanistan)").
GENERIC_WORDS = {
    "a",
    "an",
    "the",
    "of",
    "and",
    "from",
    "in",
    "gov",
    "govt",
    "local",
    "senior",
    "provincial",
    "district",
    "regional",
    "state",
    "national",
    "federal",
    "police",
    "policeman",
    "policemen",
    "polícia",
    "policia",
    "official",
    "officials",
    "officer",
    "officers",
    "military",
    "army",
    "armed",
    "forces",
    "force",
    "security",
    "government",
    "governor",
    "governors",
    "spokesman",
    "spokesmen",
    "spokesperson",
    "spokeswoman",
    "spokespeople",
    "ministry",
    "minister",
    "mod",
    "moi",
    "defense",
    "defence",
    "interior",
    "authorities",
    "authority",
    "statement",
    "statements",
    "source",
    "sources",
    "report",
    "reports",
    "commander",
    "commanders",
    "chief",
    "troops",
    "soldiers",
    "witness",
    "witnesses",
    "eyewitness",
    "eyewitnesses",
    "resident",
    "residents",
    "relative",
    "relatives",
    "locals",
    "villager",
    "villagers",
    "medical",
    "medics",
    "doctor",
    "doctors",
    "hospital",
    "hospitals",
    "elder",
    "elders",
    "tribal",
    "media",
    "press",
    "office",
    "spokesman's",
    "governor's",
    "army's",
}
STATE_WORDS = {
    "police",
    "policeman",
    "policemen",
    "official",
    "officials",
    "officer",
    "officers",
    "military",
    "army",
    "armed",
    "forces",
    "force",
    "security",
    "government",
    "governor",
    "governors",
    "ministry",
    "minister",
    "mod",
    "moi",
    "defense",
    "defence",
    "interior",
    "authorities",
    "authority",
    "troops",
    "soldiers",
    "governor's",
    "army's",
}
WIRE_WORDS = (
    "news agency",
    "reuters",
    "agence france",
    "afp",
    "associated press",
    "xinhua",
    "press trust",
    "tass",
    "ria novosti",
    "anadolu",
    "bbc monitoring",
    "pajhwok",
    "bakhtar",
    "interfax",
    "efe",
    "dpa",
)
NGO_WORDS = (
    "sohr",
    "observatory",
    "vdc",
    "violations documentation",
    "human rights",
    "amnesty",
    "hrw",
    "unama",
    "ocha",
    "security tracker",
    "noche y niebla",
    "provea",
    "satp",
    "airwars",
    "crisis watch",
    "ucdp",
)
SOCIAL_WORDS = ("twitter", "facebook", "telegram", "youtube", "instagram", "tiktok")


def source_kind(name: str) -> str:
    lowered = f" {name.lower()} "
    if any(word in lowered for word in SOCIAL_WORDS):
        return Source.Kind.SOCIAL_MEDIA
    if any(word in lowered for word in WIRE_WORDS):
        return Source.Kind.WIRE
    if any(word in lowered for word in NGO_WORDS):
        return Source.Kind.NGO
    return Source.Kind.OTHER


def split_originals(text: str) -> list[str]:
    """“SOHR; VDC”, “SOHR, VDC”, “police, witnesses” → several names; “Fawad Aman, Deputy Spokesman of
    National Defense Ministry” stays one (commas split only short names)."""
    names: list[str] = []
    for part in re.split(r";|///|\n|\s+/\s*|\s*/\s+", text or ""):
        part = re.sub(r"^\s*(according to|source:)\s*", "", part, flags=re.IGNORECASE).strip(" ,.:")
        if not part:
            continue
        pieces = [p.strip(" ,.") for p in part.split(",") if p.strip(" ,.")]
        if len(pieces) > 1 and all(len(p.split()) <= 4 for p in pieces):
            names.extend(pieces)
        else:
            names.append(part)
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def is_generic(name: str) -> bool:
    words = re.findall(r"[\w’']+", name.lower())
    return bool(words) and all(word.replace("’", "'") in GENERIC_WORDS for word in words)


@dataclass
class UcdpEvent:
    """One row, read and checked."""

    line: int
    id: int
    violence: int
    side_a: str
    side_b: str
    originals: list[str]
    reports: list[tuple[str, date | None, str]]  # (outlet, date, headline)
    country: str
    adm_1: str
    adm_2: str
    where_name: str
    where_description: str
    where_prec: int
    latitude: float | None
    longitude: float | None
    start: date
    end: date
    date_prec: int
    deaths: dict[str, int]
    low: int
    best: int
    high: int
    faults: list[str]

    @property
    def label(self) -> str:
        return f"UCDP id {self.id}"

    @property
    def key(self) -> str:
        return str(self.id)

    @property
    def candidates(self) -> list[str]:
        return [f"ucdp:{self.id}:{part}" for part in PARTS]


def _parse_reports(values: dict[str, str]) -> list[tuple[str, date | None, str]]:
    offices = split_list(values["source_office"])
    dates = split_list(values["source_date"])
    headlines = split_list(values["source_headline"])
    articles = []
    text = values["source_article"].strip()
    if text:
        for item in re.split(r'"\s*;\s*"', text):
            match = re.match(r"^\s*\"*\s*(.*?),\s*(\d{4}-\d{2}-\d{2})\s*,(.*?)\"*\s*$", item, flags=re.DOTALL)
            if match:
                articles.append((match.group(1).strip(), match.group(2), match.group(3).strip()))
    reports: list[tuple[str, date | None, str]] = []
    if articles and (not offices or len(articles) == len(offices)):
        for index, (office, day, headline) in enumerate(articles):
            outlet = offices[index] if offices else office
            reports.append((outlet, _maybe_date(day), headline))
        return reports
    for index, office in enumerate(offices):
        day = dates[index] if index < len(dates) else (dates[-1] if dates else "")
        headline = headlines[index] if len(headlines) == len(offices) else ""
        reports.append((office, _maybe_date(day), headline))
    return reports


def _maybe_date(value: str) -> date | None:
    try:
        return parse_date(value, "source_date")
    except RowError:
        return None


def parse_row(row: CsvRow) -> UcdpEvent:
    """Read a row; a value that cannot be read raises RowError. Broken ranges are listed in ``faults``."""
    v = row.values
    event_id = parse_int(v["id"], "id", minimum=1)
    violence = parse_int(v["type_of_violence"], "type_of_violence")
    if violence not in (1, 2, 3):
        raise RowError(f"type_of_violence {violence} is not 1, 2 or 3")
    if not v["side_a"] or not v["side_b"]:
        raise RowError("side_a and side_b are required")
    start, end = parse_date(v["date_start"], "date_start"), parse_date(v["date_end"], "date_end")
    if end < start:
        raise RowError(f"date_end {end} is before date_start {start}")
    date_prec = parse_int(v["date_prec"], "date_prec")
    if date_prec not in DATE_PRECISION:
        raise RowError(f"date_prec {date_prec} is not between 1 and 5")
    where_prec = parse_int(v["where_prec"], "where_prec")
    if not 1 <= where_prec <= 7:
        raise RowError(f"where_prec {where_prec} is not between 1 and 7")
    latitude, longitude = parse_coordinates(v["latitude"], v["longitude"])
    if not v["country"]:
        raise RowError("country is empty")
    deaths = {name: parse_int(v[f"deaths_{name}"], f"deaths_{name}") for name in ("a", "b", "civilians", "unknown")}
    low, best, high = (parse_int(v[name], name) for name in ("low", "best", "high"))
    faults = []
    if not low <= best <= high:
        faults.append(f"low ≤ best ≤ high does not hold (low {low}, best {best}, high {high})")
    if sum(deaths.values()) != best:
        faults.append(
            f"deaths_a + deaths_b + deaths_civilians + deaths_unknown = {sum(deaths.values())}, not best {best}"
        )
    return UcdpEvent(
        line=row.line,
        id=event_id,
        violence=violence,
        side_a=v["side_a"],
        side_b=v["side_b"],
        originals=split_originals(v["source_original"]),
        reports=_parse_reports(v),
        country=v["country"],
        adm_1=v["adm_1"],
        adm_2=v["adm_2"],
        where_name=v["where_coordinates"],
        where_description=v["where_description"],
        where_prec=where_prec,
        latitude=latitude,
        longitude=longitude,
        start=start,
        end=end,
        date_prec=date_prec,
        deaths=deaths,
        low=low,
        best=best,
        high=high,
        faults=faults,
    )


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
    file: Any, *, strict: bool = False, dry_run: bool = False, progress: Progress | None = None
) -> ImportSummary:
    """Import a UCDP GED CSV (a path, bytes or an open file). Raises ImportFileError (nothing
    written) when the file as a whole is wrong; faulty rows are reported in the summary."""
    stream: IO[str] = open_text(file)
    _, total, rows = read_csv(stream, required=REQUIRED, dataset="UCDP GED")

    def work() -> ImportSummary:
        summary = ImportSummary(dataset="UCDP GED")
        return UcdpImporter(Directory(), summary).run(rows, total, strict=strict, progress=progress)

    return run_in_transaction(work, dry_run=dry_run)
