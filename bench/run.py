"""``make bench``: issue 7's benchmark, end to end, written to docs/benchmarks.md.

1. A dedicated PostgreSQL database (``--database-url``, default ``BENCH_DATABASE_URL`` or
   ``postgres://postgres@127.0.0.1:5432/fogwatch_bench``; its name must contain "bench", since it
   is dropped and re-created): migrated, then ``generate_data --claims N --seed S`` unless it
   already holds exactly that dataset (``--regenerate`` to force it).
2. A full ``recompute_flags`` (wall time).
3. Fogwatch under gunicorn (2 sync workers, DEBUG off, static files collected) on a free loopback
   port; every benchmarked URL is fetched once (it must answer 200), then ``wrk -t2 -c8 --latency``
   for the duration (no non-2xx allowed); then 200 API writes (a denial between claims of different
   blocs, POSTed then DELETEd, each with its recompute) and the peak RSS of each worker.
4. The same first query served by the floor (``bench/floor.py`` under the same gunicorn) and by
   Datasette over a SQLite copy of the claims table; the ratios.
5. The results as Markdown (``--output``, default docs/benchmarks.md) and on stdout.

Exit status 0 when every measurement succeeded (targets missed or not); 1 when one failed.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import platform
import random
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg2

from bench import wrk
from bench.datasette_copy import copy_claims

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fogwatch_bench"
SECRET_KEY = "fogwatch-bench-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
GENERATOR_FILES = ("devdata/generate.py", "devdata/management/commands/generate_data.py")

# Targets at 1,000,000 claims (issue 7).
P99_TARGET_MS = 100.0
P99_AS_OF_TARGET_MS = 300.0
RECOMPUTE_TARGET_S = 60.0
WRITE_P50_TARGET_MS = 30.0
RSS_TARGET_MB = 200.0
FLOOR_RATIO_TARGET = 0.5
DATASETTE_RATIO_TARGET = 1.0
TARGET_CLAIMS = 1_000_000


# -- output ------------------------------------------------------------------------------------


def say(message: str = "") -> None:
    print(message, flush=True)


@contextmanager
def stage(name: str):
    say(f"==> {name}")
    started = time.monotonic()
    try:
        yield
    except BaseException:
        say(f"<== {name}: failed after {time.monotonic() - started:.1f}s")
        raise
    say(f"<== {name}: {time.monotonic() - started:.1f}s")


# -- results -----------------------------------------------------------------------------------


@dataclass
class Endpoint:
    key: str
    name: str
    path: str
    p99_target_ms: float | None = P99_TARGET_MS
    first_status: int | None = None
    first_ms: float | None = None
    first_bytes: int | None = None
    result: wrk.WrkResult | None = None
    error: str | None = None
    too_slow: bool = False  # answered 200, but no request finished within wrk's run

    @property
    def ok(self) -> bool:
        r = self.result
        return self.error is None and not self.too_slow and r is not None and r.requests > 0 and r.p99_ms is not None

    @property
    def measured(self) -> bool:
        """Measured, or measured as too slow for the duration (a missed target, not a failed run)."""
        return self.ok or (self.error is None and self.too_slow)


@dataclass
class Run:
    claims: int
    seed: int
    duration_s: float
    connections: int
    threads: int
    workers: int
    database_url: str
    command: str
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    machine: dict[str, str] = field(default_factory=dict)
    dataset: dict[str, Any] = field(default_factory=dict)
    picks: dict[str, Any] = field(default_factory=dict)
    endpoints: list[Endpoint] = field(default_factory=list)
    references: list[Endpoint] = field(default_factory=list)
    recompute_s: float | None = None
    writes: dict[str, Any] = field(default_factory=dict)
    rss_mb: dict[str, dict[int, float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# -- helpers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(
    port: int,
    path: str,
    *,
    method: str = "GET",
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 300.0,
) -> tuple[int, bytes, float]:
    """One request on 127.0.0.1 (no redirect followed): status, body, milliseconds."""
    data = json.dumps(body).encode() if body is not None else None
    all_headers = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    if data is not None:
        all_headers["Content-Type"] = "application/json"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        started = time.perf_counter()
        connection.request(method, path, body=data, headers=all_headers)
        response = connection.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        return response.status, payload, elapsed
    finally:
        connection.close()


def snippet(body: bytes, limit: int = 200) -> str:
    """The start of a response body on one line, safe in a Markdown table."""
    text = " ".join(body[:2000].decode(errors="replace").split()).replace("|", "\\|")
    return text if len(text) <= limit else text[:limit] + "…"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def generator_digest() -> str:
    digest = hashlib.sha256()
    for name in GENERATOR_FILES:
        path = ROOT / name
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


def run_streamed(command: list[str], env: dict[str, str], *, timeout: float | None = None) -> None:
    """Run a command, its output indented under the current stage; fail on a non-zero exit."""
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    deadline = time.monotonic() + timeout if timeout else None
    assert process.stdout is not None
    for line in process.stdout:
        say(f"    {line.rstrip()}")
        if deadline and time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"timed out: {shlex.join(command)}")
    if process.wait() != 0:
        raise RuntimeError(f"failed ({process.returncode}): {shlex.join(command)}")


def vm_status(pid: int) -> dict[str, float]:
    """VmHWM (peak RSS) and VmRSS of a process, in MB."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0]) / 1024
    return values


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


class Server:
    """A process started for the benchmark (own session), stopped by its own process group."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], port: int, logdir: Path):
        self.name, self.command, self.env, self.port = name, command, env, port
        self.log = logdir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self, ready_path: str = "/", timeout: float = 60.0) -> Server:
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.process.returncode}); log:\n{self.tail()}")
            try:
                fetch(self.port, ready_path, timeout=5)
                return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer on 127.0.0.1:{self.port} within {timeout:.0f}s")

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text().splitlines()[-lines:])
        except OSError:
            return ""

    def workers(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        pgid = self.process.pid  # its own session: the group id is its pid
        try:
            os.killpg(pgid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.process.wait(timeout=5)
        except ProcessLookupError:
            pass

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# -- the stages --------------------------------------------------------------------------------


def django_env(database_url: str, static_root: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_REPLICA_URL")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONUNBUFFERED="1",
    )
    if static_root is not None:
        env["BENCH_STATIC_ROOT"] = str(static_root)
    return env


def machine_info(database_url: str) -> dict[str, str]:
    info: dict[str, str] = {}
    info["CPUs (nproc)"] = str(len(os.sched_getaffinity(0)))
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["CPU model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["Memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    info["OS"] = f"{platform.system()} {platform.release()}"
    with suppress(OSError):
        info["Load average at the start (1, 5, 15 min)"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    with psycopg2.connect(database_url) as pg, pg.cursor() as cursor:
        cursor.execute("SHOW server_version")
        info["PostgreSQL"] = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        info["PostgreSQL"] += f" (shared_buffers {cursor.fetchone()[0]})"
    pg.close()
    info["Python"] = platform.python_version()
    versions = []
    for package in ("Django", "djangorestframework", "gunicorn", "psycopg2-binary", "datasette"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    info["Packages"] = ", ".join(versions)
    binary = wrk.wrk_path()
    if binary:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
        info["wrk"] = (out.stdout or out.stderr).splitlines()[0].split(" [")[0] if (out.stdout or out.stderr) else "?"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        info["Commit"] = commit + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        pass
    return info


def dataset_stamp(url: str) -> dict[str, Any] | None:
    try:
        pg = psycopg2.connect(url)
    except psycopg2.OperationalError:
        return None
    try:
        with pg.cursor() as cursor:
            cursor.execute(
                "SELECT to_regclass('bench_dataset') IS NOT NULL AND to_regclass('claims_claim') IS NOT NULL"
            )
            if not cursor.fetchone()[0]:
                return None
            cursor.execute("SELECT claims, seed, generator, seconds, generated_at FROM bench_dataset")
            row = cursor.fetchone()
            if row is None:
                return None
            cursor.execute("SELECT count(*) FROM claims_claim")
            count = cursor.fetchone()[0]
        return {
            "claims": row[0],
            "seed": row[1],
            "generator": row[2],
            "seconds": row[3],
            "generated_at": row[4],
            "count": count,
        }
    finally:
        pg.close()


def prepare_database(run: Run, *, regenerate: bool, allow_any: bool) -> None:
    url, name = run.database_url, database_name(run.database_url)
    if not name or ("bench" not in name and not allow_any):
        raise SystemExit(f"The benchmark drops and re-creates its database: {name!r} must contain 'bench'.")
    env = django_env(url)
    digest = generator_digest()
    stamp = None if regenerate else dataset_stamp(url)
    reuse = (
        stamp is not None
        and stamp["claims"] == run.claims
        and stamp["seed"] == run.seed
        and stamp["generator"] == digest
        and stamp["count"] == run.claims
    )
    if reuse:
        say(f"    {name} already holds the {run.claims} claims of seed {run.seed} (--regenerate to redo them)")
        with stage("migrate"):
            run_streamed([sys.executable, "manage.py", "migrate", "--noinput"], env)
        run.dataset = {"reused": True, "seconds": stamp["seconds"], "generated_at": stamp["generated_at"]}
        return
    with stage(f"reset database {name}"):
        admin = psycopg2.connect(with_database(url, "postgres"))
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
    with stage("migrate"):
        run_streamed([sys.executable, "manage.py", "migrate", "--noinput"], env)
    with stage(f"generate_data --claims {run.claims} --seed {run.seed}"):
        started = time.monotonic()
        command = [sys.executable, "manage.py", "generate_data", "--claims", str(run.claims), "--seed", str(run.seed)]
        run_streamed(command, env)
        seconds = time.monotonic() - started
    with stage("vacuum analyze"):
        pg = psycopg2.connect(url)
        pg.autocommit = True
        with pg.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
            cursor.execute(
                "CREATE TABLE bench_dataset (claims integer, seed integer, generator text, seconds double precision,"
                " generated_at timestamptz DEFAULT now())"
            )
            cursor.execute(
                "INSERT INTO bench_dataset (claims, seed, generator, seconds) VALUES (%s, %s, %s, %s)",
                (run.claims, run.seed, digest, seconds),
            )
        pg.close()
    say(f"    generated {run.claims} claims in {seconds:.1f}s")
    run.dataset = {"reused": False, "seconds": seconds, "generated_at": datetime.now(UTC)}


def dataset_counts(url: str) -> dict[str, int]:
    counts = {}
    with psycopg2.connect(url) as pg, pg.cursor() as cursor:
        for label, sql in (
            ("claims", "SELECT count(*) FROM claims_claim"),
            ("contested claims", "SELECT count(*) FROM claims_claim WHERE status = 'contested'"),
            ("citations", "SELECT count(*) FROM claims_citation"),
            ("editor relations", "SELECT count(*) FROM claims_relation WHERE origin = 'editor'"),
            ("automatic relations", "SELECT count(*) FROM claims_relation WHERE origin = 'auto'"),
            ("reports", "SELECT count(*) FROM sources_report"),
            ("actors", "SELECT count(*) FROM actors_actor"),
            ("locations", "SELECT count(*) FROM locations_location"),
        ):
            cursor.execute(sql)
            counts[label] = cursor.fetchone()[0]
    pg.close()
    return counts


def pick(url: str, as_of: str | None) -> dict[str, Any]:
    """The parameters of the benchmarked URLs, chosen from the data (deterministic for a dataset)."""
    picks: dict[str, Any] = {}
    with psycopg2.connect(url) as pg, pg.cursor() as cursor:
        cursor.execute("SELECT slug FROM actors_actor WHERE parent_id IS NULL AND is_party ORDER BY id LIMIT 1")
        row = cursor.fetchone() or (None,)
        if row[0] is None:
            cursor.execute("SELECT slug FROM actors_actor WHERE parent_id IS NULL ORDER BY id LIMIT 1")
            row = cursor.fetchone()
        picks["bloc"] = row[0]
        cursor.execute("SELECT slug FROM locations_location WHERE kind = 'province' ORDER BY id LIMIT 1")
        row = cursor.fetchone()
        if row is None:
            cursor.execute("SELECT slug FROM locations_location ORDER BY id LIMIT 1")
            row = cursor.fetchone()
        picks["province"] = row[0]
        cursor.execute("SELECT min(claimed_on), max(claimed_on) FROM claims_claim")
        first, last = cursor.fetchone()
        picks["claimed_after"] = max(first, last - timedelta(days=365)).isoformat()
        picks["as_of"] = as_of or (first + (last - first) / 2).isoformat()
        # The claim a reader opens first: the newest contested one.
        cursor.execute(
            "SELECT id FROM claims_claim WHERE status = 'contested' ORDER BY claimed_on DESC, id DESC LIMIT 1"
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute("SELECT id FROM claims_claim ORDER BY claimed_on DESC, id DESC LIMIT 1")
            row = cursor.fetchone()
        picks["claim"] = row[0]
        # The place with the most control claims (the heaviest timeline).
        cursor.execute(
            "SELECT c.location_id, l.slug, count(*) FROM claims_claim c JOIN locations_location l"
            " ON l.id = c.location_id WHERE c.kind = 'control' GROUP BY c.location_id, l.slug"
            " ORDER BY count(*) DESC, c.location_id LIMIT 1"
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute("SELECT id, slug, 0 FROM locations_location ORDER BY id LIMIT 1")
            row = cursor.fetchone()
        picks["location_id"], picks["location_slug"], picks["location_control_claims"] = row
    pg.close()
    return picks


def endpoints_for(picks: dict[str, Any]) -> list[Endpoint]:
    return [
        Endpoint("list", "API list, contested", "/api/v1/claims/?status=contested&page_size=50"),
        Endpoint(
            "filtered",
            "API list, bloc + province + date",
            f"/api/v1/claims/?claimant={picks['bloc']}&location={picks['province']}"
            f"&claimed_after={picks['claimed_after']}",
        ),
        Endpoint("detail", "API claim", f"/api/v1/claims/{picks['claim']}/"),
        Endpoint("control", "API control timeline", f"/api/v1/locations/{picks['location_id']}/control/"),
        Endpoint(
            "as_of",
            "API list as of a date, contested",
            f"/api/v1/claims/?as_of={picks['as_of']}&status=contested",
            p99_target_ms=P99_AS_OF_TARGET_MS,
        ),
        Endpoint("html_list", "HTML claim list, contested", "/claims/?status=contested"),
        Endpoint("html_location", "HTML location page", f"/locations/{picks['location_slug']}/"),
    ]


def measure(endpoint: Endpoint, port: int, run: Run, *, expect_json: bool = False) -> None:
    say(f"    {endpoint.name}: GET {endpoint.path}")
    try:
        status, body, elapsed = fetch(port, endpoint.path)
    except OSError as error:
        endpoint.error = f"GET failed: {error}"
        say(f"      ERROR {endpoint.error}")
        return
    endpoint.first_status, endpoint.first_ms, endpoint.first_bytes = status, elapsed, len(body)
    if status != 200:
        endpoint.error = f"GET answered {status}: {snippet(body)}"
        say(f"      ERROR {endpoint.error}")
        return
    if expect_json:
        try:
            json.loads(body)
        except ValueError:
            endpoint.error = "GET answered 200 but not JSON"
            say(f"      ERROR {endpoint.error}")
            return
    # Warm both workers (bounded: a few requests, a few seconds).
    warm_until = time.monotonic() + 5
    for _ in range(4):
        if time.monotonic() > warm_until:
            break
        fetch(port, endpoint.path)
    say(f"      200 in {elapsed:.0f} ms ({len(body)} bytes); wrk {run.duration_s:g}s at {run.connections} connections")
    try:
        result = wrk.run(
            f"http://127.0.0.1:{port}{endpoint.path}",
            seconds=run.duration_s,
            connections=run.connections,
            threads=run.threads,
        )
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        endpoint.error = str(error)
        say(f"      ERROR {endpoint.error}")
        return
    endpoint.result = result
    if result.non_2xx:
        endpoint.error = f"wrk saw {result.non_2xx} non-2xx/3xx responses"
    elif result.requests == 0 or result.p99_ms is None:
        endpoint.too_slow = True
        run.notes.append(
            f"{endpoint.name}: no request finished within the {run.duration_s:g} s wrk run (wrk counts only "
            f"finished requests); one request alone took {elapsed:.0f} ms"
        )
        say(f"      no request finished within {run.duration_s:g}s (one alone took {elapsed:.0f} ms)")
        return
    elif result.timeouts:
        endpoint.error = f"{result.timeouts} requests timed out"
    if endpoint.error:
        say(f"      ERROR {endpoint.error}")
    else:
        say(f"      {result.rps:.1f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms")
    errors = {k: v for k, v in result.socket_errors.items() if v and k != "timeout"}
    if errors:
        run.notes.append(f"{endpoint.name}: wrk socket errors {errors} (connections closed by the server)")


def bench_token(env: dict[str, str]) -> str:
    code = (
        "from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group; "
        "from rest_framework.authtoken.models import Token; "
        "u, _ = get_user_model().objects.get_or_create(username='bench-editor', defaults={'is_staff': True}); "
        "u.groups.add(Group.objects.get(name='editors')); "
        "print('TOKEN=' + Token.objects.get_or_create(user=u)[0].key)"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    for line in out.stdout.splitlines():
        if line.startswith("TOKEN="):
            return line.removeprefix("TOKEN=")
    raise RuntimeError(f"could not make the bench user's token: {out.stderr.strip()[-500:]}")


def write_pairs(url: str, count: int, seed: int) -> list[tuple[int, int]]:
    """``count`` (claim, target) pairs of claims of different blocs with no relation between them."""
    with psycopg2.connect(url) as pg, pg.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM claims_claim")
        top = cursor.fetchone()[0] or 0
        step = max(1, top // (count * 8))
        cursor.execute(
            "SELECT c.id, a.bloc_id FROM claims_claim c JOIN actors_actor a ON a.id = c.claimant_id"
            " WHERE c.id %% %s = 0 ORDER BY c.id",
            (step,),
        )
        claims = cursor.fetchall()
        cursor.execute(
            "SELECT claim_id, target_id FROM claims_relation WHERE claim_id = ANY(%s) OR target_id = ANY(%s)",
            ([c for c, _ in claims], [c for c, _ in claims]),
        )
        related = {frozenset(row) for row in cursor.fetchall()}
    pg.close()
    rng = random.Random(seed)
    rng.shuffle(claims)
    pairs, used = [], set()
    for (a, bloc_a), (b, bloc_b) in zip(claims, claims[1:], strict=False):
        if len(pairs) == count:
            break
        if bloc_a == bloc_b or a in used or b in used or frozenset((a, b)) in related:
            continue
        used.update((a, b))
        pairs.append((a, b))
    return pairs


def measure_writes(run: Run, port: int, token: str, count: int) -> None:
    pairs = write_pairs(run.database_url, count, run.seed)
    if len(pairs) < count:
        run.notes.append(f"writes: only {len(pairs)} claim pairs of different blocs were available")
    headers = {"Authorization": f"Token {token}"}
    posts, deletes = [], []
    for claim, target in pairs:
        status, body, elapsed = fetch(
            port,
            "/api/v1/relations/",
            method="POST",
            body={"claim": claim, "target": target, "stance": "denies"},
            headers=headers,
            timeout=120,
        )
        if status != 201:
            raise RuntimeError(f"POST /api/v1/relations/ answered {status}: {snippet(body)}")
        posts.append(elapsed)
        relation = json.loads(body)["id"]
        status, body, elapsed = fetch(port, f"/api/v1/relations/{relation}/", method="DELETE", headers=headers)
        if status != 204:
            raise RuntimeError(f"DELETE /api/v1/relations/{relation}/ answered {status}: {snippet(body)}")
        deletes.append(elapsed)
    run.writes = {
        "count": len(posts),
        "post_p50": percentile(posts, 50),
        "post_p90": percentile(posts, 90),
        "post_max": max(posts) if posts else float("nan"),
        "delete_p50": percentile(deletes, 50),
        "delete_p90": percentile(deletes, 90),
    }
    say(
        f"    {len(posts)} writes: POST p50 {run.writes['post_p50']:.1f} ms, p90 {run.writes['post_p90']:.1f} ms;"
        f" DELETE p50 {run.writes['delete_p50']:.1f} ms"
    )


def gunicorn_command(app: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "--graceful-timeout",
        "5",
    ]


def record_rss(run: Run, server: Server, label: str) -> None:
    peaks = {}
    for pid in server.workers():
        try:
            peaks[pid] = vm_status(pid)["VmHWM"]
        except (OSError, KeyError):
            continue
    run.rss_mb[label] = peaks
    say(f"    peak RSS per {label} worker: " + ", ".join(f"{mb:.0f} MB (pid {pid})" for pid, mb in peaks.items()))


def serve_fogwatch(run: Run, logdir: Path, writes: int) -> list[int]:
    """Fogwatch's endpoints, the writes, the workers' memory; returns the first page's claim ids."""
    static_root = logdir / "static"
    env = django_env(run.database_url, static_root)
    with stage("collectstatic (temporary STATIC_ROOT)"):
        run_streamed([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    port = free_port()
    first_ids: list[int] = []
    with stage(f"gunicorn ({run.workers} sync workers) on 127.0.0.1:{port}"):
        server = Server("fogwatch", gunicorn_command("config.wsgi:application", port, run.workers), env, port, logdir)
        server.start("/api/v1/")
    with server:
        for endpoint in run.endpoints:
            with stage(f"wrk {endpoint.name}"):
                measure(endpoint, port, run, expect_json=endpoint.path.startswith("/api/"))
            if endpoint.key == "list" and endpoint.first_status == 200:
                status, body, _ = fetch(port, endpoint.path)
                first_ids = [row["id"] for row in json.loads(body)["results"]]
        with stage(f"{writes} API writes (POST a denial, then DELETE it), each with its recompute"):
            try:
                measure_writes(run, port, bench_token(env), writes)
            except (RuntimeError, OSError) as error:
                run.errors.append(f"writes: {error}")
                say(f"    ERROR {error}")
        record_rss(run, server, "Fogwatch")
        if server.process and server.process.poll() is not None:
            run.errors.append(f"gunicorn exited during the run; log:\n{server.tail()}")
    return first_ids


def serve_floor(run: Run, logdir: Path, first_ids: list[int]) -> Endpoint:
    endpoint = Endpoint("floor", "Floor: WSGI + psycopg2", "/api/v1/claims/?status=contested&page_size=50", None)
    env = django_env(run.database_url)
    env["FLOOR_DATABASE_URL"] = run.database_url
    port = free_port()
    with stage(f"floor: gunicorn bench.floor:app ({run.workers} sync workers) on 127.0.0.1:{port}"):
        server = Server("floor", gunicorn_command("bench.floor:app", port, run.workers), env, port, logdir).start()
    with server, stage("wrk floor"):
        measure(endpoint, port, run, expect_json=True)
        if endpoint.first_status == 200 and first_ids:
            ids = [row["id"] for row in json.loads(fetch(port, endpoint.path)[1])["results"]]
            if ids != first_ids:
                endpoint.error = "the floor's first page differs from the API's"
        record_rss(run, server, "floor")
    return endpoint


def serve_datasette(run: Run, logdir: Path, cache_dir: Path, first_ids: list[int]) -> Endpoint:
    name = database_name(run.database_url)
    db_file = cache_dir / f"{name}.db"
    stamp_file = cache_dir / f"{name}.json"
    stamp = json.dumps({"claims": run.claims, "seed": run.seed, "generated_at": str(run.dataset.get("generated_at"))})
    endpoint = Endpoint(
        "datasette",
        "Datasette over SQLite",
        f"/{name}/claims_claim.json?status=contested&_sort_desc=claimed_on&_shape=array&_size=50",
        None,
    )
    if db_file.exists() and stamp_file.exists() and stamp_file.read_text() == stamp:
        say(f"    reusing the SQLite copy {db_file.relative_to(ROOT) if db_file.is_relative_to(ROOT) else db_file}")
    else:
        with stage(f"copy claims_claim to SQLite ({db_file})"):
            stamp_file.unlink(missing_ok=True)
            shown = {"tenth": 0}

            def progress(done: int, total: int) -> None:
                tenth = done * 10 // total if total else 10
                if tenth > shown["tenth"]:
                    shown["tenth"] = tenth
                    say(f"    {done}/{total} rows")

            rows = copy_claims(run.database_url, db_file, progress=progress)
            stamp_file.write_text(stamp)
            say(f"    {rows} rows")
    port = free_port()
    command = [sys.executable, "-m", "datasette", "serve", "-i", str(db_file), "-h", "127.0.0.1", "-p", str(port)]
    with stage(f"datasette serve on 127.0.0.1:{port}"):
        server = Server("datasette", command, dict(os.environ), port, logdir).start("/-/versions.json")
    with server, stage("wrk datasette"):
        measure(endpoint, port, run, expect_json=True)
        if endpoint.first_status == 200 and first_ids:
            ids = [row["id"] for row in json.loads(fetch(port, endpoint.path)[1])]
            if ids != first_ids:
                run.notes.append("Datasette's first page orders ties on claimed_on differently from the API's")
    return endpoint


def recompute(run: Run) -> None:
    with stage("manage.py recompute_flags (every claim)"):
        started = time.monotonic()
        try:
            run_streamed([sys.executable, "manage.py", "recompute_flags"], django_env(run.database_url))
            run.recompute_s = time.monotonic() - started
        except RuntimeError as error:
            run.errors.append(f"recompute_flags: {error}")


# -- the report --------------------------------------------------------------------------------


def verdict_max(value: float | None, target: float, unit: str) -> str:
    if value is None or value != value:
        return "not measured"
    if value <= target:
        return f"met ({target - value:.{0 if unit != 's' else 1}f} {unit} to spare)"
    return f"**missed** by {value - target:.{0 if unit != 's' else 1}f} {unit} ({value / target:.1f}× the target)"


def verdict_min(value: float | None, target: float, strict: bool = False) -> str:
    if value is None or value != value:
        return "not measured"
    ok = value > target if strict else value >= target
    if ok:
        return f"met ({value / target:.2f}× the target)"
    return f"**missed**: {value:.2f} against {'>' if strict else '≥'} {target:.2f} ({value / target:.0%} of it)"


def ms(value: float | None) -> str:
    return "–" if value is None or value != value else (f"{value:.1f}" if value < 100 else f"{value:.0f}")


def rps_of(endpoint: Endpoint | None) -> float | None:
    return endpoint.result.rps if endpoint and endpoint.ok and endpoint.result else None


def report(run: Run) -> str:
    lines: list[str] = []
    add = lines.append
    by_key = {e.key: e for e in run.endpoints + run.references}
    add("# Benchmarks")
    add("")
    add(
        f"Written by `make bench` (`bench/run.py`) on {run.started:%Y-%m-%d %H:%M} UTC, "
        f"with **{run.claims:,} claims**. "
        "The targets are issue 7's, set for 1,000,000 claims on a 2-core machine"
        + ("; this run has fewer claims, so its verdicts are indicative only." if run.claims < TARGET_CLAIMS else ".")
    )
    add("")
    add("## Machine")
    add("")
    add("| | |")
    add("| --- | --- |")
    for key, value in run.machine.items():
        add(f"| {key} | {value} |")
    add("")
    add("## Commands")
    add("")
    add("```sh")
    add(run.command)
    add("```")
    add("")
    add(
        f"On `{database_name(run.database_url)}` (PostgreSQL, dropped and re-created when the dataset changes): "
        f"`manage.py migrate`, `manage.py generate_data --claims {run.claims} --seed {run.seed}`, "
        "`manage.py recompute_flags`; then `gunicorn config.wsgi:application --workers "
        f"{run.workers} --worker-class sync --timeout 120` (DJANGO_DEBUG off, a fixed secret key, no "
        "REDIS_URL: cache in process memory, static files collected) on a free 127.0.0.1 port, each URL "
        "fetched once (it must answer 200) and then "
        f"`wrk -t{run.threads} -c{run.connections} -d{run.duration_s:g}s --latency` on it (no non-2xx "
        "allowed); the floor (`bench/floor.py`) under the same gunicorn; Datasette "
        "(`datasette serve -i`) over a SQLite copy of `claims_claim` (`bench/datasette_copy.py`, index on "
        "`(status, claimed_on)`). One server at a time, so none competes with another for the 2 cores; wrk "
        "runs on the same machine. The first GET of a URL runs with an empty cache; under wrk a list's count and "
        "the as-of evaluation come from the cache kept under the data version (`core/versions.py`, correct "
        "because PostgreSQL changes the version with every write), while the page's rows are read and "
        "serialised on every request. The floor counts on every request."
    )
    add("")
    add("## Dataset")
    add("")
    counts = run.dataset.get("counts", {})
    add(", ".join(f"{value:,} {label}" for label, value in counts.items()) + ".")
    seconds = run.dataset.get("seconds")
    if seconds is not None:
        how = "reused from an earlier run, which generated it" if run.dataset.get("reused") else "generated"
        add(f"Seed {run.seed}; {how} in {seconds:.1f} s (`generate_data`, flags and automatic relations included).")
    add("")
    add(
        f"Parameters picked from the data: bloc `{run.picks.get('bloc')}`, province `{run.picks.get('province')}`, "
        f"`claimed_after` {run.picks.get('claimed_after')} (a year before the newest claim), `as_of` "
        f"{run.picks.get('as_of')} (half-way through the data), claim {run.picks.get('claim')} (the newest "
        f"contested), location {run.picks.get('location_id')} `{run.picks.get('location_slug')}` (the most "
        f"control claims: {run.picks.get('location_control_claims')})."
    )
    add("")
    add(f"## Endpoints (wrk, {run.connections} connections, {run.duration_s:g} s each)")
    add("")
    add("| endpoint | URL | req/s | p50 ms | p99 ms | first GET ms | p99 target | result |")
    add("| --- | --- | ---: | ---: | ---: | ---: | --- | --- |")
    for endpoint in run.endpoints:
        add(endpoint_row(endpoint))
    add("")
    add("## The first query: API, floor, Datasette")
    add("")
    add("| server | URL | req/s | p50 ms | p99 ms | first GET ms | bytes |")
    add("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for key in ("list", "floor", "datasette"):
        endpoint = by_key.get(key)
        if endpoint is None:
            continue
        r = endpoint.result if endpoint.ok else None
        add(
            f"| {endpoint.name} | `{endpoint.path}` | {f'{r.rps:.1f}' if r else 'ERROR'} | {ms(r and r.p50_ms)} | "
            f"{ms(r and r.p99_ms)} | {ms(endpoint.first_ms)} | {endpoint.first_bytes or '–'} |"
        )
    add("")
    api, floor, ds = rps_of(by_key.get("list")), rps_of(by_key.get("floor")), rps_of(by_key.get("datasette"))
    floor_ratio = api / floor if api and floor else None
    ds_ratio = api / ds if api and ds else None
    add("| ratio (req/s) | value | target | result |")
    add("| --- | ---: | --- | --- |")
    add(
        f"| API / floor | {f'{floor_ratio:.2f}' if floor_ratio else '–'} | ≥ {FLOOR_RATIO_TARGET:.2f} | "
        f"{verdict_min(floor_ratio, FLOOR_RATIO_TARGET)} |"
    )
    add(
        f"| API / Datasette | {f'{ds_ratio:.2f}' if ds_ratio else '–'} | > {DATASETTE_RATIO_TARGET:.2f} (ahead) | "
        f"{verdict_min(ds_ratio, DATASETTE_RATIO_TARGET, strict=True)} |"
    )
    add("")
    add(
        "The floor answers the same query with the same envelope and the same fields per claim (nested "
        "claimant, spokesperson, subject, location, citations with report and source, relations made and "
        "received), in two SQL statements and no framework. Datasette serves the claims table alone (no "
        "nested rows), from SQLite, in one process."
    )
    add("")
    add("## Writes, recompute, memory")
    add("")
    add("| measure | value | target | result |")
    add("| --- | ---: | --- | --- |")
    add(
        f"| full `recompute_flags` ({run.claims:,} claims), wall time | "
        f"{'–' if run.recompute_s is None else f'{run.recompute_s:.1f} s'} | ≤ {RECOMPUTE_TARGET_S:.0f} s | "
        f"{verdict_max(run.recompute_s, RECOMPUTE_TARGET_S, 's')} |"
    )
    w = run.writes
    if w:
        add(
            f"| one API write with its recompute (POST `/api/v1/relations/`, a denial), p50 over {w['count']} | "
            f"{w['post_p50']:.1f} ms (p90 {w['post_p90']:.1f}, max {w['post_max']:.0f}) | "
            f"≤ {WRITE_P50_TARGET_MS:.0f} ms | {verdict_max(w['post_p50'], WRITE_P50_TARGET_MS, 'ms')} |"
        )
        add(f"| its DELETE (recompute included), p50 | {w['delete_p50']:.1f} ms (p90 {w['delete_p90']:.1f}) | – | – |")
    else:
        add(f"| one API write with its recompute, p50 | – | ≤ {WRITE_P50_TARGET_MS:.0f} ms | not measured |")
    peaks = run.rss_mb.get("Fogwatch", {})
    if peaks:
        worst = max(peaks.values())
        each = ", ".join(f"{mb:.0f}" for mb in peaks.values())
        add(
            f"| peak RSS per gunicorn worker (VmHWM after the load) | {worst:.0f} MB (workers: {each}) | "
            f"≤ {RSS_TARGET_MB:.0f} MB | {verdict_max(worst, RSS_TARGET_MB, 'MB')} |"
        )
    floor_peaks = run.rss_mb.get("floor", {})
    if floor_peaks:
        add(f"| floor: peak RSS per worker | {max(floor_peaks.values()):.0f} MB | – | – |")
    add("")
    if run.errors or any(e.error for e in run.endpoints + run.references) or run.notes:
        add("## Errors and notes")
        add("")
        for endpoint in run.endpoints + run.references:
            if endpoint.error:
                add(f"- **{endpoint.name}** (`{endpoint.path}`): {endpoint.error}")
        for error in run.errors:
            add(f"- **error**: {error}")
        for note in run.notes:
            add(f"- {note}")
        add("")
    return "\n".join(lines)


def endpoint_row(endpoint: Endpoint) -> str:
    r = endpoint.result
    target = endpoint.p99_target_ms
    if endpoint.ok and r is not None:
        result = verdict_max(r.p99_ms, target, "ms") if target else "–"
        figures = f"{r.rps:.1f} | {ms(r.p50_ms)} | {ms(r.p99_ms)}"
    elif endpoint.too_slow:
        result = f"**missed**: no request finished within the {r.seconds if r else 0:g} s run"
        figures = "0 | – | –"
    else:
        result = f"ERROR: {endpoint.error}"
        figures = "– | – | –"
    return (
        f"| {endpoint.name} | `{endpoint.path}` | {figures} | {ms(endpoint.first_ms)} | "
        f"{f'≤ {target:.0f} ms' if target else '–'} | {result} |"
    )


def table(run: Run) -> str:
    """The stdout summary: one line per figure."""
    rows = [f"{'endpoint':36} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9}  result"]
    for endpoint in run.endpoints + run.references:
        r = endpoint.result
        if endpoint.ok and r is not None:
            target = endpoint.p99_target_ms
            result = verdict_max(r.p99_ms, target, "ms").replace("**", "") if target else "reference"
            rows.append(f"{endpoint.name:36} {r.rps:9.1f} {ms(r.p50_ms):>9} {ms(r.p99_ms):>9}  {result}")
        elif endpoint.too_slow:
            rows.append(f"{endpoint.name:36} {0:9.1f} {'–':>9} {'–':>9}  missed: no request finished in the run")
        else:
            rows.append(f"{endpoint.name:36} {'ERROR':>9} {'':9} {'':9}  {endpoint.error}")
    by_key = {e.key: e for e in run.endpoints + run.references}
    api, floor, ds = rps_of(by_key.get("list")), rps_of(by_key.get("floor")), rps_of(by_key.get("datasette"))
    if api and floor:
        rows.append(f"API/floor {api / floor:.2f} (target ≥ {FLOOR_RATIO_TARGET})")
    if api and ds:
        rows.append(f"API/Datasette {api / ds:.2f} (target > {DATASETTE_RATIO_TARGET})")
    if run.recompute_s is not None:
        rows.append(f"recompute_flags {run.recompute_s:.1f} s (target ≤ {RECOMPUTE_TARGET_S:.0f} s)")
    if run.writes:
        rows.append(
            f"write p50 {run.writes['post_p50']:.1f} ms, p90 {run.writes['post_p90']:.1f} ms "
            f"(target p50 ≤ {WRITE_P50_TARGET_MS:.0f} ms)"
        )
    if run.rss_mb.get("Fogwatch"):
        rows.append(
            f"peak RSS per worker {max(run.rss_mb['Fogwatch'].values()):.0f} MB (target ≤ {RSS_TARGET_MB:.0f} MB)"
        )
    return "\n".join(rows)


# -- main --------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description="Issue 7's benchmark (make bench).")
    parser.add_argument("--claims", type=int, default=TARGET_CLAIMS, help="N, the claims generated (1000000)")
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
    if args.claims < 1:
        parser.error("--claims must be at least 1")
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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    executed = shlex.join([".venv/bin/python", "-m", "bench.run", *(sys.argv[1:] if argv is None else argv)])
    command = f"{args.command}\n# which runs:\n{executed}" if args.command else executed
    if os.environ.get("BENCH_DATABASE_URL"):
        command = f"export BENCH_DATABASE_URL={shlex.quote(os.environ['BENCH_DATABASE_URL'])}\n{command}"
    run = Run(
        claims=args.claims,
        seed=args.seed,
        duration_s=args.duration_s,
        connections=args.connections,
        threads=args.threads,
        workers=args.workers,
        database_url=args.database_url,
        command=command,
    )
    if wrk.wrk_path() is None:
        say("wrk is not installed: apt-get install wrk (make bench installs it)")
        return 1
    started = time.monotonic()
    say(f"Fogwatch benchmark: {args.claims} claims, {args.duration_s:g}s per endpoint, output {args.output}")
    with tempfile.TemporaryDirectory(prefix="fogwatch-bench-") as tmp:
        logdir = Path(tmp)
        with stage("database"):
            prepare_database(run, regenerate=args.regenerate, allow_any=args.allow_any_database)
            run.dataset["counts"] = dataset_counts(args.database_url)
            run.machine = machine_info(args.database_url)
        recompute(run)
        with stage("pick the benchmarked URLs"):
            run.picks = pick(args.database_url, args.as_of)
            run.endpoints = endpoints_for(run.picks)
            for endpoint in run.endpoints:
                say(f"    {endpoint.name}: {endpoint.path}")
        first_ids = serve_fogwatch(run, logdir, args.writes)
        run.references.append(serve_floor(run, logdir, first_ids))
        run.references.append(serve_datasette(run, logdir, args.cache_dir, first_ids))
    text = report(run)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text + "\n")
    say("")
    say(table(run))
    say("")
    failed = run.errors or [e for e in run.endpoints + run.references if not e.measured]
    say(f"Results written to {args.output} ({time.monotonic() - started:.0f}s in all)")
    if failed:
        say(f"FAILED: {len(failed)} measurement(s) did not succeed; see the report's errors.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
