"""The issue's targets, measured as shared/tools/intake_score.py measures them, as floors: on the articles
handed over with the issue (dev.json) and on the ones written for the reader (own.json), separately."""

from __future__ import annotations

import pytest

from tests.intake.gold import articles, score_article, score_file

FLOORS = {"precision": 0.8, "recall": 0.85, "relations": 0.7, "counts": 0.8}


@pytest.mark.parametrize("name", ["dev.json", "own.json"])
def test_targets(name):
    total, rows = score_file(name)
    for key, score in rows:
        print(f"  {key}: {score.line()}, {score.ms:.0f} ms")
    print(f"{name}: {total.line()}")
    for figure, floor in FLOORS.items():
        assert getattr(total, figure) >= floor, f"{name}: {figure} {getattr(total, figure):.2f} < {floor}"


@pytest.mark.parametrize("name", ["dev.json", "own.json"])
def test_every_quote_is_the_text_at_its_offsets(name):
    from datetime import date

    from intake.reader import read
    from tests.intake.gold import gazetteer_for

    for article in articles(name):
        gazetteer, _, _ = gazetteer_for(article)
        reading = read(article["text"], gazetteer=gazetteer, published_at=date.fromisoformat(article["published_at"]))
        assert reading.language == "en"
        for draft in reading.drafts:
            start, end = draft.evidence
            assert article["text"][start:end] == draft.quote
        for unknown in reading.unknown:
            assert article["text"][unknown.start : unknown.end] == unknown.text


def test_own_articles_are_annotated_like_dev():
    for article in articles("own.json"):
        slugs = {a["slug"] for a in article["actors"]} | {p["slug"] for p in article["locations"]}
        ids = {c["id"] for c in article["claims"]}
        assert 250 <= len(article["text"].split()) <= 600
        for claim in article["claims"]:
            assert claim["evidence"] in article["text"]
            assert {claim[k] for k in ("claimant", "spokesperson", "subject", "location") if claim.get(k)} <= slugs
            assert set(claim.get("denies", []) + claim.get("supports", [])) <= ids
        assert score_article(article).gold == len(article["claims"])
