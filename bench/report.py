"""The report: docs/benchmarks.md as Markdown, and the summary table printed on stdout."""

from __future__ import annotations

from bench.common import database_name
from bench.results import (
    INTAKE_P50_TARGET_MS,
    RATIOS,
    RECOMPUTE_TARGET_S,
    RSS_TARGET_MB,
    TARGET_CLAIMS,
    WRITE_P50_TARGET_MS,
    Endpoint,
    Run,
)

# Written by hand, kept when make bench writes the report anew: from this heading to the end.
KEPT_HEADING = "## Where the time goes"


# Written by ``bench/ucdp_import.py`` (``make bench`` runs it after ``bench/run.py``): a section of its own,
# just before the hand-written end, kept when ``bench/run.py`` writes the rest anew.
IMPORT_HEADING = "## Imports at dataset scale"


def kept_sections(previous: str) -> str:
    """The hand-written end of an earlier report (from ``KEPT_HEADING`` on), to append to a new one."""
    at = previous.find("\n" + KEPT_HEADING + "\n")
    return "" if at < 0 else "\n" + previous[at + 1 :].rstrip("\n") + "\n"


def _section_span(document: str, heading: str) -> tuple[int, int] | None:
    """Where the section under ``heading`` (a ``## `` heading) starts and ends (the next ``## `` heading,
    or the end of the document)."""
    text = "\n" + document
    at = text.find("\n" + heading + "\n")
    if at < 0:
        return None
    end = text.find("\n## ", at + 1)
    return at, (len(document) if end < 0 else end)


def import_section(document: str) -> str:
    """The import benchmark's section of a report (from ``IMPORT_HEADING`` to the next ``## `` heading),
    or ``""``."""
    span = _section_span(document, IMPORT_HEADING)
    return "" if span is None else document[span[0] : span[1]].strip("\n") + "\n"


def with_import_section(document: str, section: str) -> str:
    """``document`` with its import section replaced by ``section``; without one, ``section`` inserted
    just before the hand-written ``KEPT_HEADING``, or at the end. An empty ``section`` changes nothing."""
    if not section.strip():
        return document
    block = section.strip("\n") + "\n"
    span = _section_span(document, IMPORT_HEADING)
    if span is None:
        kept = _section_span(document, KEPT_HEADING)
        span = (kept[0], kept[0]) if kept is not None else (len(document), len(document))
    before, after = document[: span[0]].rstrip("\n"), document[span[1] :].lstrip("\n")
    parts = [part for part in (before, block.rstrip("\n"), after.rstrip("\n")) if part]
    return "\n\n".join(parts) + "\n"


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


def target_text(target: float | None, strict: bool) -> str:
    if target is None:
        return "–"
    return f"{'>' if strict else '≥'} {target:.2f}{' (ahead)' if strict else ''}"


def ms(value: float | None) -> str:
    return "–" if value is None or value != value else (f"{value:.1f}" if value < 100 else f"{value:.0f}")


def rps_of(endpoint: Endpoint | None) -> float | None:
    return endpoint.result.rps if endpoint and endpoint.ok and endpoint.result else None


def report(runs: Run | list[Run]) -> str:
    """docs/benchmarks.md: one run as before; several sizes with the ratios side by side, then a part
    per size."""
    runs = [runs] if isinstance(runs, Run) else runs
    first = runs[0]
    lines: list[str] = []
    add = lines.append
    add("# Benchmarks")
    add("")
    sizes = " and ".join(f"**{run.claims:,} claims**" for run in runs)
    add(
        f"Written by `make bench` (`bench/run.py`) on {first.started:%Y-%m-%d %H:%M} UTC, "
        f"with {sizes}. "
        "The targets are issue 7's, set for 1,000,000 claims on a 2-core machine"
        + (
            "; a run with fewer claims has indicative verdicts only."
            if any(run.claims < TARGET_CLAIMS for run in runs)
            else "."
        )
    )
    add("")
    add("## Machine")
    add("")
    add("| | |")
    add("| --- | --- |")
    for key, value in first.machine.items():
        add(f"| {key} | {value} |")
    add("")
    add("## Commands")
    add("")
    add("```sh")
    add(first.command)
    add("```")
    add("")
    add(method(runs[-1], several=len(runs) > 1))  # the largest names the database
    add("")
    if len(runs) == 1:
        lines.extend(size_part(first, "##"))
        return "\n".join(lines)
    add("## Ratios at each size (req/s over req/s)")
    add("")
    add("| ratio | " + " | ".join(f"{run.claims:,} claims" for run in runs) + " | target |")
    add("| --- | " + " | ".join("---:" for _ in runs) + " | --- |")
    for numerator, denominator, label, target, strict, _why in RATIOS:
        values = [ratio(run, numerator, denominator) for run in runs]
        cells = " | ".join(f"{value:.2f}" if value else "–" for value in values)
        add(f"| {label} | {cells} | {target_text(target, strict)} |")
    add("")
    add("## p99 at each size (ms)")
    add("")
    add("| endpoint | " + " | ".join(f"{run.claims:,} claims" for run in runs) + " | p99 target |")
    add("| --- | " + " | ".join("---:" for _ in runs) + " | --- |")
    for endpoint in first.endpoints:
        cells = []
        for run in runs:
            same = next((e for e in run.endpoints if e.key == endpoint.key), None)
            cells.append(ms(same.result.p99_ms) if same and same.ok and same.result else "–")
        target = f"≤ {endpoint.p99_target_ms:.0f} ms" if endpoint.p99_target_ms else "–"
        add(f"| {endpoint.name} | {' | '.join(cells)} | {target} |")
    add("")
    for run in runs:
        add(f"## {run.claims:,} claims")
        add("")
        lines.extend(size_part(run, "###"))
    return "\n".join(lines)


def method(run: Run, *, several: bool) -> str:
    return (
        f"On `{database_name(run.database_url)}` (PostgreSQL, dropped and re-created when the dataset changes"
        + (
            "; with several sizes, each size but the largest in a database of its own, named after the size"
            if several
            else ""
        )
        + f"): `manage.py migrate`, `manage.py generate_data --claims N --seed {run.seed}`, "
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
        "because PostgreSQL changes the version with every write), and so do the HTML claim list's table and "
        "filter form, the place page's timeline and claims, and the results of the lists of places and actors "
        "(rendered HTML, `web/views/fragments.py`), and the control timeline's claims and intervals, while "
        "the API's lists and claims are read and serialised on every request. The floor does the same: it reads "
        "the data "
        "version on every request and counts only when it has changed (a count per version and statuses, in its "
        "worker's memory)."
    )


def ratio(run: Run, numerator: str, denominator: str) -> float | None:
    by_key = {e.key: e for e in run.endpoints + run.references}
    top, bottom = rps_of(by_key.get(numerator)), rps_of(by_key.get(denominator))
    return top / bottom if top and bottom else None


FIRST_QUERY = ("list", "floor", "datasette", "list_flat", "floor_flat", "datasette_flat_counted", "datasette_flat")


def size_part(run: Run, level: str) -> list[str]:
    """The dataset, the endpoints, the first query and its ratios, the writes: headings at ``level``."""
    lines: list[str] = []
    add = lines.append
    by_key = {e.key: e for e in run.endpoints + run.references}
    add(f"{level} Dataset")
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
        f"control claims: {run.picks.get('location_control_claims')}), the map's scope "
        f"`{run.picks.get('map_scope')}` (a conflict, or the province when the data has no conflict)."
    )
    add("")
    add(f"{level} Endpoints (wrk, {run.connections} connections, {run.duration_s:g} s each)")
    add("")
    add("| endpoint | URL | req/s | p50 ms | p99 ms | first GET ms | p99 target | result |")
    add("| --- | --- | ---: | ---: | ---: | ---: | --- | --- |")
    for endpoint in run.endpoints:
        add(endpoint_row(endpoint))
    add("")
    add(f"{level} The first query: API, floor, Datasette")
    add("")
    add("| server | URL | req/s | p50 ms | p99 ms | first GET ms | bytes |")
    add("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for key in FIRST_QUERY:
        endpoint = by_key.get(key)
        if endpoint is None:
            continue
        r = endpoint.result if endpoint.ok else None
        add(
            f"| {endpoint.name} | `{endpoint.path}` | {f'{r.rps:.1f}' if r else 'ERROR'} | {ms(r and r.p50_ms)} | "
            f"{ms(r and r.p99_ms)} | {ms(endpoint.first_ms)} | {endpoint.first_bytes or '–'} |"
        )
    add("")
    add("| ratio (req/s) | value | target | result |")
    add("| --- | ---: | --- | --- |")
    for numerator, denominator, label, target, strict, why in RATIOS:
        value = ratio(run, numerator, denominator)
        verdict = verdict_min(value, target, strict=strict) if target is not None else f"for scale ({why})"
        add(f"| {label} | {f'{value:.2f}' if value else '–'} | {target_text(target, strict)} | {verdict} |")
    add("")
    add(
        "The floor answers the same query with the same envelope and the same fields per claim (nested "
        "claimant, spokesperson, subject, location, citations with report and source, relations made and "
        "received), the page in one SQL statement, the count cached under the data version as the API caches "
        "it, JSON by orjson as the API's, and no framework. Datasette serves the claims table alone (no "
        "nested rows), from SQLite, in one process. The flat rows (`fields=id,status,claimed_on,summary`) "
        "are the same page of four columns from each: the floor's field for field the API's; Datasette's "
        "(`_col=`) once not counted (`_shape=array`, which skips its count) and once counted (its default "
        "shape, which counts the filtered table on every request, facets off), where the API reads its "
        "cached count: the two Datasette rows bound the equal-work ratio from either side."
    )
    add("")
    add(f"{level} Writes, recompute, memory")
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
    i = run.intake
    if i:
        add(
            f"| intake: read a {i['words']}-word article into drafts (`POST /api/v1/intake/`, same_as included), "
            f"p50 over {i['count']} | {i['p50']:.0f} ms (p90 {i['p90']:.0f}, first {i['first']:.0f}; "
            f"{i['drafts']} drafts) | ≤ {INTAKE_P50_TARGET_MS:.0f} ms | "
            f"{verdict_max(i['p50'], INTAKE_P50_TARGET_MS, 'ms')} |"
        )
    else:
        add(f"| intake: read a 1,000-word article, p50 | – | ≤ {INTAKE_P50_TARGET_MS:.0f} ms | not measured |")
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
        add(f"{level} Errors and notes")
        add("")
        for endpoint in run.endpoints + run.references:
            if endpoint.error:
                add(f"- **{endpoint.name}** (`{endpoint.path}`): {endpoint.error}")
        for error in run.errors:
            add(f"- **error**: {error}")
        for note in run.notes:
            add(f"- {note}")
        add("")
    return lines


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
    for numerator, denominator, label, target, strict, _why in RATIOS:
        value = ratio(run, numerator, denominator)
        if value:
            aim = f"target {'>' if strict else '≥'} {target}" if target is not None else "for scale"
            rows.append(f"{label} {value:.2f} ({aim})")
    if run.recompute_s is not None:
        rows.append(f"recompute_flags {run.recompute_s:.1f} s (target ≤ {RECOMPUTE_TARGET_S:.0f} s)")
    if run.writes:
        rows.append(
            f"write p50 {run.writes['post_p50']:.1f} ms, p90 {run.writes['post_p90']:.1f} ms "
            f"(target p50 ≤ {WRITE_P50_TARGET_MS:.0f} ms)"
        )
    if run.intake:
        rows.append(f"intake p50 {run.intake['p50']:.0f} ms (target ≤ {INTAKE_P50_TARGET_MS:.0f} ms)")
    if run.rss_mb.get("Fogwatch"):
        rows.append(
            f"peak RSS per worker {max(run.rss_mb['Fogwatch'].values()):.0f} MB (target ≤ {RSS_TARGET_MB:.0f} MB)"
        )
    return "\n".join(rows)
