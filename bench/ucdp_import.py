"""``make bench`` (and ``make bench-import``): UCDP events at dataset scale through the bulk import,
against a floor of the same rows loaded by plain COPY (issue 16).

1. N events generated in UCDP's CSV format (``devdata/ucdp.py``, seeded), written to a file.
2. A dedicated database (``--database-url``; its name must contain "bench": dropped and re-created),
   migrated; ``manage.py import_ucdp FILE`` (the bulk path: batches, COPY, flags settled per batch)
   timed end to end, in its own process, as an operator runs it.
3. The floor: the rows that import wrote (actors, places, sources, reports, claims with their flags,
   citations, relations, the history rows) copied out, then loaded into a second freshly migrated
   database (same indexes and triggers) by plain ``COPY … FROM STDIN``, one table after the other;
   only the loading is timed.
4. Both times and their ratio, as a Markdown table on stdout and as the section "Imports at dataset
   scale" of ``--output`` (docs/benchmarks.md): replaced if there, else put just before the
   hand-written "Where the time goes" (``bench/report.py``, ``with_import_section``); ``bench/run.py``
   keeps it when it writes the rest of the report anew.

    python -m bench.ucdp_import --events 300000          # the target: ≤ 10 minutes
    python -m bench.ucdp_import --events 3000            # a smoke run
"""

from __future__ import annotations

import argparse
import io
import os
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg2

from bench.common import ROOT, database_name, django_env, run_streamed, say, stage
from bench.dataset import with_database
from bench.report import IMPORT_HEADING, verdict_max, with_import_section

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fogwatch_bench_import"
TARGET_EVENTS, TARGET_SECONDS = 300_000, 600
# Parents before children, so the foreign keys hold as each table is loaded.
TABLES = [
    "actors_actor",
    "actors_historicalactor",
    "locations_location",
    "locations_historicallocation",
    "sources_source",
    "sources_historicalsource",
    "sources_report",
    "sources_historicalreport",
    "claims_claim",
    "claims_historicalclaim",
    "claims_citation",
    "claims_historicalcitation",
    "claims_relation",
    "claims_historicalrelation",
]


def reset(url: str) -> dict[str, str]:
    name = database_name(url)
    if "bench" not in name:
        raise SystemExit(f"The import benchmark drops and re-creates its database: {name!r} must contain 'bench'.")
    admin = psycopg2.connect(with_database(url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    env = django_env(url)
    run_streamed([sys.executable, "manage.py", "migrate", "--noinput"], env)
    return env


def dump(url: str) -> dict[str, bytes]:
    """Every row the import wrote, table by table, in COPY's text format."""
    out: dict[str, bytes] = {}
    with psycopg2.connect(url) as pg, pg.cursor() as cursor:
        for table in TABLES:
            buffer = io.BytesIO()
            cursor.copy_expert(f"COPY {table} TO STDOUT", buffer)
            out[table] = buffer.getvalue()
    return out


def load(url: str, rows: dict[str, bytes]) -> float:
    """Load the rows by plain COPY, one transaction; the seconds it took."""
    pg = psycopg2.connect(url)
    try:
        with pg.cursor() as cursor:
            # Migrations leave rows of their own (the editors group's user is none of these tables; the
            # example data is not loaded): start from empty tables.
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
            pg.commit()
            started = time.monotonic()
            for table in TABLES:
                cursor.copy_expert(f"COPY {table} FROM STDIN", io.BytesIO(rows[table]))
            pg.commit()
            return time.monotonic() - started
    finally:
        pg.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ucdp_import", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=TARGET_EVENTS, help="UCDP events generated (300000)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_IMPORT_DATABASE_URL") or DEFAULT_URL, help="%(default)s"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md", help="%(default)s")
    args = parser.parse_args(argv)
    started_at, load_at_start = datetime.now(UTC), os.getloadavg()
    floor_url = with_database(args.database_url, database_name(args.database_url) + "_floor")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ged.csv"
        with stage(f"generate {args.events} UCDP events"), path.open("w", encoding="utf-8", newline="") as out:
            from devdata.ucdp import write_csv

            write_csv(out, args.events, seed=args.seed)
        with stage(f"database {database_name(args.database_url)}"):
            env = reset(args.database_url)
        with stage("import_ucdp (bulk)"):
            started = time.monotonic()
            run_streamed([sys.executable, "manage.py", "import_ucdp", str(path)], env)
            imported = time.monotonic() - started
    with stage("floor: the same rows by plain COPY"):
        rows = dump(args.database_url)
        reset(floor_url)
        floor = load(floor_url, rows)
    with psycopg2.connect(args.database_url) as pg, pg.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM claims_claim")
        claims = cursor.fetchone()[0]
    result = Result(args.events, claims, imported, floor, started_at, load_at_start, batch_size(env))
    say()
    say(result.table())
    executed = shlex.join([".venv/bin/python", "-m", "bench.ucdp_import", *(sys.argv[1:] if argv is None else argv)])
    previous = args.output.read_text() if args.output.exists() else "# Benchmarks\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(with_import_section(previous, result.section(args.seed, executed)))
    say(f"Written to {args.output} (section {IMPORT_HEADING!r})")
    return 0


def batch_size(env: dict[str, str]) -> int:
    """``FOGWATCH_IMPORT_BATCH`` as the import read it."""
    code = "from django.conf import settings; print(settings.FOGWATCH_IMPORT_BATCH)"
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return int((out.stdout.split() or ["0"])[-1])


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


class Result:
    """One run's figures, as the table on stdout and as the report's section."""

    def __init__(
        self,
        events: int,
        claims: int,
        imported: float,
        floor: float,
        started_at: datetime,
        load: tuple[float, float, float],
        batch: int,
    ) -> None:
        self.events, self.claims, self.imported, self.floor = events, claims, imported, floor
        self.started_at, self.load, self.batch = started_at, load, batch
        self.target = TARGET_SECONDS * events / TARGET_EVENTS

    def verdict(self) -> str:
        return verdict_max(self.imported, self.target, "s")

    def table(self) -> str:
        ratio = f"{self.imported / self.floor:.1f}×" if self.floor else "–"
        target = f"≤ {self.target:.0f} s" + (
            "" if self.events == TARGET_EVENTS else f" (scaled from {TARGET_SECONDS} s)"
        )
        return "\n".join(
            [
                "| events | claims | bulk import | rows/s | plain COPY floor | ratio | target | result |",
                "| ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
                f"| {self.events:,} | {self.claims:,} | {self.imported:.1f} s | {self.events / self.imported:,.0f} "
                f"| {self.floor:.1f} s | {ratio} | {target} | {self.verdict()} |",
            ]
        )

    def section(self, seed: int, command: str) -> str:
        load = ", ".join(f"{value:.2f}" for value in self.load)
        scaled = (
            ""
            if self.events == TARGET_EVENTS
            else f" This run had {self.events:,} events, so the target is scaled to its size and the verdict is"
            " indicative only."
        )
        return "\n".join(
            [
                IMPORT_HEADING,
                "",
                f"Written by `bench/ucdp_import.py` (`make bench`, `make bench-import`) on "
                f"{self.started_at:%Y-%m-%d %H:%M} UTC, commit {commit()}. {self.events:,} UCDP events generated in "
                f"UCDP's CSV format (`devdata/ucdp.py`, seed {seed}), imported by `manage.py import_ucdp FILE` in "
                f"its own process and timed end to end (the bulk path: batches of {self.batch:,} rows, "
                "`FOGWATCH_IMPORT_BATCH`; COPY; automatic relations and flags settled once per batch). The floor: "
                "the rows that import wrote (actors, places, sources, reports, claims with their flags, "
                "citations, relations, history rows) loaded by plain `COPY … FROM STDIN` into a second freshly "
                "migrated database (same indexes and triggers), only the loading timed. The target is issue 16's: "
                f"{TARGET_EVENTS:,} events in ≤ {TARGET_SECONDS} s on this 2-core machine.{scaled}",
                "",
                self.table(),
                "",
                f"Load average at the start (1, 5, 15 min): {load}.",
                "",
                "```sh",
                command,
                "```",
                "",
            ]
        )


if __name__ == "__main__":
    sys.exit(main())
