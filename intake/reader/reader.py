"""read(): an article in, draft claims and unknown names out."""

from __future__ import annotations

from datetime import date

from . import lexicon as lexicons
from .dates import DateReader
from .drafting import Candidate, Drafter
from .gazetteer import Gazetteer
from .mentions import Mentions
from .model import Draft, Entity, Reading
from .pipeline import detect_language, prepare, rules
from .relations import answer, merge
from .units import count_unit
from .unknown import find_unknown


def read(text: str, *, gazetteer: Gazetteer, published_at: date | None = None, language: str | None = None) -> Reading:
    """Draft claims from an article, with the names in it that match no actor or place."""
    language = (language or "").split("-")[0].lower() or (detect_language(text) if text.strip() else "en")
    if not text.strip():
        return Reading([], [], language)
    article_rules = rules(language)
    doc, skipped = prepare(text, article_rules)
    mentions = Mentions(doc, gazetteer, article_rules)
    dates = DateReader(article_rules.lexicon, published_at or date.today())
    drafter = Drafter(doc, article_rules, gazetteer, mentions, dates, skipped)
    candidates = drafter.run()
    claims, _ = merge([c for c in candidates if c.stance is None])
    statements = [c for c in candidates if c.stance is not None]
    answer(statements, claims, gazetteer)
    statements, _ = merge(statements)
    kept = sorted(claims + statements, key=lambda c: (c.position, c.sentence))
    drafts = [_draft(number, c, doc, text, article_rules.lexicon, gazetteer) for number, c in enumerate(kept)]
    for draft, candidate in zip(drafts, kept, strict=True):
        for target in candidate.targets:
            if target in kept:
                draft.responds_to.append({"draft": kept.index(target), "stance": candidate.stance})
        if candidate.stance is not None and not candidate.targets:
            draft.targets_elsewhere.append(
                {
                    "stance": candidate.stance,
                    "claimant": candidate.content_subject.id if candidate.content_subject else None,
                    "kind": candidate.family[0] if candidate.family else None,
                    "location": candidate.location.id if candidate.location else None,
                    "subject": candidate.content_subject.id if candidate.content_subject else None,
                }
            )
            draft.notes.append("what it answers is not in this article: to be looked up among the claims already held")
    unknown = find_unknown(doc, drafter.sentences, mentions, article_rules)
    return Reading(drafts, unknown, language)


def warm(gazetteer: Gazetteer, languages: tuple[str, ...] = ("en",)) -> None:
    """Build what the first read would build (spaCy pipelines and matchers for these languages, the language
    detector, dateparser's tables), so that the first article is read as fast as the next ones."""
    detect_language("The ministry said on Thursday that its forces had captured the town.")
    for language in languages:
        read(
            "The ministry said on Thursday that its forces had captured the town.",
            gazetteer=gazetteer,
            language=language,
        )


def find_names(text: str, *, gazetteer: Gazetteer, language: str | None = None) -> list[tuple[int, int, Entity]]:
    """Where the text names an actor or a place: (start, end, entity), in text order (for highlighting)."""
    language = (language or "").split("-")[0].lower() or (detect_language(text) if text.strip() else "en")
    doc, _ = prepare(text, rules(language))
    found = []
    for mention in Mentions(doc, gazetteer, rules(language)).items:
        if not mention.anaphor:
            start, end = doc[mention.start].idx, doc[mention.end - 1].idx + len(doc[mention.end - 1].text)
            found += [(start, end, e) for e in (mention.actor, mention.location) if e is not None]
    return found


def _draft(number: int, c: Candidate, doc, text: str, lexicon, gazetteer: Gazetteer) -> Draft:
    start, end = doc[c.tokens[0]].idx, doc[c.tokens[1] - 1].idx + len(doc[c.tokens[1] - 1].text)
    draft = Draft(
        index=number,
        kind=c.kind,
        claimant=c.claimant.id if c.claimant else None,
        spokesperson=c.spokesperson.id if c.spokesperson else None,
        subject=c.subject.id if c.subject else None,
        location=c.location.id if c.location else None,
        summary=summary(c, lexicon),
        quote=text[start:end],
        evidence=(start, end),
        count_min=c.count.low if c.count else None,
        count_max=c.count.high if c.count else None,
        count_unit=count_unit(doc, c.count.start, c.count.end, lexicon.table("count_units")) if c.count else "",
        confidence=round(max(0.05, min(0.95, c.confidence)), 2),
        notes=list(dict.fromkeys(c.notes)),
    )
    if c.count is not None:
        draft.notes.append(f"count: “{c.count.words}”")
    if c.when is not None:
        draft.event_start, draft.event_end, draft.date_precision = c.when.first, c.when.last, c.when.precision
    return draft


def summary(c: Candidate, lexicon) -> str:
    """One sentence from the lexicon's templates ("{claimant} says {subject} controls {place}.")."""
    words = lexicon.table("summary") or lexicons.load("en").table("summary")
    someone = words.get("someone", "someone")
    claimant = c.claimant.name if c.claimant else someone
    place = c.location.name if c.location else ""
    count = ""
    if c.count is not None:
        low, high = c.count.low, c.count.high
        count = f" ({low}–{high})" if high not in (None, low) and low is not None else f" ({c.count.words})"
    if c.stance is not None:
        target = words.get("target_default", "the claim")
        if c.targets and c.targets[0].claimant is not None:
            target = words.get("target_of", "{actor}").format(actor=c.targets[0].claimant.name)
        template = words.get(c.stance, "{claimant} {target}")
    else:
        template = words.get(c.kind, "{claimant}: {subject} {place}")
    text = template.format(
        claimant=claimant,
        subject=c.subject.name if c.subject else someone,
        holds=words.get("holds", "controls"),
        place=place or "?",
        at_place=f" in {place}" if place else "",
        place_or_target=place or "?",
        count=count,
        count_people=f"{c.count.words} " if c.count else "",
        victims=c.subject.name if c.subject else someone,
        target=target if c.stance else "",
    )
    return text[0].upper() + text[1:]
