"""Run ``wrk`` against one URL and read requests/s, p50, p99 and the errors from its report."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass
class WrkResult:
    url: str
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float | None = None
    p90_ms: float | None = None
    p99_ms: float | None = None
    non_2xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)
    raw: str = ""

    @property
    def timeouts(self) -> int:
        return self.socket_errors.get("timeout", 0)


def parse_duration(value: str | float | int) -> float:
    """Seconds from a wrk-style duration: ``10``, ``10s``, ``500ms``, ``1m``."""
    text = str(value).strip().lower()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h)?", text)
    if not match:
        raise ValueError(f"not a duration: {value!r} (use e.g. 10, 10s, 1m)")
    number, unit = float(match.group(1)), match.group(2) or "s"
    return number * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]


def _ms(number: str, unit: str) -> float:
    return float(number) * UNITS[unit]


def parse(output: str, url: str = "") -> WrkResult:
    """The figures of a ``wrk --latency`` report."""
    result = WrkResult(url=url, raw=output)
    latency: dict[str, float] = {}
    for pct, number, unit in re.findall(r"^\s*(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M):
        latency[pct] = _ms(number, unit)
    result.p50_ms, result.p90_ms, result.p99_ms = latency.get("50"), latency.get("90"), latency.get("99")
    done = re.search(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", output, re.M)
    if done:
        result.requests = int(done.group(1))
        result.seconds = _ms(done.group(2), done.group(3)) / 1000
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if rps:
        result.rps = float(rps.group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result.non_2xx = int(non_2xx.group(1)) if non_2xx else 0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if errors:
        result.socket_errors = dict(
            zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True)
        )
    return result


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run(url: str, *, seconds: float, connections: int = 8, threads: int = 2, timeout_s: float = 60.0) -> WrkResult:
    """``wrk -t2 -c8 -d<seconds> --latency`` on ``url``; the process is bounded by the duration."""
    binary = wrk_path()
    if binary is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
    command = [
        binary,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={max(1, round(timeout_s))}s",
        "--latency",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + timeout_s + 30, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return parse(done.stdout, url)
