"""Reads of actors: blocs and subtrees."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from actors.models import Actor
from core.tree import subtree_q


def actor_list() -> QuerySet[Actor]:
    return Actor.objects.select_related("parent", "bloc")


def actor_by_id_or_slug(value: str | int) -> Actor | None:
    text = str(value).strip()
    lookup = Q(pk=int(text)) if text.isdigit() else Q(slug=text)
    return Actor.objects.filter(lookup).first()


def actor_subtree_q(actors: Iterable[Actor], prefix: str = "") -> Q:
    """A filter for the given actors and everything below them (``prefix`` reaches through a relation)."""
    return subtree_q(actors, prefix)


def actor_subtree_ids(actor_ids: Iterable[int]) -> set[int]:
    paths = list(Actor.objects.filter(pk__in=list(actor_ids)).values_list("path", flat=True))
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return set(Actor.objects.filter(q).values_list("pk", flat=True))


def same_bloc(a: Actor, b: Actor) -> bool:
    return a.bloc_id == b.bloc_id


def bloc_ids(actor_ids: Iterable[int | None]) -> dict[int, int]:
    """The stored bloc of each actor (callers' objects may predate a bloc move)."""
    ids = [pk for pk in actor_ids if pk is not None]
    rows = Actor.objects.filter(pk__in=ids).values_list("pk", "bloc_id")
    return {pk: bloc or pk for pk, bloc in rows}
