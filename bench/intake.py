"""The intake's speed: reading a 1,000-word article into drafts (same_as included) on the benchmark
database, through ``POST /api/v1/intake/``, ``count`` times; each intake is discarded afterwards."""

from __future__ import annotations

import json
import random

import psycopg2

from bench.common import fetch, say
from bench.measure import percentile, snippet
from bench.results import Run

WORDS = 1000
SENTENCES = (
    "{spokesman}, a spokesman for {group}, said on Thursday that its fighters had captured {place} after heavy "
    "fighting.",
    "{group2} denied the claim and said it still controls {place}, according to a statement.",
    "At least {n} fighters were killed near {place2}, {group} said, a figure that could not be verified.",
    "{group2} said its forces shelled positions of {group} around {place2} and destroyed two vehicles.",
    "Local officials said {group} fighters advanced towards {place} last week.",
    "Residents described long queues for bread and fuel as prices rose across the region.",
    "Aid agencies warned that roads into the area remained closed for a third day.",
)


def article(database_url: str, seed: int) -> str:
    """About 1,000 words of news prose naming the database's own actors and places."""
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT name FROM actors_actor WHERE kind <> 'person' ORDER BY id LIMIT 40")
        groups = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT name FROM actors_actor WHERE kind = 'person' ORDER BY id LIMIT 20")
        people = [row[0] for row in cursor.fetchall()] or groups
        cursor.execute("SELECT name FROM locations_location WHERE kind IN ('town', 'village', 'district') LIMIT 60")
        places = [row[0] for row in cursor.fetchall()]
    rng = random.Random(seed)
    words: list[str] = []
    paragraphs: list[str] = []
    while len(words) < WORDS:
        sentence = rng.choice(SENTENCES).format(
            spokesman=rng.choice(people),
            group=rng.choice(groups),
            group2=rng.choice(groups),
            place=rng.choice(places),
            place2=rng.choice(places),
            n=rng.randint(3, 40),
        )
        words += sentence.split()
        paragraphs.append(sentence)
    return "\n\n".join(" ".join(paragraphs[i : i + 3]) for i in range(0, len(paragraphs), 3))


def measure_intake(run: Run, port: int, token: str, count: int) -> None:
    text = article(run.database_url, run.seed)
    headers = {"Authorization": f"Token {token}"}
    times, drafts = [], []
    for _ in range(count):
        body = {"text": text, "published_at": "2024-05-10", "language": "en"}
        status, answer, elapsed = fetch(port, "/api/v1/intake/", method="POST", body=body, headers=headers, timeout=120)
        if status != 201:
            raise RuntimeError(f"POST /api/v1/intake/ answered {status}: {snippet(answer)}")
        read = json.loads(answer)
        times.append(elapsed)
        drafts.append(len(read["drafts"]))
        fetch(port, f"/api/v1/intake/{read['id']}/discard/", method="POST", body={}, headers=headers)
    run.intake = {
        "count": len(times),
        "words": len(text.split()),
        "drafts": drafts[0] if drafts else 0,
        "p50": percentile(times, 50),
        "p90": percentile(times, 90),
        "first": times[0] if times else float("nan"),
    }
    say(
        f"    read a {run.intake['words']}-word article {count} times: p50 {run.intake['p50']:.0f} ms, "
        f"p90 {run.intake['p90']:.0f} ms (first {run.intake['first']:.0f} ms), {run.intake['drafts']} drafts"
    )
