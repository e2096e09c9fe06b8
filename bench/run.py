"""``make bench``: issue 7's benchmark, end to end, written to docs/benchmarks.md.

``--claims`` takes one size or several, comma-separated (``make bench N=200000,1000000``, the
default): every stage below runs for each size in turn, smallest first, and the report puts the
ratios (API over floor, over Datasette, whole and flat) of every size side by side, then a part per
size. With several sizes the largest uses the database named by ``--database-url`` and each other
size one of its own, named after it (``fogwatch_bench_200000``), so every dataset is kept for the next
run.

1. A dedicated PostgreSQL database (``--database-url``, default ``BENCH_DATABASE_URL`` or
   ``postgres://postgres@127.0.0.1:5432/fogwatch_bench``; its name must contain "bench", since it
   is dropped and re-created): migrated, then ``generate_data --claims N --seed S`` unless it
   already holds exactly that dataset (``--regenerate`` to force it).
2. A full ``recompute_flags`` (wall time).
3. Fogwatch under gunicorn (2 sync workers, DEBUG off, static files collected) on a free loopback
   port; every benchmarked URL is fetched once (it must answer 200), then ``wrk -t2 -c8 --latency``
   for the duration (no non-2xx allowed); then 200 API writes (a denial between claims of different
   blocs, POSTed then DELETEd, each with its recompute) and the peak RSS of each worker.
4. The same first query, whole and in its flat ``fields=`` shape, served by the floor
   (``bench/floor.py`` under the same gunicorn, its count cached as the API's) and by Datasette over a
   SQLite copy of the claims table (the flat shape with ``_col=``, counted and not); the ratios.
5. The results as Markdown (``--output``, default docs/benchmarks.md) and on stdout.

Exit status 0 when every measurement succeeded (targets missed or not); 1 when one failed.

This module reads the arguments and runs the stages in order; they live in ``bench/dataset.py`` (the
database and the picked URLs), ``bench/measure.py`` (wrk, writes, recompute, RSS), ``bench/servers.py``
(gunicorn, the floor, Datasette), ``bench/machine.py`` and ``bench/report.py`` (the Markdown and the
stdout table), with ``bench/results.py`` (the targets and what is recorded) and ``bench/common.py``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench import wrk
from bench.common import ROOT, database_name, say, stage
from bench.dataset import DEFAULT_DATABASE_URL, dataset_counts, endpoints_for, pick, prepare_database, with_database
from bench.machine import machine_info
from bench.measure import recompute
from bench.report import import_section, kept_sections, report, table, with_import_section
from bench.results import DEFAULT_SIZES, Run
from bench.servers import serve_datasette, serve_floor, serve_fogwatch


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description="Issue 7's benchmark (make bench).")
    parser.add_argument(
        "--claims",
        type=sizes,
        default=DEFAULT_SIZES,
        help="N, the claims generated: one size or several, comma-separated (200000,1000000)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", default="10s", help="wrk's duration per endpoint (10s; 2, 2s, 1m)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--writes", type=int, default=200, help="API writes timed (200)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL,
        help="the benchmark's own database (BENCH_DATABASE_URL; default %(default)s); dropped and re-created",
    )
    parser.add_argument("--allow-any-database", action="store_true", help="allow a database name without 'bench'")
    parser.add_argument("--regenerate", action="store_true", help="generate the dataset even when it is there")
    parser.add_argument("--as-of", help="the as_of date benchmarked (default: half-way through the data)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--cache-dir", type=Path, default=ROOT / "bench" / ".cache", help="SQLite copies")
    parser.add_argument("--command", help="the command shown in the report (make passes its own)")
    args = parser.parse_args(argv)
    try:
        args.duration_s = wrk.parse_duration(args.duration)
    except ValueError as error:
        parser.error(str(error))
    if args.as_of:
        try:
            date.fromisoformat(args.as_of)
        except ValueError:
            parser.error(f"--as-of: not a date: {args.as_of!r} (YYYY-MM-DD)")
    return args


def sizes(value: str) -> tuple[int, ...]:
    """``--claims``: ``1000000`` or ``200000,1000000`` (each a whole number of at least 1), smallest first."""
    try:
        numbers = [int(part.replace("_", "")) for part in value.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not whole numbers separated by commas: {value!r}") from None
    if any(number < 1 for number in numbers):
        raise argparse.ArgumentTypeError(f"every size must be at least 1: {value!r}")
    return tuple(sorted(set(numbers)))


def database_for(url: str, claims: int, all_sizes: tuple[int, ...]) -> str:
    """The database of one size: ``url`` itself for the largest, ``<name>_<claims>`` for the others."""
    if claims == max(all_sizes):
        return url
    return with_database(url, f"{database_name(url)}_{claims}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    executed = shlex.join([".venv/bin/python", "-m", "bench.run", *(sys.argv[1:] if argv is None else argv)])
    command = f"{args.command}\n# which runs:\n{executed}" if args.command else executed
    if os.environ.get("BENCH_DATABASE_URL"):
        command = f"export BENCH_DATABASE_URL={shlex.quote(os.environ['BENCH_DATABASE_URL'])}\n{command}"
    if wrk.wrk_path() is None:
        say("wrk is not installed: apt-get install wrk (make bench installs it)")
        return 1
    started = time.monotonic()
    runs = []
    for claims in args.claims:
        run = Run(
            claims=claims,
            seed=args.seed,
            duration_s=args.duration_s,
            connections=args.connections,
            threads=args.threads,
            workers=args.workers,
            database_url=database_for(args.database_url, claims, args.claims),
            command=command,
        )
        runs.append(run)
        bench_size(run, args)
    previous = args.output.read_text() if args.output.exists() else ""
    # The import benchmark's section (bench/ucdp_import.py, run after this by make bench) is kept too.
    text = with_import_section(report(runs) + "\n" + kept_sections(previous), import_section(previous))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text.rstrip("\n") + "\n")
    failed = []
    for run in runs:
        say("")
        say(f"{run.claims:,} claims:")
        say(table(run))
        failed += run.errors or [e for e in run.endpoints + run.references if not e.measured]
    say("")
    say(f"Results written to {args.output} ({time.monotonic() - started:.0f}s in all)")
    if failed:
        say(f"FAILED: {len(failed)} measurement(s) did not succeed; see the report's errors.")
        return 1
    return 0


def bench_size(run: Run, args: argparse.Namespace) -> None:
    """Every stage for one size, into ``run``."""
    say(f"Fogwatch benchmark: {run.claims} claims, {args.duration_s:g}s per endpoint, output {args.output}")
    with tempfile.TemporaryDirectory(prefix="fogwatch-bench-") as tmp:
        logdir = Path(tmp)
        with stage("database"):
            prepare_database(run, regenerate=args.regenerate, allow_any=args.allow_any_database)
            run.dataset["counts"] = dataset_counts(run.database_url)
            run.machine = machine_info(run.database_url)
        recompute(run)
        with stage("pick the benchmarked URLs"):
            run.picks = pick(run.database_url, args.as_of)
            run.endpoints = endpoints_for(run.picks)
            for endpoint in run.endpoints:
                say(f"    {endpoint.name}: {endpoint.path}")
        firsts = serve_fogwatch(run, logdir, args.writes)
        run.references.extend(serve_floor(run, logdir, firsts))
        run.references.extend(serve_datasette(run, logdir, args.cache_dir, firsts))


if __name__ == "__main__":
    sys.exit(main())
