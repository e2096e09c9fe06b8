"""Where the text names an actor or a place: gazetteer phrases, then "the town", "there", "the ministry"
read back to the last one that fits, and people tied to the body they speak for."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from spacy.tokens import Doc

from .context import resolve
from .gazetteer import Gazetteer, _latin
from .model import Entity
from .pipeline import Rules


@dataclass
class Mention:
    start: int  # token indexes in the Doc, end exclusive
    end: int
    actor: Entity | None = None
    location: Entity | None = None
    anaphor: bool = False
    possessive: bool = False  # "Taliban's": a modifier, not who speaks
    rule: dict | None = None  # for "the ministry", "the group": which actors it can stand for

    @property
    def person(self) -> bool:
        return self.actor is not None and self.actor.category == "person"


def fits(actor: Entity, rule: dict) -> bool:
    """Can "the ministry" (or "the group", ...: the lexicon's rule) stand for this actor?"""
    if actor.category == "person":
        return False
    words = {w for n in actor.names for w in n.lower().split()}
    return actor.category in rule.get("categories", []) or bool(words & set(rule.get("name_words", [])))


def _label(label: str) -> tuple[str, int]:
    kind, _, number = label.partition(":")
    return kind, int(number)


class Mentions:
    """The mentions of one article, in text order."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer, rules: Rules):
        self.doc, self.gazetteer, self.lexicon = doc, gazetteer, rules.lexicon
        spans: dict[tuple[int, int], list[Entity]] = {}
        lower, exact = gazetteer.matchers(rules.nlp)
        vocab = rules.nlp.vocab.strings
        for matcher in (lower, exact):
            for match_id, start, end in matcher(doc):
                entity = gazetteer.get(*_label(vocab[match_id]))
                if entity is not None:
                    spans.setdefault((start, end), []).append(entity)
        if rules.nlp.lang != "en":
            self._stem_matches(spans)
        titles = frozenset(self.lexicon.words("roles") | self.lexicon.words("not_names"))
        spans = resolve(spans, doc, gazetteer, titles)
        taken: set[int] = set()
        found: list[Mention] = []
        for (start, end), entities in sorted(spans.items(), key=lambda s: (s[0][0] - s[0][1], s[0][0])):
            if any(i in taken for i in range(start, end)):
                continue
            taken.update(range(start, end))
            actors = sorted((e for e in entities if e.kind == "actor"), key=lambda e: e.id)
            places = sorted((e for e in entities if e.kind == "location"), key=lambda e: e.id)
            nxt = doc[end].lower_ if end < len(doc) else ""
            found.append(
                Mention(
                    start,
                    end,
                    actors[0] if actors else None,
                    places[0] if places else None,
                    possessive=nxt in self.lexicon.words("possessive_marks"),
                )
            )
        found.sort(key=lambda m: m.start)
        self.items = found
        self._add_anaphors(taken)
        self._starts = [m.start for m in self.items]
        self.speaks_for = self._attachments()

    # Finding ------------------------------------------------------------------------------------------

    def _stem_matches(self, spans: dict[tuple[int, int], list[Entity]]) -> None:
        stems = self.gazetteer.stems()
        covered = {i for start, end in spans for i in range(start, end)}
        for token in self.doc:
            word = token.lower_
            if token.i in covered or len(word) < 5 or _latin(word):
                continue
            for cut in range(0, 4):
                stem = word[: len(word) - cut] if cut else word
                if len(stem) >= 4 and stem in stems:
                    spans[(token.i, token.i + 1)] = [self.gazetteer.get(*key) for key in stems[stem]]
                    break

    def _add_anaphors(self, taken: set[int]) -> None:
        places = self.lexicon.table("place_anaphors")
        actors = self.lexicon.table("actor_anaphors")
        definite, marks = self.lexicon.words("definite"), self.lexicon.words("possessive_marks")
        doc, added = self.doc, []
        for token in doc:
            word, i = token.lower_, token.i
            if i in taken:
                continue
            nxt = doc[i + 1].lower_ if i + 1 < len(doc) else ""
            after = doc[i + 1] if i + 1 < len(doc) else None
            if word == "there" and "there" in places:
                if nxt not in self.lexicon.words("existential"):
                    place = self._recent_place(i, ["*"], word)
                    if place is not None:
                        added.append(Mention(i, i + 1, location=place, anaphor=True))
                continue
            before = doc[i - 1].lower_ if i else ""
            before2 = doc[i - 2].lower_ if i > 1 else ""
            led = before in definite or (before2 in definite and doc[i - 1].is_lower and doc[i - 1].is_alpha)
            if not led or nxt == "of" or (after is not None and after.is_title and i + 1 in taken):
                continue
            if word in places:
                place = self._recent_place(i, places[word], word)
                if place is not None:
                    added.append(Mention(i, i + 1, location=place, anaphor=True, possessive=nxt in marks))
            elif word in actors and before in definite:
                actor = self._recent_actor(i, actors[word]) or self._next_actor(i, actors[word])
                if actor is not None:
                    possessive = nxt in marks
                    added.append(Mention(i, i + 1, actor=actor, anaphor=True, possessive=possessive, rule=actors[word]))
        for token in doc:  # "An alliance of ethnic armed groups ... claimed": named in what follows
            i = token.i
            opens = i and i - 1 == token.sent.start and doc[i - 1].lower_ in self.lexicon.words("indefinite")
            if token.lower_ in actors and i not in taken and opens:
                actor = self._next_actor(i, actors[token.lower_])
                if actor is not None:
                    added.append(Mention(i - 1, i + 1, actor=actor, anaphor=True, rule=actors[token.lower_]))
        if added:
            self.items = sorted(self.items + added, key=lambda m: m.start)

    def _recent_place(self, i: int, categories: list[str], word: str) -> Entity | None:
        """The last place of that sort named before token ``i`` (not one only gone towards: "a step towards
        Bakhmut" leaves "the town" to the town of the claim)."""
        away = self.lexicon.words("direction_words")
        for mention in reversed(self.items):
            if mention.start >= i or mention.location is None or mention.anaphor:
                continue
            lead = [t for t in self.doc[max(0, mention.start - 3) : mention.start] if t.is_alpha]
            if lead and any(t.lower_ in away for t in lead[-2:]):
                continue
            place = mention.location
            if "*" in categories:
                if place.category != "country":
                    return place
                continue
            if place.category in categories or any(word in n.lower().split() for n in place.names):
                return place
        return None

    def _recent_actor(self, i: int, rule: dict) -> Entity | None:
        for mention in reversed(self.items):
            if mention.start < i and mention.actor is not None and fits(mention.actor, rule):
                return mention.actor
        return None

    def _next_actor(self, i: int, rule: dict) -> Entity | None:
        sentences = 0
        for token in self.doc[i:]:
            sentences += token.is_sent_start and token.i > i
            if sentences > 2:
                break
            mention = next((m for m in self.items if m.start == token.i), None)
            if mention is not None and mention.actor is not None and fits(mention.actor, rule):
                return mention.actor
        return None

    def _attachments(self) -> dict[int, Entity]:
        """Person mention (by start) -> the body named next to them: "NRF spokesman Fahim Dashti", "Getachew
        Reda, a spokesman for the TPLF", "the head of the Wagner company, Yevgeny Prigozhin"."""
        roles = self.lexicon.words("roles")
        doc, tied = self.doc, {}
        for number, person in enumerate(self.items):
            if not person.person:
                continue
            sentence = doc[person.start].sent
            for other in self.items[max(0, number - 3) : number + 4]:
                if other is person or other.actor is None or other.person:
                    continue
                if other.start < sentence.start or other.end > sentence.end:
                    continue
                if other.end <= person.start:
                    between = [t.lower_ for t in doc[other.end : person.start]]
                    before = [t.lower_ for t in doc[max(sentence.start, other.start - 4) : other.start]]
                    near = len(between) <= 3 and (roles & set(between) or (between == [","] and roles & set(before)))
                else:
                    between = [t.lower_ for t in doc[person.end : other.start]]
                    near = len(between) <= 9 and roles & set(between) and between[:1] == [","]
                if near:
                    tied[person.start] = other.actor
            lead = [t.lower_ for t in doc[max(sentence.start, person.start - 3) : person.start]]
            if person.start not in tied and set(lead) & {"its", "their"} and set(lead) & roles:
                earlier = [m for m in self.items[:number] if m.actor is not None and not m.person]
                if earlier:  # "Its spokesman Getachew Reda": the body named last
                    tied[person.start] = earlier[-1].actor
        return tied

    # Looking up ---------------------------------------------------------------------------------------

    def within(self, start: int, end: int) -> list[Mention]:
        first = bisect_left(self._starts, start)
        found = []
        for mention in self.items[first:]:
            if mention.start >= end:
                break
            if mention.end <= end:
                found.append(mention)
        return found

    def actors(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.within(start, end) if m.actor is not None]

    def places(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.within(start, end) if m.location is not None]

    def last_person(self, before: int) -> Mention | None:
        for mention in reversed(self.items[: bisect_left(self._starts, before)]):
            if mention.person:
                return mention
        return None

    def speaker(self, mention: Mention) -> tuple[Entity, Entity | None]:
        """(the body whose claim it is, the person who spoke for it or None)."""
        actor = mention.actor
        assert actor is not None
        if not mention.person:
            return actor, None
        parent = self.gazetteer.actor(actor.parent_id)
        named = self.speaks_for.get(mention.start)
        if named is not None and (
            parent is None or named.id not in [parent.id, *self.gazetteer.ancestors("actor", parent.id)]
        ):
            return named, actor
        if parent is not None:
            return parent, actor
        return actor, None
