"""The machine a run measured on, for the report: CPU, memory, OS, load, PostgreSQL, packages, wrk, commit."""

from __future__ import annotations

import os
import platform
import subprocess
from contextlib import suppress
from importlib import metadata
from pathlib import Path

import psycopg2

from bench import wrk
from bench.common import ROOT


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
    for package in ("Django", "djangorestframework", "orjson", "gunicorn", "psycopg2-binary", "datasette"):
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
            # The report this run rewrites is not a change to the code measured.
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs/benchmarks.md"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        info["Commit"] = commit + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        pass
    return info
