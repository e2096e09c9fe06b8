"""How long the reader takes on a 1,000-word article with a gazetteer of about 5,000 entities.

``python -m tests.intake.timing`` prints the first read (spaCy objects built for the gazetteer), then the
median and the worst of the next reads, which is what a running server sees with its cached Gazetteer.
It is a measuring tool, not a test: speed is measured (here and in ``make bench``), never asserted.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date

from intake.reader import Entity, Gazetteer, read
from tests.intake.gold import articles, gazetteer_for

SYLLABLES = ("ka", "ri", "mo", "ta", "sha", "lu", "ne", "vo", "di", "ar")
SYLLABLES += ("za", "ko", "be", "in", "ul", "ha", "mi", "sa", "to", "ye")
KINDS = ("armed_group", "government", "militia", "person", "political", "media")
PLACES = ("town", "village", "district", "province", "valley", "facility")


def big_gazetteer(size: int = 5000) -> Gazetteer:
    """The dev articles' own entities and enough made-up ones (with aliases and parents) to reach ``size``."""
    rng = random.Random(7)
    entities: list[Entity] = []
    for number, article in enumerate(articles("dev.json") + articles("own.json")):
        gazetteer, _, _ = gazetteer_for(article)
        for entity in gazetteer.entities.values():
            offset = 100_000 * (number + 1)
            parent = entity.parent_id + offset if entity.parent_id else None
            entities.append(
                Entity(
                    entity.kind, entity.id + offset, entity.slug, entity.name, entity.aliases, parent, entity.category
                )
            )
    while len(entities) < size:
        kind = "actor" if len(entities) % 2 else "location"
        words = [("".join(rng.sample(SYLLABLES, rng.randint(2, 3)))).title() for _ in range(rng.randint(1, 3))]
        name = " ".join(words)
        aliases = (words[-1], name.upper()[:4]) if rng.random() < 0.5 else ()
        category = rng.choice(KINDS if kind == "actor" else PLACES)
        entities.append(Entity(kind, len(entities) + 1, name.lower().replace(" ", "-"), name, aliases, None, category))
    return Gazetteer(entities)


def article_of(words: int = 1000) -> str:
    texts = [a["text"] for a in articles("dev.json") + articles("own.json")]
    out: list[str] = []
    for paragraph in "\n\n".join(texts).split("\n\n"):
        out.append(paragraph)
        if sum(len(p.split()) for p in out) >= words:
            break
    return "\n\n".join(out)


def measure(runs: int = 15) -> dict[str, float]:
    gazetteer, text = big_gazetteer(), article_of()
    started = time.perf_counter()
    read(text, gazetteer=gazetteer, published_at=date(2023, 1, 13), language="en")
    first = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        read(text, gazetteer=gazetteer, published_at=date(2023, 1, 13))  # language detected too
        times.append((time.perf_counter() - started) * 1000)
    return {
        "words": len(text.split()),
        "entities": len(gazetteer),
        "first_ms": first,
        "median_ms": statistics.median(times),
        "worst_ms": max(times),
    }


def main() -> int:
    figures = measure()
    print(
        f"{figures['words']} words, {figures['entities']} entities: first read {figures['first_ms']:.0f} ms, "
        f"then median {figures['median_ms']:.0f} ms, worst {figures['worst_ms']:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
