"""Reads of locations: subtrees and ancestors."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from core.tree import subtree_q
from locations.models import Location


def location_list() -> QuerySet[Location]:
    return Location.objects.select_related("parent")


def location_by_id_or_slug(value: str | int) -> Location | None:
    text = str(value).strip()
    lookup = Q(pk=int(text)) if text.isdigit() else Q(slug=text)
    return Location.objects.filter(lookup).first()


def location_subtree_q(locations: Iterable[Location], prefix: str = "") -> Q:
    """A filter for the given locations and every place below them (``prefix`` reaches through a relation)."""
    return subtree_q(locations, prefix)


def location_ancestors(location: Location) -> list[Location]:
    ids = location.path_ids[:-1]
    by_id = Location.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]
