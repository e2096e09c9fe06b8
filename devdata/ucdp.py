"""UCDP GED events generated in UCDP's own CSV format (its 49 columns, its date and source
conventions), shaped like the UCDP sample: mostly state-based fighting, a sixth one-sided violence
against civilians, most places known to the town, a third of the rows without outlets, a few rows
where low ≤ best ≤ high does not hold. Seeded, so the same ``count`` and ``seed`` give the same file.

Used by ``make bench`` (300,000 events through the bulk import, against a plain COPY floor) and by
the tests that compare the bulk import with the one-by-one path.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from datetime import date, timedelta

HEADER = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
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
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
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
    "gwnoa",
    "gwnob",
]

# country: (country id, region, code, [(province, [districts])], [(side_a, side_b)])
COUNTRIES: dict[str, tuple[int, str, str, list[tuple[str, list[str]]], list[tuple[str, str]]]] = {
    "Syria": (
        652,
        "Middle East",
        "SYR",
        [
            ("Idlib governorate", ["Maarat al-Numaan district", "Jisr al-Shughur district", "Ariha district"]),
            ("Aleppo governorate", ["Mount Simeon district", "Azaz district", "Al Bab district"]),
            ("Hama governorate", ["Hama district", "Suqaylabiyah district"]),
            ("Rif Dimashq governorate", ["Duma district", "Darayya district"]),
        ],
        [("Government of Syria", "Syrian insurgents"), ("Government of Syria", "IS"), ("IS", "Syrian insurgents")],
    ),
    "Afghanistan": (
        700,
        "Asia",
        "AFG",
        [
            ("Helmand province", ["Nahr-e Saraj district", "Musa Qala district", "Nad Ali district"]),
            ("Laghman province", ["Mihtarlam district", "Alingar district"]),
            ("Panjshir province", ["Anaba district", "Rukha district", "Shutul district"]),
            ("Kandahar province", ["Zhari district", "Panjwayi district"]),
        ],
        [("Government of Afghanistan", "Taleban"), ("Taleban", "NRF"), ("IS", "Taleban")],
    ),
    "India": (
        750,
        "Asia",
        "IND",
        [
            ("Jammu and Kashmir state", ["Kupwara district", "Baramulla district", "Shopian district"]),
            ("Chhattisgarh state", ["Sukma district", "Bijapur district"]),
        ],
        [("Government of India", "Kashmir insurgents"), ("Government of India", "CPI-Maoist")],
    ),
    "Mexico": (
        70,
        "Americas",
        "MEX",
        [
            ("Sinaloa state", ["Culiacán municipality", "Navolato municipality"]),
            ("Sonora state", ["Cajeme municipality"]),
        ],
        [("Sinaloa Cartel", "Jalisco Cartel New Generation")],
    ),
}
TOWNS = ["Kafr", "Tal", "Deh", "Qala", "San", "Nuevo", "Bagh", "Khan", "Ain", "Ras"]
ENDINGS = ["abad", "pur", "ganj", "iyeh", "dara", "kot", "el Rio", "garh", "shahr", "ani"]
OUTLETS = ["SOHR", "VDC", "Reuters", "Agence France Presse", "Xinhua", "Pajhwok Afghan News", "BBC Monitoring",
           "The Hindu", "Noche y Niebla", "Twitter"]  # fmt: skip
ORIGINALS = ["SOHR", "VDC", "local officials", "police", "Military spokesman", "Taliban spokesman",
             "Ministry of Interior", "residents", "district governor", "hospital sources"]  # fmt: skip
START = date(2014, 1, 1)


def _place(rng: random.Random) -> str:
    return f"{rng.choice(TOWNS)} {rng.choice(ENDINGS)}".replace(" abad", "abad")


def events(count: int, *, seed: int = 16, first_id: int = 900000) -> Iterator[dict[str, str]]:
    """``count`` UCDP events as rows (dicts keyed by UCDP's column names)."""
    rng = random.Random(seed)
    towns: dict[str, list[str]] = {}
    recent: list[tuple] = []
    names = list(COUNTRIES)
    for number in range(count):
        country = rng.choices(names, weights=[45, 30, 15, 10])[0]
        country_id, region, code, provinces, dyads = COUNTRIES[country]
        province, districts = rng.choice(provinces)
        district = rng.choice(districts)
        pool = towns.setdefault(district, [_place(rng) for _ in range(25)])
        town = rng.choice(pool)
        one_sided = rng.random() < 0.17
        side_a, side_b = rng.choice(dyads)
        violence = 3 if one_sided else (1 if side_a.startswith("Government of") else 2)
        if one_sided:
            side_b = "Civilians"
        start = START + timedelta(days=rng.randrange(0, 3650))
        date_prec = rng.choices([1, 2, 3, 4, 5], weights=[84, 10, 1, 3, 2])[0]
        end = start if date_prec == 1 else start + timedelta(days=rng.choice([2, 5, 6, 20, 29]))
        where_prec = rng.choices([1, 2, 3, 4, 5, 6, 7], weights=[49, 23, 13, 10, 3, 1, 1])[0]
        if recent and rng.random() < 0.15:
            # The same fighting as a recent event, told by other sources with other tolls (as UCDP has):
            # claims about one side at one place in one window whose counts disagree.
            country, province, district, town, side_a, side_b, violence, start, end, date_prec, where_prec = rng.choice(
                recent
            )
            country_id, region, code, provinces, dyads = COUNTRIES[country]
        recent.append((country, province, district, town, side_a, side_b, violence, start, end, date_prec, where_prec))
        del recent[:-40]
        deaths = {"a": 0, "b": 0, "civilians": 0, "unknown": 0}
        for side in ("a", "b", "civilians", "unknown"):
            if rng.random() < 0.35:
                deaths[side] = rng.choice([1, 1, 2, 3, 4, 7, 12])
        best = sum(deaths.values()) or 1
        if not any(deaths.values()):
            deaths["unknown"] = 1
        low, high = best, best + rng.choice([0, 0, 0, 1, 3])
        if rng.random() < 0.01:  # UCDP's own inconsistencies: low above best, or high below it
            low, high = (best + 1, best + 1) if rng.random() < 0.5 else (best, best - 1 if best > 1 else 0)
        outlets = [] if rng.random() < 0.33 else rng.sample(OUTLETS, rng.choice([1, 1, 1, 2]))
        days = [start + timedelta(days=rng.choice([0, 0, 1, 2])) for _ in outlets]
        headlines = [
            f"{rng.choice(['Clashes', 'Shelling', 'Attack', 'Raid'])} near {town} ({n + 1})"
            for n in range(len(outlets))
        ]
        originals = [] if not outlets else rng.sample(ORIGINALS, rng.choice([1, 1, 2]))
        lat = round(rng.uniform(20, 37), 6)
        lon = round(rng.uniform(35, 80), 6)
        event_id = first_id + number
        yield {
            "id": str(event_id),
            "relid": f"{code}-{start.year}-{violence}-{event_id}",
            "year": str(start.year),
            "active_year": "1",
            "code_status": "Clear",
            "type_of_violence": str(violence),
            "conflict_dset_id": "1",
            "conflict_new_id": "1",
            "conflict_name": f"{country}: {side_a}",
            "dyad_dset_id": "1",
            "dyad_new_id": "1",
            "dyad_name": f"{side_a} - {side_b}",
            "side_a_dset_id": "1",
            "side_a_new_id": "1",
            "side_a": side_a,
            "side_b_dset_id": "2",
            "side_b_new_id": "2",
            "side_b": side_b,
            "number_of_sources": str(len(outlets)),
            "source_article": ";".join(
                f'"{o},{d.isoformat()},{h}"' for o, d, h in zip(outlets, days, headlines, strict=True)
            ),
            "source_office": ";".join(outlets),
            "source_date": ";".join(d.isoformat() for d in days),
            "source_headline": ";".join(headlines),
            "source_original": ";".join(originals),
            "where_prec": str(where_prec),
            "where_coordinates": f"{town} town",
            "where_description": f"in and around {town}",
            "adm_1": province if where_prec <= 5 else "",
            "adm_2": district if where_prec <= 5 else "",
            "latitude": str(lat),
            "longitude": str(lon),
            "geom_wkt": f"POINT ({lon} {lat})",
            "priogrid_gid": str(100000 + number % 50000),
            "country": country,
            "country_id": str(country_id),
            "region": region,
            "event_clarity": "1",
            "date_prec": str(date_prec),
            "date_start": f"{start.isoformat()} 00:00:00.000",
            "date_end": f"{end.isoformat()} 00:00:00.000",
            "deaths_a": str(deaths["a"]),
            "deaths_b": str(deaths["b"]),
            "deaths_civilians": str(deaths["civilians"]),
            "deaths_unknown": str(deaths["unknown"]),
            "best": str(best),
            "high": str(high),
            "low": str(low),
            "gwnoa": str(country_id),
            "gwnob": "",
        }


def write_csv(out: io.TextIOBase | io.StringIO, count: int, *, seed: int = 16) -> int:
    """Write ``count`` events as a UCDP GED CSV to ``out``. Returns the count."""
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    written = 0
    for row in events(count, seed=seed):
        writer.writerow(row)
        written += 1
    return written


def csv_bytes(count: int, *, seed: int = 16) -> bytes:
    out = io.StringIO(newline="")
    write_csv(out, count, seed=seed)
    return out.getvalue().encode("utf-8")
