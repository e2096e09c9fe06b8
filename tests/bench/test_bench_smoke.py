"""``make bench`` end to end on a small dataset (issue 7): every stage runs and every figure is there.

No timing assertions: a CI machine's speed says nothing. The run writes its report to a temporary file,
uses its own database (``fogwatch_bench_smoke``) and free loopback ports. Under CI a missing wrk,
Datasette or PostgreSQL is a failure, never a skip.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from config.testing import PG_HOST, PG_PORT, in_ci, reachable

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = 1500
ENDPOINTS = [
    "API list, contested",
    "API list, contested, flat fields",
    "API list, bloc + province + date",
    "API claim",
    "API control timeline",
    "API list as of a date, contested",
    "HTML claim list, contested",
    "HTML location page",
    "Map data, one conflict (or province)",
]
NUMBER = r"\d+(?:\.\d+)?"


def _require(ok: bool, what: str) -> None:
    if ok:
        return
    if in_ci():
        pytest.fail(f"CI: {what} (the benchmark smoke test needs it)")
    pytest.skip(what)


def _database_url() -> str:
    """The smoke test's own database, on the server the tests use."""
    base = os.environ.get("DATABASE_URL") or f"postgres://postgres@{PG_HOST}:{PG_PORT}/fogwatch"
    return urlunsplit(urlsplit(base)._replace(path="/fogwatch_bench_smoke"))


@pytest.mark.timeout(240)
def test_bench_runs_end_to_end_on_a_small_dataset(tmp_path):
    _require(shutil.which("wrk") is not None, "wrk is not installed (apt-get install wrk)")
    _require(_has_datasette(), "datasette is not installed (pip install -e '.[bench]')")
    url = _database_url()
    parts = urlsplit(url)
    _require(reachable(parts.hostname or PG_HOST, parts.port or PG_PORT), "PostgreSQL is not reachable")

    output = tmp_path / "benchmarks.md"
    command = [
        sys.executable,
        "-m",
        "bench.run",
        "--claims",
        str(CLAIMS),
        "--duration",
        "1s",
        "--writes",
        "20",
        "--regenerate",
        "--database-url",
        url,
        "--output",
        str(output),
        "--cache-dir",
        str(tmp_path / "cache"),
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "BENCH_DATABASE_URL")}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=220)
    assert done.returncode == 0, f"bench failed ({done.returncode}):\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}"

    report = output.read_text()
    assert f"**{CLAIMS:,} claims**" in report
    for heading in ("## Machine", "## Commands", "## Dataset", "## Endpoints", "## The first query"):
        assert heading in report
    assert "ERROR" not in report
    references = [
        "Floor: WSGI + psycopg2",
        "Floor, flat fields",
        "Datasette over SQLite",
        "Datasette, flat columns, counted",
        "Datasette, flat columns, not counted",
    ]
    for name in [*ENDPOINTS, *references]:
        rows = [line for line in report.splitlines() if line.startswith(f"| {name} |")]
        assert rows, f"no row for {name}"
        # req/s, p50 and p99 are numbers.
        cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
        assert all(re.fullmatch(NUMBER, cell) for cell in cells[2:5]), rows[0]
    labels = (
        "API / floor",
        "API / Datasette",
        "API flat / floor flat",
        "API flat / Datasette flat, counted",
        "API flat / Datasette flat, not counted",
    )
    for label in labels:
        assert re.search(rf"\| {re.escape(label)} \| {NUMBER} \|", report), label
    assert re.search(rf"recompute_flags` \({CLAIMS:,} claims\), wall time \| {NUMBER} s", report)
    assert re.search(rf"p50 over 20 \| {NUMBER} ms", report)
    assert re.search(rf"peak RSS per gunicorn worker .*\| {NUMBER} MB", report)
    # The same table on stdout.
    # The same ratios on stdout, each with its target or marked as shown for scale.
    for label in labels:
        assert re.search(rf"^{re.escape(label)} {NUMBER} \((target [>≥] [0-9.]+|for scale)\)$", done.stdout, re.M), (
            label
        )


def _has_datasette() -> bool:
    try:
        import datasette  # noqa: F401
    except ImportError:
        return False
    return True


WRK_OUTPUT = """\
Running 2s test @ http://127.0.0.1:8000/api/v1/claims/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   425.12us    1.01ms   1.20s    90.00%
    Req/Sec     1.00k   100.00     1.10k    70.00%
  Latency Distribution
     50%  410.00us
     75%    2.50ms
     90%   12.00ms
     99%    1.20s
  4000 requests in 2.00s, 1.00MB read
  Socket errors: connect 0, read 3, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:   1999.50
Transfer/sec:    512.00KB
"""


def test_wrk_report_is_read_with_its_units():
    from bench import wrk

    result = wrk.parse(WRK_OUTPUT)
    assert result.rps == 1999.5
    assert result.requests == 4000 and result.seconds == 2.0
    assert result.p50_ms == pytest.approx(0.41) and result.p90_ms == 12.0 and result.p99_ms == 1200.0
    assert result.non_2xx == 7 and result.timeouts == 1 and result.socket_errors["read"] == 3
    assert [wrk.parse_duration(v) for v in ("2", "2s", "1m", "500ms")] == [2, 2, 60, 0.5]
