"""Reading one value of a row (dates, whole numbers, coordinates; a bad one raises ``RowError``), and
the text helpers importers share: clipping, lists, place-name suffixes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

from django.utils import timezone

from interchange.importers.base.summary import RowError
from locations.models import Location

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
