"""From claim words and frames to candidate claims: who claims, about whom, where, when and how many."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from .dates import DateReader, When
from .gazetteer import Gazetteer
from .mentions import Mention, Mentions
from .model import Entity
from .numbers import Count, find_counts
from .pipeline import Rules, quote_spans, starts_with
from .triggers import Frame, Scanner, Trigger

FAMILIES = {
    "control": ("control", "advance"),
    "advance": ("advance", "control"),
    "attack": ("attack", "casualties"),
    "casualties": ("casualties",),
}

# Actor kinds that report on territory but hold none.
NON_TERRITORIAL = ("organization", "media")


@dataclass
class Candidate:
    kind: str
    sentence: int
    position: int  # the trigger's first token: text order
    tokens: tuple[int, int]  # the evidence, in tokens
    claimant: Entity | None
    spokesperson: Entity | None = None
    subject: Entity | None = None
    location: Entity | None = None
    count: Count | None = None
    when: When | None = None
    when_from_frame: bool = False
    stance: str | None = None  # "denies" / "supports" for a statement
    family: tuple[str, ...] = ()  # what a statement answers: the kinds of the claims it denies or backs
    content_subject: Entity | None = None  # "denied the Taliban made any advances": the Taliban
    anaphor: str | None = None  # "one" ("the claim") or "all" ("the claims"): a statement that points back
    parent: Candidate | None = None  # "captured eleven positions ... Among them was the town of Shattal"
    capture: bool = False
    confidence: float = 0.6
    notes: list[str] = field(default_factory=list)
    targets: list[Candidate] = field(default_factory=list)


class Drafter:
    def __init__(self, doc: Doc, rules: Rules, gazetteer: Gazetteer, mentions: Mentions, dates: DateReader, skipped):
        self.doc, self.rules, self.lex = doc, rules, rules.lexicon
        self.gazetteer, self.mentions, self.dates = gazetteer, mentions, dates
        self.scanner = Scanner(doc, rules, mentions)
        self.sentences = [s for s in doc.sents if not any(a <= s.start_char < b for a, b in skipped)]
        self.quotes = quote_spans(doc)
        self.candidates: list[Candidate] = []
        self.when_tokens: dict[int, list[When]] = {}

    # The article --------------------------------------------------------------------------------------

    def run(self) -> list[Candidate]:
        frames = [self.scanner.frames(s) for s in self.sentences]
        for number, sentence in enumerate(self.sentences):
            whens = self.dates.find(
                self.doc,
                sentence.start,
                sentence.end,
                [w for w in self.scanner.windows if sentence.start <= w[0] < sentence.end],
            )
            self.when_tokens[number] = whens
            own = frames[number]
            inherited = None if own else self._inherited(number, frames)
            self._sentence(number, sentence, own, inherited)
        return self.candidates

    def _inherited(self, number: int, frames: list[list[Frame]]) -> Frame | None:
        """A sentence inside a quotation takes the frame of the sentence that closes (or opens) it."""
        sentence = self.sentences[number]
        for start, end in self.quotes:
            if start <= sentence.start and sentence.end - 1 <= end + 1:
                for other, found in enumerate(self.sentences):
                    if found.start <= end < found.end and frames[other]:
                        return frames[other][0]
                for other, found in enumerate(self.sentences):
                    if found.start <= start < found.end and frames[other]:
                        return frames[other][-1]
        return None

    def _sentence(self, number: int, sentence: Span, frames: list[Frame], inherited: Frame | None) -> None:
        scanner = self.scanner
        breaks = self._breaks(sentence, frames)
        content: dict[int, list[Trigger]] = {id(f): [] for f in frames}
        before = len(self.candidates)
        if self._continues(number, sentence):
            return
        for trigger in scanner.triggers(sentence):
            start, end = self._clause(trigger.start, sentence, breaks)
            overlaps = any(f.start <= trigger.start < f.end for f in frames)
            if overlaps and not (trigger.group.flag("object") or trigger.group.flag("with_frame")):
                continue
            if not scanner.asserted(trigger, start, sentence) or not self._conditions(trigger, (start, end), sentence):
                continue
            if trigger.kind == "attack" and self._instrument(trigger, sentence):
                continue
            frame = self._frame_for(trigger, frames) or inherited
            if frame is None or frame.negated:
                continue
            if frame.stance != "asserts":
                content[id(frame)].append(trigger)
            elif trigger.negated:
                self._statement(number, sentence, frame, [trigger], breaks, stance="denies")
            else:
                self._claims(number, sentence, frame, trigger, (start, end), breaks, inherited=frame is inherited)
        for frame in frames:
            if frame.stance != "asserts" and not frame.negated:
                self._statement(number, sentence, frame, content[id(frame)], breaks, stance=frame.stance)
        for _, start, end in self.scanner.deny_predicates:
            if sentence.start <= start < sentence.end:
                frame = self._frame_for(Trigger(start, end, "statement", None), frames) or inherited
                if frame is not None and frame.stance == "asserts":
                    self._statement(number, sentence, frame, [], breaks, stance="denies", predicate=(start, end))
        self._inclusions(sentence, before)
        for candidate in self.candidates[before:]:
            if candidate.location is None and candidate.stance is None:
                candidate.location = self._context_place(candidate)
            if candidate.when is None:
                self._date(candidate, sentence, frames)

    def _breaks(self, sentence: Span, frames: list[Frame]) -> list[int]:
        doc = self.doc
        marks = {sentence.start, sentence.end}
        for frame in frames:
            marks.update((frame.start, frame.end))
        phrases = self.lex.phrases("clause_breaks")
        for token in sentence:
            if any(starts_with(doc, token.i, p) for p in phrases):
                marks.add(token.i)
        return sorted(marks)

    @staticmethod
    def _clause(i: int, sentence: Span, breaks: list[int]) -> tuple[int, int]:
        start = max((b for b in breaks if b <= i), default=sentence.start)
        end = min((b for b in breaks if b > i), default=sentence.end)
        return start, end

    def _instrument(self, trigger: Trigger, sentence: Span) -> bool:
        """ "killed in air strikes", "shelling had killed 12": the attack is how the casualties came about."""
        before = [t.lower_ for t in self.doc[max(sentence.start, trigger.start - 3) : trigger.start]][::-1]
        means, determiners = self.lex.words("means"), self.lex.words("articles")
        for skip in range(len(before)):  # over "a", "the" and one word before the attack: "in a Russian strike"
            if before[skip] in means:
                return True
            if before[skip] not in determiners and (skip > 0 or not before[skip].isalpha()):
                break
        later = [
            t for t in self.scanner.triggers(sentence) if t.kind == "casualties" and 0 <= t.start - trigger.end <= 2
        ]
        return bool(later)

    @staticmethod
    def _frame_for(trigger: Trigger, frames: list[Frame]) -> Frame | None:
        earlier = [f for f in frames if f.start <= trigger.start]
        if earlier:
            return earlier[-1]
        later = [f for f in frames if f.start > trigger.start]
        return later[0] if later else None

    def _conditions(self, trigger: Trigger, clause: tuple[int, int], sentence: Span) -> bool:
        group = trigger.group
        if group.flag("object") == "place":
            for i in range(trigger.end, min(trigger.end + 6, sentence.end)):
                mention = next((m for m in self.mentions.within(i, i + 8) if m.start == i), None)
                if mention is not None:
                    return mention.location is not None and not mention.anaphor
                if self.doc[i].lower_ in self.lex.words("not_place_objects"):
                    return False
            return False
        needs = group.flag("needs")
        if needs == "place":
            return bool(self._places(clause[0], clause[1]))
        if needs == "place_after":
            return bool(self._places(trigger.end, clause[1]))
        return True

    # Claims -------------------------------------------------------------------------------------------

    def _claims(self, number, sentence, frame, trigger, clause, breaks, inherited=False) -> None:
        kind = trigger.kind
        capture = bool(trigger.group.flag("capture"))
        if capture:
            kind = self._capture_kind(trigger, sentence) or kind
        place, how = self._place_mention(trigger, clause, sentence, kind)
        location = place.location if place else None
        count = self._count(trigger, clause, sentence, number, kind)
        speakers = self._speakers(frame, trigger, clause)
        if kind == "casualties" and any(
            c.sentence == number and c.kind == kind and c.position >= clause[0] for c in self.candidates
        ):
            return  # "five civilians had been killed and 31 wounded": one claim, counted by its first words
        for claimant, spokesperson, note in speakers:
            candidate = Candidate(kind, number, trigger.start, self._evidence(trigger, place, count), claimant)
            candidate.spokesperson, candidate.location, candidate.count = spokesperson, location, count
            candidate.capture = capture
            candidate.notes += frame.notes + ([note] if note else []) + ([how] if how else [])
            if inherited:
                candidate.notes.append("said inside the speaker's quotation")
                candidate.confidence -= 0.1
            if how and "elsewhere" in how:
                candidate.confidence -= 0.15
            candidate.subject = self._subject(candidate, trigger, clause, frame)
            if kind in FAMILIES["control"] and candidate.subject is claimant and claimant.category in NON_TERRITORIAL:
                candidate.subject = None  # an agency reports who holds a place; it holds none itself
            self._when(candidate, trigger, clause, number)
            self.candidates.append(candidate)

    def _speakers(self, frame: Frame, trigger: Trigger, clause) -> list[tuple[Entity, Entity | None, str]]:
        if frame.both_sides:
            parties = self._parties()
            if len(parties) < 2:
                return []
            return [(p, None, "“both sides”: one claim for each party of the article") for p in parties[:2]]
        if frame.body is not None:
            return [(frame.body, frame.person, "")]
        agents = [m for m in self.mentions.actors(clause[0], trigger.start) if not m.possessive]
        if frame.unnamed and agents:
            body, person = self.mentions.speaker(agents[-1])
            return [(body, person, "no source named (“it was reported”): the claim is taken as the actor's own")]
        return []

    def _parties(self) -> list[Entity]:
        """The two blocs that make the most claims so far, each by its most frequent claimant."""
        tally: dict[int, dict[int, int]] = {}
        for c in self.candidates:
            if c.claimant is None or c.claimant.category in ("media", "organization", "person"):
                continue
            bloc = self.gazetteer.bloc(c.claimant.id)
            tally.setdefault(bloc, {}).setdefault(c.claimant.id, 0)
            tally[bloc][c.claimant.id] += 1
        ranked = sorted(tally.values(), key=lambda t: -sum(t.values()))
        return [self.gazetteer.actor(max(t, key=t.get)) for t in ranked[:2]]

    def _capture_kind(self, trigger: Trigger, sentence: Span) -> str | None:
        """ "captured dozens of soldiers" is casualties; "captured eleven positions" an advance."""
        people, ground = self.lex.words("person_nouns"), self.lex.words("ground_nouns")
        for token in self.doc[trigger.end : min(trigger.end + 6, sentence.end)]:
            if any(m.start == token.i and m.location is not None for m in self.mentions.within(token.i, token.i + 8)):
                return None
            if token.lower_ in people:
                return "casualties"
            if token.lower_ in ground:
                return "advance"
            if token.text in (",", ";", ".") or token.lower_ in self.lex.words("locative") - self.lex.words(
                "count_stops"
            ):
                return None
        return None

    # Where, how many, when, about whom ----------------------------------------------------------------

    def _places(self, start: int, end: int) -> list[Mention]:
        found = []
        for mention in self.mentions.places(start, end):
            if mention.actor is not None and (
                mention.start == 0 or self.doc[mention.start - 1].lower_ not in self.lex.words("locative")
            ):
                continue  # "Ukraine said": the actor, not the country
            found.append(mention)
        return found

    def _demoted(self, mention: Mention, kind: str, floor: int = 0) -> bool:
        """Is the place only where something goes or comes from ("leading to Badakhshan", "from Khartoum")?"""
        words = self.lex.words("direction_words")
        if kind == "advance":
            words = words - self.lex.words("advance_directions")
        for token in reversed(self.doc[max(floor, mention.start - 5) : mention.start]):
            if token.lower_ in words:
                return True
            if not token.is_alpha or token.is_title:
                return False
        return False

    def _location(self, trigger: Trigger, clause, sentence: Span, kind: str) -> tuple[Entity | None, str]:
        mention, note = self._place_mention(trigger, clause, sentence, kind)
        return (mention.location if mention else None), note

    def _place_mention(self, trigger: Trigger, clause, sentence: Span, kind: str) -> tuple[Mention | None, str]:
        everywhere = self._places(sentence.start, sentence.end)
        inner = [
            m
            for m in everywhere
            if not any(
                o.location.id != m.location.id and self.gazetteer.contains(m.location.id, o.location.id)
                for o in everywhere
            )
        ]
        after = [m for m in inner if trigger.end <= m.start < clause[1]]
        before = [m for m in inner if clause[0] <= m.start < trigger.start][::-1]
        rest_after = [m for m in inner if m.start >= clause[1]]
        rest_before = [m for m in inner if m.start < clause[0]][::-1]
        for demoted in (False, True):
            for group, how in (
                (after, ""),
                (before, ""),
                (rest_after, "in the sentence"),
                (rest_before, "in the sentence"),
            ):
                for mention in group:
                    floor = trigger.end if mention.start >= trigger.end else 0
                    if self._demoted(mention, kind, floor) == demoted:
                        note = f"place: {mention.location.name}" + (f" ({how})" if how else "")
                        if mention.anaphor:
                            note += f", read from “{self.doc[mention.start].text}”"
                        return mention, note
        return None, ""

    def _context_place(self, candidate: Candidate) -> Entity | None:
        for earlier in reversed(self.candidates):
            if earlier is not candidate and earlier.location is not None and earlier.position < candidate.position:
                candidate.notes.append(
                    f"no place in the sentence: {earlier.location.name}, from the text before (elsewhere)"
                )
                candidate.confidence -= 0.15
                return earlier.location
        for mention in reversed(self._places(0, candidate.position)):  # no claim before: the scene of the text
            if mention.location.category != "country" and not self._demoted(mention, candidate.kind):
                candidate.notes.append(f"no place in the sentence: {mention.location.name}, named before (elsewhere)")
                candidate.confidence -= 0.2
                return mention.location
        return None

    def _count(self, trigger: Trigger, clause, sentence: Span, number: int, kind: str) -> Count | None:
        skip = {i for w in self.when_tokens.get(number, []) for i in range(w.start, w.end)}
        others = [t.start for t in self.scanner.triggers(sentence) if t.start != trigger.start]
        low = max([clause[0]] + [o + 1 for o in others if o < trigger.start])
        high = min([clause[1]] + [o for o in others if o > trigger.start])
        best, distance = None, 99
        triggers = self.scanner.triggers(sentence)
        for count in find_counts(self.doc, low, high, self.lex, skip):
            if count.start and self.doc[count.start - 1].lower_ in self.lex.words("count_determiners"):
                continue  # "one of the three groups": not a count claimed
            if self._nearest(count, triggers) is not None and self._nearest(count, triggers).start != trigger.start:
                continue
            after = [t for t in self.doc[count.end : count.end + 3] if not (t.is_punct and t.text in "\"'\u201c\u201d")]
            nxt = after[0] if after else None
            words = count.words.lower().split()
            noun = nxt is not None and nxt.is_alpha and nxt.lower_ not in self.lex.words("count_stops")
            vague = words[-1] in {w for k in self.lex.table("vague_counts") for w in k.split()}
            if not (words[0] in self.lex.words("count_all") or noun or vague):
                continue
            gap = trigger.start - count.end if count.end <= trigger.start else count.start - trigger.end
            people = {t.lower_ for t in self.doc[count.end : count.end + 3]} & self.lex.words("person_nouns")
            if kind == "casualties" and count.end <= trigger.start and people:
                gap -= 10  # "five civilians had been killed and 31 wounded": the dead are counted first
            if gap < distance:
                best, distance = count, gap
        return best

    @staticmethod
    def _nearest(count: Count, triggers: list[Trigger]) -> Trigger | None:
        def gap(t: Trigger) -> int:
            return t.start - count.end if count.end <= t.start else count.start - t.end

        return min(triggers, key=gap, default=None)

    def _when(self, candidate: Candidate, trigger: Trigger, clause, number: int) -> None:
        for when in self.when_tokens.get(number, []):
            if clause[0] <= when.start < clause[1]:
                candidate.when = when
                return

    def _date(self, candidate: Candidate, sentence: Span, frames: list[Frame]) -> None:
        whens = self.when_tokens.get(candidate.sentence, [])
        if whens:
            candidate.when, candidate.when_from_frame = whens[0], True
            candidate.notes.append("date: the day it was said (the sentence gives no other)")

    def _subject(self, candidate: Candidate, trigger: Trigger, clause, frame: Frame) -> Entity | None:
        gaz, claimant = self.gazetteer, candidate.claimant
        before = [m for m in self.mentions.actors(clause[0], trigger.start) if not m.person]
        after = [m for m in self.mentions.actors(trigger.end, clause[1]) if not m.person]
        own = self.lex.words("own_side")
        owned = any(t.lower_ in own for t in self.doc[clause[0] : trigger.start])
        if trigger.group.flag("with_frame"):  # "claimed responsibility for": the claimant did it
            return claimant
        if candidate.kind == "casualties":
            victims = [m.actor for m in before + after if claimant is None or gaz.independent(m.actor.id, claimant.id)]
            return victims[0] if victims else self._opponent(claimant)
        if before and not before[-1].possessive:
            return before[-1].actor
        if after and self.doc[trigger.end - 1].lower_ == "of":
            return after[0].actor
        if candidate.kind == "attack" and not owned:
            return self._opponent(claimant)
        return claimant

    def _opponent(self, claimant: Entity | None) -> Entity | None:
        if claimant is None:
            return None
        for party in self._parties() + [c.claimant for c in reversed(self.candidates) if c.claimant is not None]:
            if (
                party is not None
                and self.gazetteer.independent(party.id, claimant.id)
                and party.category not in ("media", "organization")
            ):
                return party
        return None

    def _evidence(self, trigger: Trigger, place: Mention | None, count: Count | None) -> tuple[int, int]:
        """The claim words with their count and place when these stand close by (before them, only in the
        same stretch of words: "the town was taken", not "Lebanon overnight, killing")."""
        start, end = trigger.start, trigger.end
        for part in (count, place):
            if part is None:
                continue
            if part.start >= trigger.end and part.start - trigger.end <= 10:
                end = max(end, self._noun_after(part.end) if part is count else part.end)
            elif part.end <= trigger.start and self._joined(part.end, start):
                start = min(start, part.start)
        return start, end

    def _noun_after(self, end: int) -> int:
        """ "killing 12" -> "killing 12 militants": the counted word when it is a person or a position."""
        nouns = self.lex.words("person_nouns") | self.lex.words("ground_nouns")
        other = 0
        for i in range(end, min(end + 4, len(self.doc))):
            token = self.doc[i]
            if token.lower_ in nouns or (
                token.is_lower and token.is_alpha and token.lower_.endswith(tuple(self.lex.words("plural_endings")))
            ):
                return i + 1
            other += token.is_alpha and token.is_lower and token.lower_ not in self.lex.words("count_stops")
            if other > 1:
                break
        return end

    def _joined(self, start: int, end: int) -> bool:
        between = self.doc[start:end]
        return len(between) <= 6 and all(t.is_alpha and t.lower_ not in self.lex.words("joins") for t in between)

    # Statements: denials and confirmations ------------------------------------------------------------

    def _statement(self, number, sentence, frame, content, breaks, stance, predicate=None) -> None:
        if frame.body is None and not frame.both_sides:
            return
        doc = self.doc
        region_end = min([b for b in breaks if b > frame.end and b != frame.end] + [sentence.end])
        nouns, plural = self.lex.words("claim_nouns"), self.lex.words("plural_claim_nouns")
        anaphor = None
        if not content:
            for token in sentence:
                pointing = token.i > 0 and doc[token.i - 1].lower_ in self.lex.words("pointing")
                if token.lower_ in self.lex.words("group_pronouns"):
                    pointing = frame.start < token.i < frame.end + 3
                if token.lower_ in nouns and pointing:
                    anaphor = "all" if token.lower_ in plural else "one"
                    break
            if anaphor is None and predicate is None:
                return
        candidate = Candidate(
            "statement",
            number,
            content[0].start if content else frame.start,
            (frame.start, frame.end),
            frame.body,
            frame.person,
        )
        candidate.stance, candidate.anaphor = stance, anaphor or ("all" if predicate else None)
        candidate.notes += frame.notes
        if content:
            first = content[0]
            clause = self._clause(first.start, sentence, breaks)
            candidate.family = FAMILIES.get(first.kind, (first.kind,))
            location, how = self._location(first, clause, self.doc[clause[0] : clause[1]], first.kind)
            candidate.location = location
            if how:
                candidate.notes.append(how)
            start = (
                frame.start
                if frame.start < first.start and first.start - frame.end <= 8
                else self._negation_start(first)
            )
            candidate.tokens = self._trim((start, first.end))
            region = (frame.end, clause[1])
        else:
            stop = predicate[1] if predicate else region_end
            places = self._places(frame.end, stop)
            candidate.location = places[0].location if places else None
            candidate.tokens = self._trim(predicate if predicate else (frame.start, min(stop, frame.end + 3)))
            region = (frame.end, stop)
        for mention in self.mentions.actors(*region):
            if not mention.possessive and self.gazetteer.independent(mention.actor.id, frame.body.id):
                candidate.content_subject = mention.actor
                break
        what = "denial" if stance == "denies" else "confirmation"
        candidate.notes.append(f"a {what} by {frame.body.name}" + ("" if content else ", of a claim named before"))
        self.candidates.append(candidate)

    def _negation_start(self, trigger: Trigger) -> int:
        i = trigger.start
        while i > 0 and trigger.start - i < 3 and self.doc[i - 1].lower_ in self.lex.words("negation_aux"):
            i -= 1
        return i

    def _trim(self, tokens: tuple[int, int]) -> tuple[int, int]:
        start, end = tokens
        while end > start + 1 and not self.doc[end - 1].is_alpha:
            end -= 1
        return start, end

    # "Among them was the town of Shattal" ---------------------------------------------------------------

    def _continues(self, number: int, sentence: Span) -> bool:
        phrase = next((p for p in self.lex.phrases("continuation") if starts_with(self.doc, sentence.start, p)), None)
        parents = [c for c in self.candidates if c.sentence == number - 1 and c.capture and c.stance is None]
        if phrase is None or not parents:
            return False
        self._children(parents[0], sentence.start + len(phrase), sentence.end, number)
        return True

    def _inclusions(self, sentence: Span, before: int) -> None:
        for candidate in self.candidates[before:]:
            if not candidate.capture or candidate.kind != "advance":
                continue
            for i in range(candidate.position, sentence.end):
                phrase = next(
                    (p for p in self.lex.phrases("inclusion") if starts_with(self.doc, i, p)),
                    None,
                )
                if phrase is not None:
                    self._children(candidate, i + len(phrase), sentence.end, candidate.sentence)
                    break

    def _children(self, parent: Candidate, start: int, end: int, number: int) -> None:
        places = self._places(start, end)
        inner = [
            m
            for m in places
            if not any(
                o.location.id != m.location.id and self.gazetteer.contains(m.location.id, o.location.id) for o in places
            )
        ]
        for mention in inner:
            if self._demoted(mention, "control") or mention.anaphor:
                continue
            child = Candidate(
                "control", number, mention.start, (mention.start, mention.end), parent.claimant, parent.spokesperson
            )
            child.subject, child.location, child.parent, child.when = (
                parent.subject,
                mention.location,
                parent,
                parent.when,
            )
            child.notes = [f"named among what {parent.claimant.name} says it took", f"place: {mention.location.name}"]
            child.confidence = parent.confidence - 0.05
            self.candidates.append(child)
