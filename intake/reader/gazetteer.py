"""The database's actors and places as phrases to find in a text, with their family trees (blocs).

Build one Gazetteer from all entities and keep it (the Django side caches it and builds it again when an
actor or a place changes): the phrase matchers are made once per tokenizer ("en", "xx") on first use.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable

from spacy.matcher import PhraseMatcher

from .model import Entity

Key = tuple[str, int]  # ("actor" | "location", id)


def _is_acronym(name: str) -> bool:
    """Short upper-case names (IS, IEA, RSF) are matched with their case: "is" is not the Islamic State."""
    letters = [c for c in name if c.isalpha()]
    return 0 < len(letters) <= 4 and all(c.isupper() for c in letters)


def _latin(word: str) -> bool:
    return all("LATIN" in unicodedata.name(c, "LATIN") for c in word if c.isalpha())


class Gazetteer:
    """Every actor and place, searchable by name and alias in any script."""

    def __init__(self, entities: Iterable[Entity]):
        self.entities: dict[Key, Entity] = {}
        for entity in entities:
            self.entities[(entity.kind, entity.id)] = entity
        self._matchers: dict[int, tuple[PhraseMatcher, PhraseMatcher]] = {}
        self._stems: dict[str, list[Key]] | None = None
        self._lock = threading.Lock()
        self._roots: dict[Key, Key] = {}

    def __len__(self) -> int:
        return len(self.entities)

    def get(self, kind: str, id: int | None) -> Entity | None:
        return self.entities.get((kind, id)) if id is not None else None

    def actor(self, id: int | None) -> Entity | None:
        return self.get("actor", id)

    def place(self, id: int | None) -> Entity | None:
        return self.get("location", id)

    # Family trees -------------------------------------------------------------------------------------

    def ancestors(self, kind: str, id: int) -> list[int]:
        """The parent chain, nearest first (a broken or circular chain stops where it breaks)."""
        chain: list[int] = []
        entity = self.get(kind, id)
        while entity is not None and entity.parent_id is not None and entity.parent_id not in chain:
            if entity.parent_id == id:
                break
            chain.append(entity.parent_id)
            entity = self.get(kind, entity.parent_id)
        return chain

    def bloc(self, actor_id: int | None) -> int | None:
        """The root of an actor's parent chain: actors in one bloc are affiliated."""
        if actor_id is None:
            return None
        key = ("actor", actor_id)
        if key not in self._roots:
            chain = self.ancestors("actor", actor_id)
            self._roots[key] = ("actor", chain[-1] if chain else actor_id)
        return self._roots[key][1]

    def independent(self, a: int | None, b: int | None) -> bool:
        return a is not None and b is not None and self.bloc(a) != self.bloc(b)

    def contains(self, outer: int, inner: int) -> bool:
        """Is place ``inner`` inside place ``outer`` (or the same place)?"""
        return outer == inner or outer in self.ancestors("location", inner)

    # Matching -----------------------------------------------------------------------------------------

    def matchers(self, nlp) -> tuple[PhraseMatcher, PhraseMatcher]:
        """(case-insensitive matcher, exact-case matcher for acronyms) for this pipeline's tokenizer."""
        key = id(nlp.vocab)
        with self._lock:
            if key not in self._matchers:
                lower = PhraseMatcher(nlp.vocab, attr="LOWER")
                exact = PhraseMatcher(nlp.vocab, attr="ORTH")
                by_label: dict[str, tuple[list[str], list[str]]] = {}
                for (kind, id_), entity in self.entities.items():
                    label = f"{kind}:{id_}"
                    names = {n.strip() for n in entity.names if n and n.strip()}
                    by_label[label] = (
                        [n for n in names if not _is_acronym(n)],
                        [n for n in names if _is_acronym(n)],
                    )
                for label, (plain, acronyms) in by_label.items():
                    if plain:
                        lower.add(label, list(nlp.tokenizer.pipe(plain)))
                    if acronyms:
                        exact.add(label, list(nlp.tokenizer.pipe(acronyms)))
                self._matchers[key] = (lower, exact)
            return self._matchers[key]

    def stems(self) -> dict[str, list[Key]]:
        """One-word names outside the Latin script, without their last letter: a Russian or Ukrainian
        text inflects names (Бахмут, Бахмута, Бахмуте), and a stem finds them all."""
        with self._lock:
            if self._stems is None:
                stems: dict[str, list[Key]] = {}
                for key, entity in self.entities.items():
                    for name in entity.names:
                        word = name.strip().lower()
                        if " " in word or len(word) < 5 or _latin(word):
                            continue
                        stems.setdefault(
                            word[:-1] if not word[-1].isalpha() or word[-1] in "аеёиоуыэюяйь" else word, []
                        ).append(key)
                self._stems = stems
            return self._stems
