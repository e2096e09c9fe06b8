"""A realistic, deterministic (seeded) dataset for benchmarks and load tests.

Blocs of actors with spokesmen, a location tree four levels deep, graded sources, reports,
claims of every kind with windows, counts and citations, editor relations (denials,
contradictions, supports, and retractions/supersessions within a bloc), verdicts on a few.
Actors and places go through the services (there are few); claims, citations and relations
are inserted in bulk, then automatic relations and flags are derived by the same
recompute every write uses.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction

from actors.models import Actor
from actors.services import actor_create
from claims.models import Citation, Claim, Relation
from claims.services import claims_recompute_all
from locations.models import Location
from locations.services import location_create
from sources.models import Report, Source
from sources.services import source_create

Progress = Callable[[str, int, int], None]
START, END = date(2019, 1, 1), date(2025, 12, 31)
KINDS = [("control", 25), ("casualties", 25), ("attack", 20), ("advance", 10), ("statement", 15), ("other", 5)]
VERDICTS = ["confirmed", "likely", "unproven", "unlikely", "false"]


@dataclass
class GenerateSummary:
    actors: int = 0
    locations: int = 0
    sources: int = 0
    reports: int = 0
    claims: int = 0
    citations: int = 0
    relations: int = 0
    auto_relations: int = 0

    def __str__(self) -> str:
        return ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in self.__dict__.items())


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def _batches(n: int, size: int):
    for start in range(0, n, size):
        yield start, min(size, n - start)


@transaction.atomic
def _world(rng: random.Random, blocs: int) -> tuple[dict[int, list[Actor]], list[Actor], list[Location], list[Source]]:
    members: dict[int, list[Actor]] = {}
    people: list[Actor] = []
    for b in range(blocs):
        root = actor_create(name=f"Bloc {b} coalition", kind="coalition", is_party=True)
        groups = [root]
        for g in range(rng.randint(2, 4)):
            group = actor_create(name=f"Bloc {b} group {g}", kind="armed_group", parent=root, is_party=True)
            groups.append(group)
            for p in range(2):
                people.append(actor_create(name=f"Bloc {b} group {g} spokesman {p}", kind="person", parent=group))
        members[root.pk] = groups
    country = location_create(name="Generated country", kind="country", latitude=34.0, longitude=66.0)
    places = [country]
    for p in range(12):
        province = location_create(
            name=f"Province {p}", kind="province", parent=country, latitude=30 + p * 0.8, longitude=62 + p * 0.9
        )
        places.append(province)
        for d in range(8):
            district = location_create(
                name=f"District {p}-{d}",
                kind="district",
                parent=province,
                latitude=province.latitude + d * 0.05,
                longitude=province.longitude + d * 0.05,
            )
            places.append(district)
            for t in range(4):
                places.append(
                    location_create(
                        name=f"Town {p}-{d}-{t}",
                        kind="town",
                        parent=district,
                        latitude=district.latitude + t * 0.01,
                        longitude=district.longitude + t * 0.01,
                    )
                )
    sources = [
        source_create(
            name=f"Outlet {s}",
            kind=rng.choice([k for k, _ in Source.Kind.choices]),
            reliability=rng.choice("ABCDEF"),
        )
        for s in range(40)
    ]
    return members, people, places, sources


def generate(*, claims: int, seed: int = 1, progress: Progress | None = None, batch: int = 5000) -> GenerateSummary:
    """Create ``claims`` claims (and everything around them); the flags are right on return."""
    rng = random.Random(seed)
    say = progress or (lambda _stage, _done, _total: None)
    summary = GenerateSummary()
    blocs = max(4, min(16, claims // 500 or 4))
    members, people, places, sources = _world(rng, blocs)
    bloc_ids = list(members)
    spokesmen: dict[int, list[Actor]] = {}
    for person in people:
        spokesmen.setdefault(person.bloc_id, []).append(person)
    summary.actors = Actor.objects.count()
    summary.locations = len(places)
    summary.sources = len(sources)
    days = (END - START).days

    n_reports = max(1, claims // 3)
    report_ids: list[int] = []
    for start, size in _batches(n_reports, batch):
        rows = []
        for i in range(start, start + size):
            when = START + timedelta(days=rng.randrange(days))
            rows.append(
                Report(
                    source=rng.choice(sources),
                    title=f"Generated report {i}",
                    url=f"https://generated.example/{seed}/{i}",
                    published_at=datetime(when.year, when.month, when.day, 12, tzinfo=UTC),
                    language="en",
                )
            )
        report_ids += [r.pk for r in Report.objects.bulk_create(rows)]
        say("reports", start + size, n_reports)
    summary.reports = n_reports

    claim_ids: list[int] = []
    claim_meta: list[tuple[int, int, str, date]] = []  # (id, bloc, kind, claimed_on)
    for start, size in _batches(claims, batch):
        rows, cites = [], []
        for _ in range(size):
            bloc = rng.choice(bloc_ids)
            claimant = rng.choice(members[bloc])
            kind = _weighted(rng, KINDS)
            claimed_on = START + timedelta(days=rng.randrange(days))
            subject_bloc = rng.choice(bloc_ids)
            subject = rng.choice(members[subject_bloc])
            has_window = kind != "statement" or rng.random() < 0.3
            event_start = claimed_on - timedelta(days=rng.randrange(5)) if has_window else None
            event_end = event_start + timedelta(days=rng.randrange(4)) if event_start and rng.random() < 0.6 else None
            count_min = count_max = None
            if kind in ("casualties", "advance") or rng.random() < 0.1:
                count_min = rng.randrange(0, 60)
                count_max = None if rng.random() < 0.2 else count_min + rng.randrange(0, 30)
            verdict = rng.choice(VERDICTS) if rng.random() < 0.02 else ""
            rows.append(
                Claim(
                    claimant=claimant,
                    spokesperson=rng.choice(spokesmen[bloc]) if spokesmen.get(bloc) and rng.random() < 0.5 else None,
                    claimed_on=claimed_on,
                    kind=kind,
                    summary=f"{claimant.name} claims {kind} near {rng.choice(places).name}.",
                    quote="" if rng.random() < 0.7 else f"Quoted statement {rng.randrange(10**6)}",
                    language="en",
                    subject=subject if kind in ("control", "casualties", "attack", "advance") else None,
                    location=rng.choice(places),
                    event_start=event_start,
                    event_end=event_end,
                    date_precision=rng.choice(["day", "day", "day", "week", "approximate"]),
                    count_min=count_min,
                    count_max=count_max,
                    verdict=verdict,
                    verdict_on=claimed_on + timedelta(days=rng.randrange(1, 30)) if verdict else None,
                )
            )
        created = Claim.objects.bulk_create(rows)
        for claim in created:
            claim_ids.append(claim.pk)
            claim_meta.append((claim.pk, claim.claimant.bloc_id, claim.kind, claim.claimed_on))
            for report_id in rng.sample(report_ids, k=min(len(report_ids), rng.choice((1, 1, 1, 2)))):
                cites.append(Citation(claim_id=claim.pk, report_id=report_id))
        Citation.objects.bulk_create(cites)
        summary.citations += len(cites)
        say("claims", start + size, claims)
    summary.claims = claims

    # Editor relations: ~0.3 per claim. A response answers a claim made shortly before it (as real
    # denials and confirmations do), mostly from another bloc; some retract or supersede a claim of
    # the responder's own bloc.
    n_relations = int(claims * 0.3)
    seen: set[tuple[int, int, str]] = set()
    rows = []
    by_date = sorted(claim_meta, key=lambda m: (m[3], m[0]))
    by_bloc_date: dict[int, list[tuple[int, int, str, date]]] = {}
    for meta in by_date:
        by_bloc_date.setdefault(meta[1], []).append(meta)
    window = 60  # how many earlier claims (by date) a response looks back over
    attempts = 0
    while len(seen) < n_relations and attempts < n_relations * 3 and len(by_date) > 1:
        attempts += 1
        roll = rng.random()
        if roll < 0.08:
            bloc = rng.choice(bloc_ids)
            pool = by_bloc_date.get(bloc, [])
            if len(pool) < 2:
                continue
            i = rng.randrange(1, len(pool))
            claim_id, target = pool[i][0], pool[max(0, i - rng.randint(1, 5))][0]
            stance = "retracts" if roll < 0.04 else "supersedes"
        else:
            i = rng.randrange(1, len(by_date))
            claim_id = by_date[i][0]
            target = by_date[max(0, i - rng.randint(1, window))][0]
            stance = rng.choice(["denies", "denies", "contradicts", "supports", "supports"])
        key = (claim_id, target, stance)
        if target == claim_id or key in seen:
            continue
        seen.add(key)
        rows.append(Relation(claim_id=claim_id, target_id=target, stance=stance, origin=Relation.Origin.EDITOR))
        if len(rows) >= batch:
            Relation.objects.bulk_create(rows)
            rows = []
            say("relations", len(seen), n_relations)
    Relation.objects.bulk_create(rows)
    say("relations", len(seen), n_relations)
    summary.relations = len(seen)

    claims_recompute_all(progress=lambda done, total: say("flags", done, total))
    if connection.vendor == "postgresql":
        # Fresh statistics and visibility map after a bulk load, or the planner guesses and
        # index-only scans still visit the heap.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"  # VACUUM: not in a transaction
        with connection.cursor() as cursor:
            for model in (Claim, Citation, Relation, Report):
                cursor.execute(f"{command} {model._meta.db_table}")
    summary.auto_relations = Relation.objects.filter(origin=Relation.Origin.AUTO).count()
    return summary
