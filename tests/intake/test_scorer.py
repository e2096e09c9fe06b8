"""The intake scored the way the project's scorer scores it, through the API, on the annotated
articles kept under tests/intake/data/ (the three dev articles, and articles written for Fogwatch):
the issue's targets are the floor. ``python -m pytest tests/intake/test_scorer.py -s`` prints the
figures.

A draft matches a gold claim when the kind is the same, the draft's claimant is the claim's claimant
(or its spokesperson), and the place is the same when the claim names one; each matches once. A
denial or support is found when the responding draft lists the target's draft in ``responds_to``
with that stance; counts are right when a matched draft has the claim's count_min and count_max."""

import json
from pathlib import Path

import pytest

from actors.models import Actor
from actors.services import actor_create, actor_update
from locations.models import Location
from locations.services import location_create, location_update
from sources.models import Source
from sources.services import source_create

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent / "data"
TARGETS = {"precision": 0.8, "recall": 0.85, "relations": 0.7, "counts": 0.8}


def articles(name: str) -> list[dict]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))["articles"]


def ensure(article: dict) -> tuple[dict[str, int], dict[str, int], int]:
    """The article's actors, places and source, as the scorer makes sure of them: found by slug, or else
    by name (their missing aliases added), made when absent. The database keeps what earlier articles brought."""
    actors: dict[str, int] = {}
    for spec in article["actors"]:
        found = (
            Actor.objects.filter(slug=spec["slug"]).first() or Actor.objects.filter(name__iexact=spec["name"]).first()
        )
        if found is None:
            parent = {"parent": Actor.objects.get(pk=actors[spec["parent"]])} if spec.get("parent") else {}
            found = actor_create(
                name=spec["name"],
                slug=spec["slug"],
                kind=spec.get("kind", "other"),
                aliases=spec.get("aliases", []),
                **parent,
            )
        elif set(spec.get("aliases", [])) - set(found.aliases):
            found = actor_update(
                actor=found, aliases=[*found.aliases, *(a for a in spec["aliases"] if a not in found.aliases)]
            )
        actors[spec["slug"]] = found.pk
    places: dict[str, int] = {}
    for spec in article["locations"]:
        found = (
            Location.objects.filter(slug=spec["slug"]).first()
            or Location.objects.filter(name__iexact=spec["name"]).first()
        )
        if found is None:
            parent = {"parent": Location.objects.get(pk=places[spec["parent"]])} if spec.get("parent") else {}
            point = {"latitude": spec["lat"], "longitude": spec["lon"]} if "lat" in spec else {}
            found = location_create(
                name=spec["name"],
                slug=spec["slug"],
                kind=spec.get("kind", "other"),
                aliases=spec.get("aliases", []),
                **parent,
                **point,
            )
        elif set(spec.get("aliases", [])) - set(found.aliases):
            found = location_update(
                location=found, aliases=[*found.aliases, *(a for a in spec["aliases"] if a not in found.aliases)]
            )
        places[spec["slug"]] = found.pk
    source = article["source"]
    made = (
        Source.objects.filter(slug=source["slug"]).first() or Source.objects.filter(name__iexact=source["name"]).first()
    ) or source_create(
        name=source["name"],
        slug=source["slug"],
        kind=source.get("kind", "other"),
        reliability=source.get("reliability", "F"),
    )
    return actors, places, made.pk


def score(api, article: dict) -> dict[str, int]:
    actor_ids, place_ids, source_id = ensure(article)
    response = api.post(
        "/api/v1/intake/",
        {
            "text": article["text"],
            "title": article["title"],
            "source": source_id,
            "published_at": article["published_at"],
            "language": article.get("language", ""),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    drafts = response.json()["drafts"]
    ref = lambda value: value.get("id") if isinstance(value, dict) else None  # noqa: E731
    match: dict[str, int] = {}
    used: set[int] = set()
    for claim in article["claims"]:
        who = {actor_ids[claim["claimant"]]}
        if claim.get("spokesperson"):
            who.add(actor_ids[claim["spokesperson"]])
        for pos, draft in enumerate(drafts):
            if pos in used or draft["kind"] != claim["kind"]:
                continue
            if ref(draft["claimant"]) not in who and ref(draft["spokesperson"]) not in who - {
                actor_ids[claim["claimant"]]
            }:
                continue
            if claim.get("location") and ref(draft["location"]) != place_ids[claim["location"]]:
                continue
            match[claim["id"]] = pos
            used.add(pos)
            break
    rel_gold = rel_found = count_gold = count_right = 0
    for claim in article["claims"]:
        for stance in ("denies", "supports"):
            for target in claim.get(stance, []):
                rel_gold += 1
                if claim["id"] not in match or target not in match:
                    continue
                index = drafts[match[target]]["index"]
                links = drafts[match[claim["id"]]]["responds_to"]
                if any(
                    link.get("draft") == index
                    and (link["stance"] == stance or (stance == "denies" and link["stance"] == "contradicts"))
                    for link in links
                ):
                    rel_found += 1
        if "count_min" in claim:
            count_gold += 1
            if claim["id"] in match:
                draft = drafts[match[claim["id"]]]
                count_right += draft["count_min"] == claim["count_min"] and draft["count_max"] == claim.get("count_max")
    return {
        "gold": len(article["claims"]),
        "drafts": len(drafts),
        "matched": len(match),
        "rel_gold": rel_gold,
        "rel_found": rel_found,
        "count_gold": count_gold,
        "count_right": count_right,
    }


def figures(totals: list[dict[str, int]]) -> dict[str, float]:
    add = lambda key: sum(t[key] for t in totals)  # noqa: E731
    return {
        "precision": add("matched") / add("drafts") if add("drafts") else 0.0,
        "recall": add("matched") / add("gold"),
        "relations": add("rel_found") / add("rel_gold") if add("rel_gold") else 1.0,
        "counts": add("count_right") / add("count_gold") if add("count_gold") else 1.0,
    }


def test_the_intake_meets_its_targets_on_annotated_articles(editor_api, panjshir):
    """As the project's scorer runs: one database (the Panjshir example already in it) that keeps what
    each article brings, so the later articles are read among the earlier ones' actors and places."""
    failures = []
    for name in ("dev.json", "own.json"):
        result = figures([score(editor_api, article) for article in articles(name)])
        print(f"\nintake on {name}: " + ", ".join(f"{k} {v:.2f}" for k, v in result.items()))
        failures += [
            f"{key} {result[key]:.2f} < {floor} on {name}" for key, floor in TARGETS.items() if result[key] < floor
        ]
    assert not failures, failures
