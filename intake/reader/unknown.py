"""Names that look like an actor or a place but match none: proposed to the editor as new entries."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from .mentions import Mentions
from .model import Unknown
from .pipeline import Rules

_JOINERS = {"of", "al", "el", "bin", "ibn", "de", "van", "von", "-", "'s", "the"}


def _capital(token) -> bool:
    return token.is_alpha and (token.is_title or (token.is_upper and len(token) > 1))


def _joined(doc: Doc, i: int, stop: int, covered: set[int]) -> int:
    """How many tokens lead over joining words ("of", "al", "-") to the next capitalised word, or 0."""
    for width in (1, 2):
        nxt = i + width
        if all(t.lower_ in _JOINERS for t in doc[i:nxt]) and nxt < stop and _capital(doc[nxt]) and nxt not in covered:
            return width + 1
    return 0


def find_unknown(doc: Doc, sentences: list[Span], mentions: Mentions, rules: Rules) -> list[Unknown]:
    lex = rules.lexicon
    stop = lex.words("not_names") | lex.words("roles") | lex.words("weekdays") | lex.words("months")
    covered = {i for m in mentions.items for i in range(m.start, m.end)}
    found: dict[str, Unknown] = {}
    for sentence in sentences:
        i = sentence.start
        while i < sentence.end:
            if not _capital(doc[i]) or i in covered or doc[i].lower_ in stop:
                i += 1
                continue
            end = i + 1
            while end < sentence.end and end not in covered:
                if _capital(doc[end]) and doc[end].lower_ not in stop:
                    end += 1
                elif _joined(doc, end, sentence.end, covered):
                    end += _joined(doc, end, sentence.end, covered)
                else:
                    break
            while end > i and doc[end - 1].lower_ in _JOINERS:
                end -= 1
            if end == i:
                i += 1
                continue
            name = doc[i:end]
            if _worth(name, sentence, rules) and name.text not in found:
                found[name.text] = Unknown(name.text, name.start_char, name.end_char, _guess(doc, name, rules))
            i = end
    return sorted(found.values(), key=lambda u: u.start)


def _worth(name: Span, sentence: Span, rules: Rules) -> bool:
    lex = rules.lexicon
    if len(name) > 1:
        return True
    doc, i = name.doc, name.start
    if name[0].is_upper and len(name[0]) > 1 and len(name[0]) <= 6:
        return _next_is_reporting(doc, name.end, lex)
    if i == sentence.start:
        return False
    before = " ".join(t.lower_ for t in doc[max(0, i - 2) : i])
    after = doc[name.end].lower_ if name.end < len(doc) else ""
    place_nouns = lex.words("place_nouns")
    words = before.split()
    named_place = words[-1:] == ["of"] and words[0] in place_nouns
    follow = doc[name.end + 1].lower_ if name.end + 1 < len(doc) else ""
    place_named = (
        after in place_nouns and follow != "of" and words[-1:] and words[-1] in ("in", "of", "the", "at", "near")
    )
    return bool(named_place or place_named or _next_is_reporting(doc, name.end, lex))


def _next_is_reporting(doc: Doc, i: int, lex) -> bool:
    return i < len(doc) and doc[i].lower_ in lex.words("reporting_words")


def _guess(doc: Doc, name: Span, rules: Rules) -> str:
    lex = rules.lexicon
    actor_words, place_words = lex.words("actor_context"), lex.words("location_context")
    inside = {t.lower_ for t in name}
    if inside & (actor_words - {"of", "in"}):
        return "actor"
    if inside & lex.words("place_nouns"):
        return "location"
    before = [t.lower_ for t in doc[max(0, name.start - 3) : name.start]]
    after = [t.lower_ for t in doc[name.end : name.end + 2]]
    if (
        after
        and after[0] in lex.words("place_nouns")
        or before[-1:]
        and before[-1] in {"in", "at", "near", "into", "towards", "toward", "from", "outside"}
    ):
        return "location"
    if before[-2:-1] and before[-2] in lex.words("place_nouns") and before[-1] == "of":
        return "location"
    if set(after) & actor_words or set(before) & actor_words:
        return "actor"
    return "location" if set(before) & place_words else "actor"
