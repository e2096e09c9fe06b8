"""The reader's gazetteer: every actor and place the database knows, by name and alias, built once
per state of the data and reused for every article read until an actor or a place changes."""

from __future__ import annotations

import threading

from django.db.models import Count, Max

from actors.models import Actor
from intake.reader import Entity, Gazetteer, warm
from locations.models import Location

_lock = threading.Lock()
_cached: tuple[tuple, Gazetteer] | None = None


def _stamp() -> tuple:
    """What the gazetteer depends on: how many actors and places there are and when one last
    changed (a delete lowers the count; an edit moves ``updated_at``)."""
    actors = Actor.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    places = Location.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    return tuple(actors.values()) + tuple(places.values())


def entities() -> list[Entity]:
    """Every actor and place as the reader sees them."""
    found = [
        Entity(kind="actor", id=pk, slug=slug, name=name, aliases=tuple(aliases or ()), parent_id=parent, category=kind)
        for pk, slug, name, aliases, parent, kind in Actor.objects.values_list(
            "id", "slug", "name", "aliases", "parent_id", "kind"
        )
    ]
    found += [
        Entity(
            kind="location", id=pk, slug=slug, name=name, aliases=tuple(aliases or ()), parent_id=parent, category=kind
        )
        for pk, slug, name, aliases, parent, kind in Location.objects.values_list(
            "id", "slug", "name", "aliases", "parent_id", "kind"
        )
    ]
    return found


def gazetteer() -> Gazetteer:
    """The gazetteer of the data as it is now (built again only when an actor or a place changed)."""
    global _cached
    stamp = _stamp()
    with _lock:
        if _cached is not None and _cached[0] == stamp:
            return _cached[1]
    built = Gazetteer(entities())
    warm(built)  # the matchers are built now, not during the first article read with it
    with _lock:
        _cached = (stamp, built)
    return built
