"""Copy the claims table from PostgreSQL into a SQLite file for Datasette (the peer of issue 7).

The columns a list shows (no nested citations or relations: Datasette serves one table), with an
index on ``(status, claimed_on)`` for ``?status=contested&_sort_desc=claimed_on``. Streamed with a
server-side cursor, written to a temporary file and renamed, so a copy is whole or absent.

    python -m bench.datasette_copy postgres://postgres@127.0.0.1:5432/fogwatch_bench out.db
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import time
from pathlib import Path

import psycopg2

TABLE = "claims_claim"
COLUMNS = [
    ("id", "INTEGER PRIMARY KEY"),
    ("claimant_id", "INTEGER NOT NULL"),
    ("spokesperson_id", "INTEGER"),
    ("claimed_on", "TEXT NOT NULL"),
    ("kind", "TEXT NOT NULL"),
    ("summary", "TEXT NOT NULL"),
    ("quote", "TEXT NOT NULL"),
    ("language", "TEXT NOT NULL"),
    ("subject_id", "INTEGER"),
    ("location_id", "INTEGER"),
    ("event_start", "TEXT"),
    ("event_end", "TEXT"),
    ("date_precision", "TEXT NOT NULL"),
    ("count_min", "INTEGER"),
    ("count_max", "INTEGER"),
    ("verdict", "TEXT NOT NULL"),
    ("verdict_on", "TEXT"),
    ("status", "TEXT NOT NULL"),
    ("contested", "INTEGER NOT NULL"),
    ("corroborated", "INTEGER NOT NULL"),
    ("unverified", "INTEGER NOT NULL"),
    ("reasons", "TEXT NOT NULL"),
    ("created_at", "TEXT NOT NULL"),
    ("updated_at", "TEXT NOT NULL"),
]
# Dates and timestamps as ISO text, booleans as 0/1, reasons as JSON text: what SQLite stores.
SELECT = {
    "claimed_on": "c.claimed_on::text",
    "event_start": "c.event_start::text",
    "event_end": "c.event_end::text",
    "verdict_on": "c.verdict_on::text",
    "contested": "c.contested::int",
    "corroborated": "c.corroborated::int",
    "unverified": "c.unverified::int",
    "reasons": "c.reasons::text",
    "created_at": "to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
    "updated_at": "to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
}
BATCH = 20_000


def copy_claims(dsn: str, target: Path, *, progress=None) -> int:
    """Write ``target`` (replacing it) with the claims of ``dsn``; returns the number of rows."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    names = [name for name, _ in COLUMNS]
    select = ", ".join(SELECT.get(name, f"c.{name}") for name in names)
    lite = sqlite3.connect(partial)
    lite.execute("PRAGMA journal_mode = OFF")
    lite.execute("PRAGMA synchronous = OFF")
    lite.execute(f"CREATE TABLE {TABLE} ({', '.join(f'{n} {t}' for n, t in COLUMNS)})")
    insert = f"INSERT INTO {TABLE} VALUES ({', '.join('?' for _ in names)})"
    copied = 0
    pg = psycopg2.connect(dsn)
    try:
        with pg.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM claims_claim")
            total = cursor.fetchone()[0]
        with pg.cursor(name="bench_datasette_copy") as cursor:
            cursor.itersize = BATCH
            cursor.execute(f"SELECT {select} FROM claims_claim c ORDER BY c.id")
            while rows := cursor.fetchmany(BATCH):
                lite.executemany(insert, rows)
                copied += len(rows)
                if progress:
                    progress(copied, total)
        lite.execute(f"CREATE INDEX claims_claim_status_claimed_on ON {TABLE} (status, claimed_on)")
        lite.execute(f"ANALYZE {TABLE}")
        lite.commit()
    finally:
        pg.close()
        lite.close()
    os.replace(partial, target)
    return copied


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dsn", help="libpq URL of the Fogwatch database")
    parser.add_argument("target", type=Path, help="SQLite file to write")
    args = parser.parse_args()
    started = time.monotonic()
    rows = copy_claims(args.dsn, args.target)
    print(f"{rows} claims copied to {args.target} in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
