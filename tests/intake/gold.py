"""The reader against articles annotated by hand, scored as shared/tools/intake_score.py scores the intake.

``python -m tests.intake.gold [FILE ...] [--verbose]`` prints the figures per article and in all (dev.json and
own.json by default). No database: each article's actors and places get local ids.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from intake.reader import Entity, Gazetteer, read

DATA = Path(__file__).parent / "data"


@dataclass
class Score:
    gold: int = 0
    drafts: int = 0
    matched: int = 0
    rel_gold: int = 0
    rel_found: int = 0
    count_gold: int = 0
    count_right: int = 0
    ms: float = 0.0

    def add(self, other: Score) -> None:
        for name in ("gold", "drafts", "matched", "rel_gold", "rel_found", "count_gold", "count_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    # The four figures (relations and counts are 1.0 where the articles have none to find).
    precision = property(lambda self: self.matched / self.drafts if self.drafts else 0.0)
    recall = property(lambda self: self.matched / self.gold if self.gold else 0.0)
    relations = property(lambda self: self.rel_found / self.rel_gold if self.rel_gold else 1.0)
    counts = property(lambda self: self.count_right / self.count_gold if self.count_gold else 1.0)

    def line(self) -> str:
        return (
            f"precision {self.precision:.2f}, recall {self.recall:.2f} ({self.matched}/{self.gold}), "
            f"relations found {self.rel_found}/{self.rel_gold}, counts right {self.count_right}/{self.count_gold}"
        )


def articles(name: str) -> list[dict]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))["articles"]


def _entities(kind: str, rows: list[dict], ids: dict[str, int]) -> list[Entity]:
    return [
        Entity(
            kind, ids[r["slug"]], r["slug"], r["name"], tuple(r.get("aliases", ())), ids.get(r.get("parent")), r["kind"]
        )
        for r in rows
    ]


def gazetteer_for(article: dict) -> tuple[Gazetteer, dict[str, int], dict[str, int]]:
    """The article's actors and places with local ids (actors from 1, places from 1001)."""
    actor_ids = {a["slug"]: n for n, a in enumerate(article["actors"], start=1)}
    place_ids = {p["slug"]: n for n, p in enumerate(article["locations"], start=1001)}
    entities = _entities("actor", article["actors"], actor_ids) + _entities("location", article["locations"], place_ids)
    return Gazetteer(entities), actor_ids, place_ids


def score_article(article: dict, verbose: bool = False) -> Score:
    gazetteer, actor_ids, place_ids = gazetteer_for(article)
    started = time.perf_counter()
    reading = read(
        article["text"],
        gazetteer=gazetteer,
        published_at=date.fromisoformat(article["published_at"][:10]),
        language=article.get("language") or None,
    )
    score = Score(ms=(time.perf_counter() - started) * 1000)
    drafts, gold = reading.drafts, article["claims"]
    match: dict[str, int] = {}
    used: set[int] = set()
    for claim in gold:
        claimant = actor_ids[claim["claimant"]]
        who = {claimant} | ({actor_ids[claim["spokesperson"]]} if claim.get("spokesperson") else set())
        for pos, draft in enumerate(drafts):
            if pos in used or draft.kind != claim["kind"]:
                continue
            if draft.claimant not in who and draft.spokesperson not in who - {claimant}:
                continue
            if claim.get("location") and draft.location != place_ids[claim["location"]]:
                continue
            match[claim["id"]] = pos
            used.add(pos)
            break
    for claim in gold:
        for stance in ("denies", "supports"):
            for target in claim.get(stance, []):
                score.rel_gold += 1
                if claim["id"] in match and target in match:
                    links = drafts[match[claim["id"]]].responds_to
                    index = drafts[match[target]].index
                    score.rel_found += any(link["draft"] == index and link["stance"] == stance for link in links)
        if "count_min" in claim:
            score.count_gold += 1
            if claim["id"] in match:
                draft = drafts[match[claim["id"]]]
                score.count_right += (draft.count_min, draft.count_max) == (claim["count_min"], claim.get("count_max"))
    score.gold, score.drafts, score.matched = len(gold), len(drafts), len(match)
    if verbose:
        _explain(article, reading, match, used, actor_ids, place_ids)
    return score


def _explain(article, reading, match, used, actor_ids, place_ids) -> None:
    actors = {v: k for k, v in actor_ids.items()}
    places = {v: k for k, v in place_ids.items()}
    for claim in article["claims"]:
        state = f"draft {match[claim['id']]}" if claim["id"] in match else "MISSED"
        print(
            f"    gold {claim['id']:<18} {claim['kind']:<10} {claim['claimant']:<22} "
            f"{claim.get('location') or '':<14} {state}"
        )
    for draft in reading.drafts:
        mark = " " if draft.index in used else "+"
        print(
            f"  {mark} draft {draft.index}: {draft.kind:<10} {actors.get(draft.claimant)!s:<20} "
            f"sp={actors.get(draft.spokesperson)!s:<18} at {places.get(draft.location)!s:<12} "
            f"n={draft.count_min}-{draft.count_max} {draft.event_start} resp={draft.responds_to} "
            f"else={draft.targets_elsewhere} | {draft.quote!r} | {draft.summary}"
        )
    print("    unknown:", [(u.text, u.guess) for u in reading.unknown])


def score_file(name: str, verbose: bool = False) -> tuple[Score, list[tuple[str, Score]]]:
    total, rows = Score(), []
    for article in articles(name):
        score = score_article(article, verbose)
        rows.append((article["key"], score))
        total.add(score)
    return total, rows


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv
    names = [a for a in argv if not a.startswith("--")] or ["dev.json", "own.json"]
    for name in names:
        total, rows = score_file(name, verbose)
        for key, score in rows:
            print(
                f"  {key}: {score.matched}/{score.gold} claims found, {score.drafts} drafts, "
                f"relations {score.rel_found}/{score.rel_gold}, counts {score.count_right}/{score.count_gold}, "
                f"{score.ms:.0f} ms"
            )
        print(f"{name}: {total.line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
