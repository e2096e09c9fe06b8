"""What a count counts (``count_unit``): the word the text puts by the number.

The lexicon's ``count_units`` table maps words to units. Two kinds: what is *counted* (positions,
villages, vehicles, personnel: the noun right after the number, "3 villages") and what *happened* to
them (killed, wounded, captured, missing, displaced: the nearest such word in the same sentence, "12
soldiers were killed", "killing 12"). A counted noun wins ("captured 3 villages" counts villages); a
person noun leaves the outcome to decide ("captured 40 soldiers"). "killed or wounded" (and "killed and
wounded") side by side is ``killed_or_wounded``. Nothing found: no unit (an editor sets it).

A key ending in ``~`` is a stem: it matches every word that begins with it, so one entry covers a
Russian or Ukrainian word's inflections ("убит~": убит, убиты, убитых, убитыми). An exact key wins
over a stem, a longer stem over a shorter one ("танкист~" before "танк~"). "ё" reads as "е".
"""

from __future__ import annotations

from spacy.tokens import Doc

COUNTED = frozenset({"positions", "villages", "vehicles", "personnel"})
BOTH_JOINS = frozenset({"or", "and", "или", "либо", "и", "або", "чи", "та", "і", "й"})  # "killed or wounded"
SENTENCE_ENDS = frozenset({".", ";", "!", "?"})
BEFORE, AFTER, NOUN = 5, 6, 3  # tokens looked at before and after the number, and for its noun


def count_unit(doc: Doc, start: int, end: int, table: dict[str, str]) -> str:
    """The unit of the count at tokens ``start:end`` of ``doc`` (empty: none said)."""
    if not table:
        return ""
    words = Units(table)
    for i in range(end, min(end + NOUN, len(doc))):
        if doc[i].text in SENTENCE_ENDS:
            break
        unit = words.unit(doc[i].lower_)
        if unit in COUNTED:
            return unit
    best, distance = "", None
    for i in _window(doc, start, end):
        unit = words.unit(doc[i].lower_)
        if not unit or unit in COUNTED:
            continue
        gap = start - i if i < start else i - end + 1
        if distance is None or gap < distance:
            best, distance = _both(doc, i, words) or unit, gap
    return best


class Units:
    """A ``count_units`` table: exact words, and stems (keys ending in ``~``) tried longest first."""

    def __init__(self, table: dict[str, str]) -> None:
        self.exact = {_fold(k): v for k, v in table.items() if not k.endswith("~")}
        stems = {_fold(k[:-1]): v for k, v in table.items() if k.endswith("~") and len(k) > 1}
        self.stems = sorted(stems.items(), key=lambda item: -len(item[0]))

    def unit(self, word: str) -> str:
        word = _fold(word)
        if word in self.exact:
            return self.exact[word]
        return next((unit for stem, unit in self.stems if word.startswith(stem)), "")


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def _window(doc: Doc, start: int, end: int) -> list[int]:
    """The tokens near the count, within its sentence, nearest first on each side."""
    found = []
    for i in range(start - 1, max(start - BEFORE, 0) - 1, -1):
        if doc[i].text in SENTENCE_ENDS:
            break
        found.append(i)
    for i in range(end, min(end + AFTER, len(doc))):
        if doc[i].text in SENTENCE_ENDS:
            break
        found.append(i)
    return found


def _both(doc: Doc, i: int, words: Units) -> str:
    """ "killed or wounded" ("убиты или ранены") at token ``i``: ``killed_or_wounded``."""
    if i + 2 < len(doc) and doc[i + 1].lower_ in BOTH_JOINS:
        pair = {words.unit(doc[i].lower_), words.unit(doc[i + 2].lower_)}
        if pair == {"killed", "wounded"}:
            return "killed_or_wounded"
    return ""
