"""The benchmark's PostgreSQL database: generated (or reused when it already holds the same dataset),
counted, and the benchmarked URLs with their parameters picked from it.
"""

from __future__ import annotations

import hashlib
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg2

from bench.common import ROOT, database_name, django_env, run_streamed, say, stage
from bench.results import (
    FLAT_PATH,
    LIST_PATH,
    P99_AS_OF_TARGET_MS,
    P99_MAP_TARGET_MS,
    P99_SEARCH_TARGET_MS,
    Endpoint,
    Run,
)

# Issue 13: a two-word search with a status filter. Both words are in every generated dataset
# (devdata/generate.py: "<claimant> claims casualties near <place>.", claimants "Bloc N coalition"):
# about one claim in ten has both, so at 1,000,000 claims it is a broad search (claims.search.RANK_LIMIT).
SEARCH_WORDS = "coalition casualties"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fogwatch_bench"

GENERATOR_FILES = ("devdata/generate.py", "devdata/management/commands/generate_data.py")


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def generator_digest() -> str:
    digest = hashlib.sha256()
    for name in GENERATOR_FILES:
        path = ROOT / name
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


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
        # The map's scope: a conflict (the first entered), or the province when the data has none
        # (generated data names no conflict).
        cursor.execute("SELECT slug FROM claims_conflict ORDER BY id LIMIT 1")
        row = cursor.fetchone()
        picks["map_scope"] = f"conflict={row[0]}" if row else f"location={picks['province']}"
    pg.close()
    return picks


def endpoints_for(picks: dict[str, Any]) -> list[Endpoint]:
    return [
        Endpoint("list", "API list, contested", LIST_PATH),
        Endpoint("list_flat", "API list, contested, flat fields", FLAT_PATH),
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
        Endpoint(
            "search",
            "API search, two words, contested",
            f"/api/v1/claims/?q={SEARCH_WORDS.replace(' ', '+')}&status=contested",
            p99_target_ms=P99_SEARCH_TARGET_MS,
        ),
        Endpoint("html_list", "HTML claim list, contested", "/claims/?status=contested"),
        Endpoint("html_location", "HTML location page", f"/locations/{picks['location_slug']}/"),
        # The lists of issue 13: the first page of each tree (the country or the blocs on it: the
        # subtree counts of most claims), and a search.
        Endpoint("html_places", "HTML places list", "/locations/"),
        Endpoint("html_places_q", "HTML places list, searched", "/locations/?q=district+1"),
        Endpoint("html_actors", "HTML actors list", "/actors/"),
        Endpoint("html_actors_q", "HTML actors list, searched", "/actors/?q=group+1"),
        Endpoint(
            "map_data",
            "Map data, one conflict (or province)",
            f"/map/data.json?{picks['map_scope']}",
            p99_target_ms=P99_MAP_TARGET_MS,
        ),
    ]
