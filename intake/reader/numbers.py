"""Counts as ranges: "eleven" 11-11, "about 700" 700-700, "at least eight" 8-open, "dozens" 24-open.

Number words are read by text2num (English, French, Spanish, German, Portuguese, Italian, Dutch, Danish);
the words around them ("at least", "about", "dozens") come from the lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc
from text_to_num import text2num

from .lexicon import Lexicon
from .pipeline import starts_with

_TEXT2NUM = {"en", "fr", "es", "de", "pt", "it", "nl", "da"}
_DIGITS = re.compile(r"^\d{1,3}(?:[,\u00a0 ]\d{3})+$|^\d+$")


@dataclass
class Count:
    start: int  # token range, end exclusive
    end: int
    low: int | None
    high: int | None
    words: str


@lru_cache(maxsize=4096)
def _number(words: str, language: str) -> int | None:
    if language not in _TEXT2NUM:
        return None
    try:
        value = text2num(words, language)
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return value if isinstance(value, int) else None


def _digits(word: str) -> int | None:
    if _DIGITS.match(word):
        return int(re.sub(r"\D", "", word))
    return None


def _before(doc: Doc, start: int, phrases: tuple[tuple[str, ...], ...], floor: int) -> int | None:
    """Where a phrase ends right before ``start`` (its first token), or None."""
    for phrase in phrases:
        first = start - len(phrase)
        if first >= floor and starts_with(doc, first, phrase):
            return first
    return None


def find_counts(doc: Doc, start: int, end: int, lexicon: Lexicon, skip: set[int]) -> list[Count]:
    """Every count between tokens ``start`` and ``end``, leaving out the tokens in ``skip`` (dates)."""
    language = lexicon.language
    units = lexicon.words("units")
    vague = {tuple(k.split()): v for k, v in lexicon.table("vague_counts").items()}
    counts: list[Count] = []
    i = start
    while i < end:
        if i in skip:
            i += 1
            continue
        phrase = next((p for p in sorted(vague, key=len, reverse=True) if starts_with(doc, i, p)), None)
        if phrase is not None:
            low, high = vague[phrase]
            first = _before(doc, i, lexicon.phrases("count_open"), start)
            counts.append(Count(first if first is not None else i, i + len(phrase), low, high, " ".join(phrase)))
            i += len(phrase)
            continue
        value, stop = _read_number(doc, i, end, language)
        if value is None:
            i += 1
            continue
        nxt = doc[stop].lower_ if stop < len(doc) else ""
        is_year = 1900 <= value <= 2100 and stop - i == 1 and doc[i].is_digit
        if nxt in units or is_year or any(j in skip for j in range(i, stop)):
            i = stop
            continue
        low, high, first = value, value, i
        for key, shape in (
            ("count_upper", "upper"),
            ("count_open", "open"),
            ("count_about", "about"),
            ("count_all", "all"),
        ):
            found = _before(doc, i, lexicon.phrases(key), start)
            if found is not None:
                first = found
                if shape == "upper":
                    low = None
                elif shape == "open":
                    high = None
                break
        counts.append(Count(first, stop, low, high, doc[first:stop].text))
        i = stop
    return counts


def _read_number(doc: Doc, i: int, end: int, language: str) -> tuple[int | None, int]:
    """The number starting at token ``i`` (digits, or the longest run of number words), and where it ends."""
    value = _digits(doc[i].text)
    if value is not None:
        return value, i + 1
    if not doc[i].is_alpha or _number(doc[i].lower_, language) is None:
        return None, i + 1
    stop = i + 1
    while stop < end and (
        (doc[stop].is_alpha and _number(doc[stop].lower_, language) is not None)
        or (doc[stop].text in ("-", "and") and stop + 1 < end and _number(doc[stop + 1].lower_, language) is not None)
    ):
        stop += 1
        if doc[stop - 1].text in ("-", "and"):
            stop += 1
    for last in range(stop, i, -1):
        words = " ".join(t.lower_ for t in doc[i:last]).replace(" - ", "-")
        value = _number(words, language)
        if value is not None:
            return value, last
    return None, i + 1
