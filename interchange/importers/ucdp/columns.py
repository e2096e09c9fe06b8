"""The UCDP GED columns: the header an import requires, and a row read into a ``UcdpEvent`` (a value
that cannot be read raises ``RowError``; a broken range is listed in the event's ``faults``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from claims.models import Claim
from interchange.importers.base import (
    CsvRow,
    RowError,
    parse_coordinates,
    parse_date,
    parse_int,
    split_list,
)

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
