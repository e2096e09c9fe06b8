"""Claim words ("captured", "killed", "shelled", "advanced") and reporting words ("said", "denied",
"confirmed", "according to"), found with the lexicon's patterns, with who speaks and what is not asserted
(negated, wished for, or only a noun that points back)."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from .lexicon import PatternGroup
from .mentions import Mention, Mentions, fits
from .model import Entity
from .pipeline import Rules, starts_with


@dataclass
class Trigger:
    start: int
    end: int
    kind: str
    group: PatternGroup
    negated: bool = False


@dataclass
class Frame:
    """Somebody saying something: the reporting words and the speaker."""

    start: int
    end: int
    stance: str  # asserts, denies, supports
    body: Entity | None = None
    person: Entity | None = None
    unnamed: bool = False  # "it was reported", "reportedly": no source named
    both_sides: bool = False
    negated: bool = False
    notes: list[str] = field(default_factory=list)


def _longest(matches: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    kept: list[tuple[str, int, int]] = []
    taken: set[int] = set()
    for label, start, end in sorted(matches, key=lambda m: (m[1] - m[2], m[1])):
        if not taken.intersection(range(start, end)):
            kept.append((label, start, end))
            taken.update(range(start, end))
    return sorted(kept, key=lambda m: m[1])


def _phrase_at(doc: Doc, i: int, phrases) -> tuple[str, ...] | None:
    for phrase in phrases:
        if starts_with(doc, i, phrase):
            return phrase
    return None


def _phrase_ends(doc: Doc, end: int, phrases, floor: int) -> bool:
    return any(end - len(p) >= floor and starts_with(doc, end - len(p), p) for p in phrases)


class Scanner:
    """The claim and reporting words of one article."""

    def __init__(self, doc: Doc, rules: Rules, mentions: Mentions):
        self.doc, self.rules, self.mentions = doc, rules, mentions
        lex = rules.lexicon
        self.lex = lex
        raw = rules.matches(doc)
        self.claim_matches = _longest([m for m in raw if m[0].startswith("claim:")])
        self.report_matches = _longest([m for m in raw if m[0].startswith("report:")])
        self.unnamed = _longest([m for m in raw if m[0] == "unnamed_sources"])
        self.deny_predicates = _longest([m for m in raw if m[0] == "deny_predicates"])
        self.windows = [(s, e) for _, s, e in _longest([m for m in raw if m[0] == "date_windows"])]
        self.negation = lex.phrases("negation")
        self.determiners = lex.words("definite") | {"a", "an", "its", "their", "his", "her", "our"}
        self.history: list[Frame] = []

    # Reporting --------------------------------------------------------------------------------------

    def frames(self, sentence: Span) -> list[Frame]:
        found: list[Frame] = []
        unnamed = [(s, e) for s, e in ((m[1], m[2]) for m in self.unnamed) if sentence.start <= s < sentence.end]
        spans = []
        for label, start, end in self.report_matches:
            if not sentence.start <= start < sentence.end:
                continue
            if start and self.doc[start - 1].lower_ in self.determiners:
                continue  # "a claim", "the reports": nouns
            if any(s <= start < e for s, e in unnamed):
                continue
            group = self.lex.reporting[int(label.split(":")[1])]
            spans.append((start, end, group))
        spans += [(s, e, None) for s, e in unnamed]
        for start, end, group in sorted(spans, key=lambda x: x[0]):
            frame = Frame(start, end, group.label if group else "asserts", unnamed=group is None)
            frame.negated = self._negated(start, sentence.start)
            if group is not None:
                self._speaker(frame, group, sentence, found)
            found.append(frame)
            if frame.body is not None:
                self.history.append(frame)
        return found

    def _negated(self, start: int, floor: int) -> bool:
        for back in range(1, 4):
            if start - back < floor:
                return False
            if _phrase_ends(self.doc, start - back + 1, self.negation, floor):
                return True
        return False

    def _speaker(self, frame: Frame, group: PatternGroup, sentence: Span, earlier: list[Frame]) -> None:
        doc, lex, mentions = self.doc, self.lex, self.mentions
        if group.flag("source_after"):  # "according to X": X, before the next comma
            stop = frame.end
            while stop < min(frame.end + 8, sentence.end) and doc[stop].lower_ not in lex.words("source_stops"):
                stop += 1
            for mention in mentions.actors(frame.end, stop):
                self._take(frame, mention)
                return
            frame.unnamed = True
            return
        previous = earlier[-1] if earlier else None
        before = frame.start - 1
        while before > sentence.start and doc[before].lower_ in lex.words("speaker_adverbs"):
            before -= 1
        word = doc[frame.start].lower_
        if previous is not None and (
            doc[before].lower_ in lex.words("coordination")
            or (doc[before].text == "," and word.endswith(tuple(lex.words("participle_endings"))))
        ):
            frame.body, frame.person, frame.both_sides = previous.body, previous.person, previous.both_sides
            frame.unnamed = previous.unnamed
            return
        floor = previous.end if previous is not None else sentence.start
        for i in range(frame.start - 1, floor - 1, -1):
            if _phrase_at(doc, i, lex.phrases("both_sides")) and i + 1 < frame.start:
                frame.both_sides = True
                return
        candidates = [m for m in mentions.actors(floor, frame.start) if not m.possessive]
        pronoun = self._pronoun(floor, frame.start)
        if candidates and (pronoun is None or candidates[-1].start > pronoun[0]):
            self._take(frame, self._head(candidates[-1], floor))
            return
        if pronoun is not None:
            self._pronoun_speaker(frame, pronoun[1])
            return
        after = mentions.actors(frame.end, min(frame.end + 4, sentence.end))
        if after and (after[0].end >= sentence.end - 1 or not doc[after[0].end].is_alpha):
            self._take(frame, after[0])

    def _pronoun(self, floor: int, end: int) -> tuple[int, str] | None:
        people, groups = self.lex.words("person_pronouns"), self.lex.words("group_pronouns")
        for i in range(end - 1, floor - 1, -1):
            word = self.doc[i].lower_
            if word in people or word in groups:
                return i, word
        return None

    def _pronoun_speaker(self, frame: Frame, word: str) -> None:
        if word in self.lex.words("person_pronouns"):
            person = self.mentions.last_person(frame.start)
            if person is not None:
                self._take(frame, person)
                frame.notes.append(f"“{word}” read as {person.actor.name}")
            return
        if self.history:
            last = self.history[-1]
            frame.body, frame.person = last.body, None
            frame.notes.append(f"“{word}” read as {last.body.name}")

    def _head(self, mention: Mention, floor: int) -> Mention:
        """In "Hikmet Hajiyev, an aide to Aliyev, said" (or "X, which backs Y, said"), the speaker is the first."""
        doc = self.doc
        comma = next((i for i in range(mention.start - 1, floor - 1, -1) if doc[i].text == ","), None)
        if comma is None:
            return mention
        heads = [m for m in self.mentions.actors(floor, comma) if m.end == comma and not m.possessive]
        if heads and (mention.person or self.mentions.speaks_for.get(heads[0].start) is not None or heads[0].person):
            return heads[0]
        if heads and comma + 1 < len(doc) and doc[comma + 1].lower_ in self.lex.words("relative_pronouns"):
            return heads[0]  # "The coalition, which backs the government, said": the coalition
        return mention

    def _take(self, frame: Frame, mention: Mention) -> None:
        if mention.anaphor and mention.rule is not None:  # "the group said": the last group that spoke
            spoke = next((f.body for f in reversed(self.history) if fits(f.body, mention.rule)), None)
            if spoke is not None and spoke is not mention.actor:
                frame.body, frame.person = spoke, None
                frame.notes.append(f"“{self.doc[mention.start : mention.end].text}” read as {spoke.name}")
                return
        body, person = self.mentions.speaker(mention)
        frame.body, frame.person = body, person
        if person is not None:
            frame.notes.append(f"{person.name} speaks for {body.name}")

    # Claims -------------------------------------------------------------------------------------------

    def triggers(self, sentence: Span) -> list[Trigger]:
        found = []
        for label, start, end in self.claim_matches:
            if sentence.start <= start < sentence.end:
                group = self.lex.claims[int(label.split(":")[1])]
                found.append(Trigger(start, end, group.label, group))
        return found

    def asserted(self, trigger: Trigger, clause_start: int, sentence: Span) -> bool:
        """False for what is wished, demanded or attempted ("to take", "demanded that ... be raised") and for
        nouns that point back ("the losses"); sets ``negated`` for "did not advance"."""
        doc, lex = self.doc, self.lex
        pointing = trigger.start and doc[trigger.start - 1].lower_ in lex.words("definite")
        if pointing and (trigger.end >= len(doc) or doc[trigger.end].lower_ not in lex.words("genitive")):
            return False
        if pointing and lex.words("modals_after_noun") & {t.lower_ for t in doc[trigger.end : trigger.end + 6]}:
            return False  # "the fall of Wad Madani would cut ...": what it would mean, not a claim that it fell
        words = set(trigger.group.flag("sentence_has", []))
        if words and not words & {t.lower_ for t in sentence}:
            return False
        prev = doc[trigger.start - 1].lower_ if trigger.start > clause_start else ""
        prev2 = doc[trigger.start - 2].lower_ if trigger.start - 1 > clause_start else ""
        marks, passive = lex.words("infinitive_marks"), lex.words("passive_infinitive")
        if prev in marks or (prev in passive and prev2 in marks):
            licence = (
                prev2 if prev in marks else (doc[trigger.start - 3].lower_ if trigger.start - 2 > clause_start else "")
            )
            if licence not in lex.words("realis_before_infinitive"):
                return False
        irrealis = lex.words("irrealis")
        for i in range(max(clause_start, trigger.start - 7), trigger.start):
            if doc[i].lower_ in irrealis and not (doc[i].is_title and i != sentence.start):
                return False
        trigger.negated = self._negated(trigger.start, clause_start)
        return True
