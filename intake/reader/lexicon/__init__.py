"""The reader's word lists, one JSON file per language (en.json, ...), read with the standard library.

A pattern is a string of words matched lower-case: ``a|b`` is either word, a trailing ``?`` makes a word
optional, ``*`` is any one word and ``*?`` any one word or none. ``compile_pattern`` turns it into a spaCy
``Matcher`` pattern; ``phrases`` turns a list of plain phrases into tuples of words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class PatternGroup:
    """Patterns that share a meaning: a claim kind (with its conditions) or a reporting stance."""

    label: str  # the claim kind, or the reporting stance
    patterns: tuple[str, ...]
    options: dict = field(default_factory=dict, hash=False, compare=False)

    def flag(self, name: str, default=None):
        return self.options.get(name, default)


@dataclass(frozen=True)
class Lexicon:
    language: str
    tokenizer: str
    claims: tuple[PatternGroup, ...]
    reporting: tuple[PatternGroup, ...]
    data: dict = field(hash=False, compare=False)
    _memo: dict = field(default_factory=dict, hash=False, compare=False, repr=False)

    def words(self, key: str) -> frozenset[str]:
        """A list of single words (or phrases, kept whole) as a set."""
        if ("words", key) not in self._memo:
            self._memo[("words", key)] = frozenset(w.lower() for w in self.data.get(key, ()))
        return self._memo[("words", key)]

    def phrases(self, key: str) -> tuple[tuple[str, ...], ...]:
        """A list of phrases as tuples of lower-case words, longest first."""
        if ("phrases", key) not in self._memo:
            self._memo[("phrases", key)] = self.phrases_from(self.data.get(key, ()))
        return self._memo[("phrases", key)]

    @staticmethod
    def phrases_from(items) -> tuple[tuple[str, ...], ...]:
        found = {tuple(p.lower().split()) for p in items}
        return tuple(sorted(found, key=len, reverse=True))

    def table(self, key: str) -> dict:
        return dict(self.data.get(key, {}))

    def patterns(self, key: str) -> tuple[str, ...]:
        return tuple(self.data.get(key, ()))


def expand_pattern(pattern: str, limit: int = 400) -> list[str] | None:
    """A pattern without wildcards as the plain phrases it stands for (for a PhraseMatcher, much faster than
    the token Matcher), or None when it has wildcards or stands for too many."""
    choices: list[list[str]] = []
    for word in pattern.split():
        optional = word.endswith("?") and len(word) > 1
        word = word[:-1] if optional else word
        if word == "*" or "~" in word:
            return None
        choices.append(word.lower().split("|") + ([""] if optional else []))
    phrases = [""]
    for options in choices:
        phrases = [f"{p} {o}".strip() for p in phrases for o in options]
        if len(phrases) > limit:
            return None
    return sorted({p for p in phrases if p})


def compile_pattern(pattern: str) -> list[dict]:
    """``"took|taken full|complete? control"`` -> a spaCy Matcher pattern."""
    tokens = []
    for word in pattern.split():
        optional = word.endswith("?") and len(word) > 1
        word = word[:-1] if optional else word
        if "~" in word:  # a stem: "освобод~" is any word that begins so (inflected languages)
            alternatives = [
                re.escape(w[:-1]) if w.endswith("~") else re.escape(w) + "$" for w in word.lower().split("|")
            ]
            spec: dict = {"LOWER": {"REGEX": f"^({'|'.join(alternatives)})"}}
        else:
            spec = {} if word == "*" else {"LOWER": {"IN": word.lower().split("|")}}
        if optional:
            spec["OP"] = "?"
        tokens.append(spec)
    return tokens


def _group(raw: dict, label_key: str) -> PatternGroup:
    options = {k: v for k, v in raw.items() if k not in (label_key, "patterns")}
    return PatternGroup(raw[label_key], tuple(raw["patterns"]), options)


@cache
def load(language: str) -> Lexicon | None:
    """The lexicon of a language (ISO 639-1 code), or None when there is no file for it."""
    folder = resources.files(__name__)
    source = folder.joinpath(f"{language}.json")
    if not source.is_file():
        return None
    data = json.loads(source.read_text(encoding="utf-8"))
    return Lexicon(
        language=data.get("language", language),
        tokenizer=data.get("tokenizer", "xx"),
        claims=tuple(_group(g, "kind") for g in data.get("claims", ())),
        reporting=tuple(_group(g, "stance") for g in data.get("reporting", ())),
        data=data,
    )


def available() -> tuple[str, ...]:
    """The languages that have a lexicon file."""
    folder = resources.files(__name__)
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json")))
