"""The measurements: wrk on one URL (after a first GET that must answer 200), the timed API writes,
the full ``recompute_flags`` and the workers' peak RSS.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import psycopg2

from bench import wrk
from bench.common import ROOT, django_env, fetch, run_streamed, say, stage
from bench.results import Endpoint, Run

if TYPE_CHECKING:
    from bench.servers import Server


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


def vm_status(pid: int) -> dict[str, float]:
    """VmHWM (peak RSS) and VmRSS of a process, in MB."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0]) / 1024
    return values


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


def record_rss(run: Run, server: Server, label: str) -> None:
    peaks = {}
    for pid in server.workers():
        try:
            peaks[pid] = vm_status(pid)["VmHWM"]
        except (OSError, KeyError):
            continue
    run.rss_mb[label] = peaks
    say(f"    peak RSS per {label} worker: " + ", ".join(f"{mb:.0f} MB (pid {pid})" for pid, mb in peaks.items()))


def recompute(run: Run) -> None:
    with stage("manage.py recompute_flags (every claim)"):
        started = time.monotonic()
        try:
            run_streamed([sys.executable, "manage.py", "recompute_flags"], django_env(run.database_url))
            run.recompute_s = time.monotonic() - started
        except RuntimeError as error:
            run.errors.append(f"recompute_flags: {error}")
