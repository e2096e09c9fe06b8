"""One claim said twice is one draft; a denial or a confirmation finds the claims it answers."""

from __future__ import annotations

from .drafting import FAMILIES, Candidate
from .gazetteer import Gazetteer


def _richness(c: Candidate) -> int:
    return (c.count is not None) * 4 + (c.spokesperson is not None) * 2 + (c.when is not None and not c.when_from_frame)


def _same_place(a: Candidate, b: Candidate) -> bool:
    return (a.location.id if a.location else None) == (b.location.id if b.location else None)


def _compatible(a: Candidate, b: Candidate) -> bool:
    if a.count is not None and b.count is not None and (a.count.low, a.count.high) != (b.count.low, b.count.high):
        return False
    dated = a.when is not None and b.when is not None and not a.when_from_frame and not b.when_from_frame
    return not (dated and a.when.first != b.when.first)


def merge(candidates: list[Candidate]) -> tuple[list[Candidate], dict[int, Candidate]]:
    """Claims with the same claimant, kind and place (and no clash of counts or dates) become one; the
    richest keeps its words. Returns the kept claims and where each candidate went."""
    kept: list[Candidate] = []
    into: dict[int, Candidate] = {}
    for c in candidates:
        same = next(
            (
                k
                for k in kept
                if k.kind == c.kind
                and k.stance == c.stance
                and k.claimant is not None
                and c.claimant is not None
                and k.claimant.id == c.claimant.id
                and _same_place(k, c)
                and (c.stance is not None or _compatible(k, c))
            ),
            None,
        )
        if same is None:
            kept.append(c)
            into[id(c)] = c
            continue
        into[id(c)] = same
        base, other = (c, same) if _richness(c) > _richness(same) else (same, c)
        if base is c:  # the richer words take the earlier one's place in the list
            kept[kept.index(same)] = c
            for key, value in list(into.items()):
                if value is same:
                    into[key] = c
        base.spokesperson = base.spokesperson or other.spokesperson
        base.count = base.count or other.count
        if base.when is None or (base.when_from_frame and other.when is not None and not other.when_from_frame):
            base.when, base.when_from_frame = other.when, other.when_from_frame
        base.position = min(base.position, other.position)
        base.sentence = min(base.sentence, other.sentence)
        base.targets += [t for t in other.targets if t not in base.targets]
        base.notes.append("said more than once in the article: one draft")
        base.confidence = min(0.95, max(base.confidence, other.confidence) + 0.05)
        base.capture = base.capture or other.capture
        base.family = base.family or other.family
        base.content_subject = base.content_subject or other.content_subject
        base.anaphor = base.anaphor if base.anaphor is not None else other.anaphor
    for c in kept:
        if c.parent is not None:
            c.parent = into.get(id(c.parent), c.parent)
    return kept, into


def answer(statements: list[Candidate], claims: list[Candidate], gazetteer: Gazetteer) -> None:
    """Set ``targets`` (and, where the words gave none, ``location``) of each denial and confirmation."""
    done: list[Candidate] = []
    for s in statements:
        pool = [
            c
            for c in claims
            if s.claimant is not None and c.claimant is not None and gazetteer.independent(c.claimant.id, s.claimant.id)
        ]
        if s.family:
            pool = [c for c in pool if c.kind in s.family]
        if s.content_subject is not None:
            bloc = gazetteer.bloc(s.content_subject.id)
            theirs = [
                c
                for c in pool
                if bloc in (gazetteer.bloc(c.claimant.id), gazetteer.bloc(c.subject.id if c.subject else None))
            ]
            pool = theirs or pool
        location = s.location
        if location is None and s.anaphor is None:
            earlier = [d for d in done if d.claimant is s.claimant and d.stance == s.stance and d.location is not None]
            if earlier:
                location = earlier[-1].location
                s.notes.append(f"place: {location.name}, as in the same speaker's earlier {s.stance[:-1]}al")
        if location is not None:
            targets = [
                c
                for c in pool
                if c.location is not None
                and (gazetteer.contains(location.id, c.location.id) or gazetteer.contains(c.location.id, location.id))
            ]
            targets += [c for c in pool if c.parent in targets and c not in targets]
        elif s.anaphor is not None:
            targets = _pointed(s, pool, gazetteer)
        else:
            before = [c for c in pool if c.position < s.position]
            nearest = before[-1] if before else (pool[0] if pool else None)
            targets = [c for c in pool if nearest is not None and _same_place(c, nearest)]
        s.targets = targets
        if s.location is None:
            places = {c.location.id: c.location for c in targets if c.location is not None}
            if len(places) == 1:
                s.location = next(iter(places.values()))
            elif location is not None:
                s.location = location
        done.append(s)


def _pointed(s: Candidate, pool: list[Candidate], gazetteer: Gazetteer) -> list[Candidate]:
    """ "rejected the claim": the claims of the last sentence before it that made any (the first of them
    for "the claim", all of that bloc's before it for "the claims")."""
    before = [c for c in pool if c.sentence < s.sentence or (c.sentence == s.sentence and c.position < s.position)]
    if not before:
        return []
    if s.anaphor == "all":
        bloc = gazetteer.bloc(before[-1].claimant.id)
        return [c for c in before if gazetteer.bloc(c.claimant.id) == bloc]
    same = [c for c in before if c.sentence == s.sentence]
    if not same:
        last = max(c.sentence for c in before)
        same = sorted((c for c in before if c.sentence == last), key=lambda c: c.position)
    first = same[0]
    return [first] + [c for c in same[1:] if c.kind in FAMILIES.get(first.kind, ()) and c.claimant is first.claimant]
