"""Which of the database's entities a name stands for, judged by the rest of the article.

The gazetteer holds every conflict the database knows. A name can belong to several entities ("the army"
is an alias of more than one armed force), and a weak name (a common noun such as "the army" or "the
ministry", or a person's bare surname) can match an entity of another conflict altogether. A match is
kept when the article names that entity, or an entity of its bloc (the root of its parent chain), by a
strong name (a proper name that no other entity shares), or names a place or body that the entity's own
name holds ("local militias" is "Baghlan local militias" in an article naming Baghlan); a surname inside
another full name is
someone else's; among several entities sharing one name, the best
supported is kept. Places sharing a name are resolved the same way, by the places named under the same root
(the country).
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from .gazetteer import Gazetteer
from .model import Entity

Span = tuple[int, int]


def _flat(text: str) -> str:
    return "".join(text.lower().split())


def _matched_name(entity: Entity, text: str) -> str:
    flat = _flat(text)
    return next((n for n in entity.names if _flat(n) == flat), entity.name)


def weak(name: str) -> bool:
    """A common noun ("the army", "junta", "local militias"): a name that can stand for another conflict's
    body in an article about that conflict."""
    letters = [c for c in name if c.isalpha()]
    return any(c.islower() for c in letters) and not any(c.isupper() for c in letters)  # scripts without case: no


def _someone_else(entity: Entity, name: str, doc: Doc, start: int, titles: frozenset[str]) -> bool:
    """A person's bare surname inside another full name ("Ali Abdallah Saleh" is not Amrullah Saleh)."""
    if entity.category != "person" or len(name.split()) != 1 or not start or doc[start].is_sent_start:
        return False
    before = doc[start - 1]
    return before.is_alpha and before.is_title and before.lower_ not in titles


class Support:
    """How strongly the article names each actor bloc and each place tree."""

    def __init__(self, spans: dict[Span, list[Entity]], doc: Doc, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.own: Counter = Counter()
        self.blocs: Counter = Counter()
        self.roots: Counter = Counter()
        self.strong: set[str] = set()  # the strong names the article uses, lower case
        for (start, end), entities in spans.items():
            text = doc[start:end].text
            for kind in ("actor", "location"):
                found = [e for e in entities if e.kind == kind]
                if len(found) != 1 or weak(_matched_name(found[0], text)):
                    continue
                entity = found[0]
                self.strong.add(" ".join(text.lower().split()))
                self.own[(kind, entity.id)] += 1
                if kind == "actor":
                    self.blocs[gazetteer.bloc(entity.id)] += 1
                else:
                    self.roots[self.root(entity.id)] += 1

    def root(self, place_id: int) -> int:
        chain = self.gazetteer.ancestors("location", place_id)
        return chain[-1] if chain else place_id

    def named_within(self, entity: Entity) -> bool:
        """Does the entity's own name hold a strong name of the article ("Baghlan local militias" in an
        article naming Baghlan)? Then a weak name of it ("local militias") is about this article's world."""
        words = f" {' '.join(entity.name.lower().split())} "
        return any(f" {strong} " in words for strong in self.strong)

    def score(self, entity: Entity) -> tuple[int, int]:
        own = self.own[(entity.kind, entity.id)]
        if entity.kind == "actor":
            return own, self.blocs[self.gazetteer.bloc(entity.id)]
        return own, self.roots[self.root(entity.id)]


def resolve(
    spans: dict[Span, list[Entity]], doc: Doc, gazetteer: Gazetteer, titles: frozenset[str] = frozenset()
) -> dict[Span, list[Entity]]:
    """The spans with, for each kind, the one entity the article supports (a weak name with no support and
    a shared name that the article does not settle are left out; a shared proper name keeps its first).
    ``titles``: words that may stand before a surname ("President", "Mr")."""
    support = Support(spans, doc, gazetteer)
    resolved: dict[Span, list[Entity]] = {}
    for (start, end), entities in spans.items():
        text = doc[start:end].text
        kept: list[Entity] = []
        for kind in ("actor", "location"):
            found = sorted((e for e in entities if e.kind == kind), key=lambda e: e.id)
            if not found:
                continue
            ranked = sorted(found, key=lambda e: support.score(e), reverse=True)
            best = ranked[0]
            score = support.score(best)
            tied = len(ranked) > 1 and support.score(ranked[1]) == score
            name = _matched_name(best, text)
            unsupported = score == (0, 0) and not support.named_within(best)
            if weak(name) and (unsupported or tied):
                continue  # "the army" of a conflict the article does not name, or of two it names alike
            if _someone_else(best, name, doc, start, titles):
                continue
            kept.append(best)
        if kept:
            resolved[(start, end)] = kept
    return resolved
