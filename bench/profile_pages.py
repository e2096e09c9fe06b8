"""Where a page's time goes: per-request milliseconds and a cProfile of the HTML pages, in process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fw_bench .venv/bin/python -m bench.profile_pages \
        [--repeat 30] [--top 25] [PATH ...]

Without paths: the benchmark's two heavy pages, the contested claim list and the page of the place
with the most control claims. Each path is fetched once (the cold request: empty cache), then
``--repeat`` times timed (median and worst, ms), then once more under cProfile, whose top functions
by cumulative time are printed, and a split of the request into SQL (the queries' own time, as
Django's cursor wrapper measures it) and the rest. Settings as the benchmark's gunicorn has them
(DEBUG off, no REDIS_URL: the cache in process memory); only the database is read, nothing written.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-profile-not-secret")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def busiest_place() -> str:
    from django.db.models import Count

    from claims.models import Claim

    row = (
        Claim.objects.filter(kind=Claim.Kind.CONTROL)
        .values("location__slug")
        .annotate(n=Count("id"))
        .order_by("-n", "location__slug")
        .first()
    )
    if row is None:
        sys.exit("No control claims in this database: run manage.py generate_data first.")
    return f"/locations/{row['location__slug']}/"


class SqlClock:
    """Counts the queries of the default connection and the time spent in them."""

    def __init__(self) -> None:
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):  # noqa: ANN001 (Django's execute_wrapper)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


def profile(client, path: str, repeat: int, top: int) -> None:
    from django.db import connection

    started = time.perf_counter()
    response = client.get(path)
    cold = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}")
    times = []
    clock = SqlClock()
    with connection.execute_wrapper(clock):
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    render = sum(
        row[3]
        for (filename, _, name), row in stats.stats.items()  # type: ignore[attr-defined]
        if name == "render" and filename.endswith("template/backends/django.py")
    )
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    print(f"\n=== {path}  ({len(response.content):,} bytes)")
    print(
        f"cold {cold:.1f} ms; warm median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms over "
        f"{repeat}; per request {clock.count / repeat:.0f} queries, {clock.seconds * 1000 / repeat:.1f} ms in SQL; "
        f"under cProfile, template rendering {render * 1000 / repeat:.1f} ms of {total * 1000 / repeat:.1f} ms"
    )
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        stats.stream = out  # type: ignore[attr-defined]
        stats.sort_stats(order).print_stats(top)
        print(f"--- by {order} ({repeat} requests)")
        print(out.getvalue().split("\n\n", 1)[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database with generated data (manage.py generate_data).")
    setup()
    from django.test import Client

    client = Client()
    for path in args.paths or ["/claims/?status=contested", busiest_place()]:
        profile(client, path, args.repeat, args.top)


if __name__ == "__main__":
    main()
