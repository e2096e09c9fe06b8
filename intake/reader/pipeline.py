"""spaCy and lingua, set up once per language: a blank pipeline (tokenizer + sentencizer) and the matchers.

Nothing here downloads anything: ``spacy.blank`` needs no model, lingua ships its language models in the
wheel, and the detector is built on first use for a small set of languages (low-accuracy mode, which is
plenty for articles and keeps the first detection fast).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache

import spacy
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from . import lexicon as lexicons
from .lexicon import Lexicon, compile_pattern, expand_pattern

_DETECTED = ("ENGLISH", "RUSSIAN", "UKRAINIAN", "ARABIC", "PERSIAN", "PASHTO", "FRENCH", "GERMAN", "SPANISH", "AMHARIC")
_lock = threading.Lock()
_detector = None


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language ("en" when lingua cannot tell)."""
    global _detector
    with _lock:
        if _detector is None:
            from lingua import Language, LanguageDetectorBuilder

            langs = [getattr(Language, name) for name in _DETECTED if hasattr(Language, name)]
            _detector = LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()
    found = _detector.detect_language_of(text[:3000])
    return found.iso_code_639_1.name.lower() if found is not None else "en"


@cache
def blank(code: str):
    """A blank spaCy pipeline with a sentencizer: "en" for English, "xx" for any other language."""
    nlp = spacy.blank(code)
    nlp.add_pipe("sentencizer")
    return nlp


@dataclass
class Rules:
    """A language's lexicon with its spaCy objects, built once and shared by every article."""

    lexicon: Lexicon
    nlp: object
    tokens: Matcher  # the patterns with wildcards
    phrases: PhraseMatcher  # the others, spelled out

    def matches(self, doc: Doc) -> list[tuple[str, int, int]]:
        """(label, start, end) of every pattern: claim words ("claim:<group>"), reporting words
        ("report:<group>") and the other lists ("unnamed_sources", ...)."""
        strings = self.nlp.vocab.strings
        return [(strings[m], s, e) for m, s, e in list(self.tokens(doc)) + list(self.phrases(doc))]

    @property
    def language(self) -> str:
        return self.lexicon.language


@cache
def rules(language: str) -> Rules:
    """The rules for a language; a language with no lexicon file is read with English's word lists."""
    lexicon = lexicons.load(language) or lexicons.load("en")
    assert lexicon is not None, "intake.reader: the English lexicon (lexicon/en.json) is missing"
    # A language without its own lexicon keeps English's lists but the multilingual tokenizer, which also
    # lets names be found through their inflections (Соледара, Бахмуте).
    nlp = blank(lexicon.tokenizer if lexicon.language == language else "xx")
    tokens, phrases = Matcher(nlp.vocab), PhraseMatcher(nlp.vocab, attr="LOWER")
    labelled = [(f"claim:{n}", g.patterns) for n, g in enumerate(lexicon.claims)]
    labelled += [(f"report:{n}", g.patterns) for n, g in enumerate(lexicon.reporting)]
    labelled += [(key, lexicon.patterns(key)) for key in ("unnamed_sources", "deny_predicates", "date_windows")]
    for label, patterns in labelled:
        for pattern in patterns:
            spelled = expand_pattern(pattern)
            if spelled is None:
                tokens.add(label, [compile_pattern(pattern)])
            else:
                phrases.add(label, list(nlp.tokenizer.pipe(spelled)))
    return Rules(lexicon, nlp, tokens, phrases)


_BREAK = re.compile(r"\n[ \t\r]*\n")


def prepare(text: str, rules: Rules) -> tuple[Doc, list[tuple[int, int]]]:
    """The text as one spaCy Doc (line breaks read as spaces, so offsets stay those of ``text``), with a
    sentence starting at every paragraph, and the character ranges of boilerplate ("Also on ...", "Read
    more ...": links to other articles, up to the next blank line) to leave out."""
    flat = text.translate(str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\u2019": "'", "\u2018": "'"}))
    doc = rules.nlp(flat)
    starts = {0} | {m.end() for m in _BREAK.finditer(text)}
    markers = rules.lexicon.phrases("boilerplate")
    skipped: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        words = tuple(line.group().lower().split())
        if any(words[: len(m)] == m for m in markers if m):
            following = _BREAK.search(text, line.start())
            skipped.append((line.start(), following.start() if following else len(text)))
            starts.add(line.start())
            if following:
                starts.add(following.end())
    for token in doc:
        if token.idx in starts or (token.i and token.idx - 1 in starts and doc[token.i - 1].is_space):
            token.is_sent_start = True
    return doc, skipped


def words(doc: Doc) -> list[str]:
    """The Doc's words, lower-case, computed once (reading them token by token is the slow part)."""
    if "lower" not in doc.user_data:
        doc.user_data["lower"] = [t.lower_ for t in doc]
    return doc.user_data["lower"]


def starts_with(doc: Doc, i: int, phrase: tuple[str, ...]) -> bool:
    """Do the words from token ``i`` on read ``phrase``?"""
    return i >= 0 and tuple(words(doc)[i : i + len(phrase)]) == phrase


def quote_spans(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges between quotation marks (straight or curly), possibly across sentences."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for token in doc:
        text = token.text
        if text in ("\u201c", "\u00ab") or (text == '"' and opened is None):
            opened = token.i
        elif text in ("\u201d", "\u00bb", '"') and opened is not None:
            spans.append((opened, token.i))
            opened = None
    return spans
