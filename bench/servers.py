"""The servers measured, one at a time: Fogwatch and the floor under gunicorn, Datasette over its
SQLite copy; each started in its own session on a free loopback port and stopped by its process group.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, database_name, django_env, fetch, run_streamed, say, stage
from bench.datasette_copy import copy_claims
from bench.intake import measure_intake
from bench.measure import bench_token, measure, measure_writes, record_rss
from bench.results import FLAT_FIELDS, FLAT_PATH, LIST_PATH, Endpoint, Run

# The first page of each list compared across servers, by the key of the API's endpoint.
Firsts = dict[str, list[dict[str, Any]]]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


INTAKE_READS = 30


def serve_fogwatch(run: Run, logdir: Path, writes: int) -> Firsts:
    """Fogwatch's endpoints, the writes, the workers' memory; returns the first page of the contested
    list and of its flat shape, to hold the floor and Datasette to."""
    static_root = logdir / "static"
    env = django_env(run.database_url, static_root)
    with stage("collectstatic (temporary STATIC_ROOT)"):
        run_streamed([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    port = free_port()
    firsts: Firsts = {}
    with stage(f"gunicorn ({run.workers} sync workers) on 127.0.0.1:{port}"):
        server = Server("fogwatch", gunicorn_command("config.wsgi:application", port, run.workers), env, port, logdir)
        server.start("/api/v1/")
    with server:
        for endpoint in run.endpoints:
            with stage(f"wrk {endpoint.name}"):
                measure(endpoint, port, run, expect_json=endpoint.path.startswith("/api/"))
            if endpoint.key in ("list", "list_flat") and endpoint.first_status == 200:
                status, body, _ = fetch(port, endpoint.path)
                firsts[endpoint.key] = json.loads(body)["results"]
        with stage(f"{writes} API writes (POST a denial, then DELETE it), each with its recompute"):
            try:
                measure_writes(run, port, bench_token(env), writes)
            except (RuntimeError, OSError) as error:
                run.errors.append(f"writes: {error}")
                say(f"    ERROR {error}")
        with stage("intake: read a 1,000-word article through POST /api/v1/intake/"):
            try:
                measure_intake(run, port, bench_token(env), INTAKE_READS)
            except (RuntimeError, OSError) as error:
                run.errors.append(f"intake: {error}")
                say(f"    ERROR {error}")
        record_rss(run, server, "Fogwatch")
        if server.process and server.process.poll() is not None:
            run.errors.append(f"gunicorn exited during the run; log:\n{server.tail()}")
    return firsts


def serve_floor(run: Run, logdir: Path, firsts: Firsts) -> list[Endpoint]:
    """The floor's contested list, whole and flat; each page must be the API's (the flat one field for
    field, the whole one by its ids: its links name another port)."""
    endpoints = [
        Endpoint("floor", "Floor: WSGI + psycopg2", LIST_PATH, None),
        Endpoint("floor_flat", "Floor, flat fields", FLAT_PATH, None),
    ]
    env = django_env(run.database_url)
    env["FLOOR_DATABASE_URL"] = run.database_url
    port = free_port()
    with stage(f"floor: gunicorn bench.floor:app ({run.workers} sync workers) on 127.0.0.1:{port}"):
        server = Server("floor", gunicorn_command("bench.floor:app", port, run.workers), env, port, logdir).start()
    with server:
        for endpoint, api in zip(endpoints, ("list", "list_flat"), strict=True):
            with stage(f"wrk {endpoint.name}"):
                measure(endpoint, port, run, expect_json=True)
            if endpoint.first_status == 200 and firsts.get(api):
                rows = json.loads(fetch(port, endpoint.path)[1])["results"]
                same = rows == firsts[api] if api == "list_flat" else _ids(rows) == _ids(firsts[api])
                if not same:
                    endpoint.error = f"the floor's first page differs from the API's ({endpoint.path})"
        record_rss(run, server, "floor")
    return endpoints


def _ids(rows: list[dict[str, Any]]) -> list[int]:
    return [row["id"] for row in rows]


def serve_datasette(run: Run, logdir: Path, cache_dir: Path, firsts: Firsts) -> list[Endpoint]:
    """Datasette's contested list (the claims table alone, 50 a page, newest ``claimed_on`` first), and
    its flat shape with the API's flat columns (``_col=``): not counted (``_shape=array``, which skips
    Datasette's count) and counted (its default shape, which counts on every request: Datasette keeps
    no count of a filtered table; facets and suggestions off)."""
    name = database_name(run.database_url)
    db_file = cache_dir / f"{name}.db"
    stamp_file = cache_dir / f"{name}.json"
    stamp = json.dumps({"claims": run.claims, "seed": run.seed, "generated_at": str(run.dataset.get("generated_at"))})
    table = f"/{name}/claims_claim.json?status=contested&_sort_desc=claimed_on&_size=50"
    columns = "".join(f"&_col={column}" for column in FLAT_FIELDS if column != "id")  # the key always comes
    endpoints = [
        Endpoint("datasette", "Datasette over SQLite", f"{table}&_shape=array", None),
        Endpoint("datasette_flat", "Datasette, flat columns, not counted", f"{table}{columns}&_shape=array", None),
        Endpoint(
            "datasette_flat_counted",
            "Datasette, flat columns, counted",
            f"{table}{columns}&_shape=objects&_nofacet=1&_nosuggest=1",
            None,
        ),
    ]
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
    with server:
        for endpoint in endpoints:
            with stage(f"wrk {endpoint.name}"):
                measure(endpoint, port, run, expect_json=True)
            api = "list" if endpoint.key == "datasette" else "list_flat"
            if endpoint.first_status == 200 and firsts.get(api):
                body = json.loads(fetch(port, endpoint.path)[1])
                rows = body["rows"] if isinstance(body, dict) else body
                if _ids(rows) != _ids(firsts[api]):
                    run.notes.append(
                        f"{endpoint.name}: the first page orders ties on claimed_on differently from the API's"
                    )
                counted = isinstance(body, dict) and isinstance(body.get("filtered_table_rows_count"), int)
                if endpoint.key == "datasette_flat_counted" and not counted:
                    endpoint.error = "Datasette did not count (no filtered_table_rows_count)"
    return endpoints
