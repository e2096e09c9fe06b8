"""Writes to actors. A change of parent moves a subtree between blocs; ``actors.events.actors_changed``
tells subscribers (the claims app) which actors moved, so they can recompute what depends on blocs."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from actors import events
from actors.models import Actor
from core.services import (
    apply_fields,
    check_slug,
    clean_aliases,
    delete_or_refuse,
    full_clean,
    merge_reasons,
    merged_aliases,
    repoint_references,
    unique_slug,
)
from core.text import clean_fields
from core.tree import check_parent, move_subtree, node_path, refresh_parent

EDITABLE = ("name", "slug", "kind", "parent", "aliases", "description", "is_party")


def _announce(
    actor_ids: set[int], *, merged: dict[int, int] | None = None, moved: bool = True, actor_id: int | None = None
) -> None:
    if actor_ids:
        events.actors_changed.send(
            sender=Actor, actor_ids=actor_ids, merged=merged or {}, moved=moved, actor_id=actor_id
        )


def _prepare(actor: Actor) -> None:
    clean_fields(actor, lines=["name"], texts=["description"])
    actor.aliases = clean_aliases(actor.aliases)
    if not actor.slug:
        actor.slug = unique_slug(Actor, actor.name, exclude_pk=actor.pk, fallback="actor")
    else:
        check_slug(Actor, actor.slug, exclude_pk=actor.pk)
    refresh_parent(actor)
    check_parent(actor, actor.parent)
    full_clean(actor, exclude=["path", "bloc"])


@transaction.atomic
def actor_create(*, name: str, **fields: Any) -> Actor:
    actor = Actor(name=name)
    apply_fields(actor, fields, EDITABLE)
    _prepare(actor)
    actor.save()
    actor.path = node_path(actor, actor.parent)
    actor.bloc_id = actor.parent.bloc_id if actor.parent else actor.pk  # type: ignore[attr-defined]
    Actor.objects.filter(pk=actor.pk).update(path=actor.path, bloc_id=actor.bloc_id)
    return actor


@transaction.atomic
def actor_update(*, actor: Actor, **fields: Any) -> Actor:
    """Update an actor; a new parent moves it and everything below it into the parent's bloc."""
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    old_path, old_bloc, old_name = actor.path, actor.bloc_id, actor.name
    changed = apply_fields(actor, fields, EDITABLE)
    _prepare(actor)
    actor.save()
    moved: set[int] = set()
    if "parent" in changed:
        new_path = node_path(actor, actor.parent)
        new_bloc = actor.parent.bloc_id if actor.parent else actor.pk  # type: ignore[attr-defined]
        move_subtree(Actor, old_path, new_path, bloc_id=new_bloc)
        actor.path, actor.bloc_id = new_path, new_bloc
        if new_bloc != old_bloc:
            moved = set(Actor.objects.filter(path__startswith=new_path).values_list("pk", flat=True))
    if moved or actor.name != old_name:
        _announce(moved | {actor.pk}, moved=bool(moved), actor_id=actor.pk)
    return actor


def actor_set_parent(*, actor: Actor, parent: Actor | None) -> Actor:
    """Move an actor (and its members) under ``parent``: a bloc move."""
    return actor_update(actor=actor, parent=parent)


@transaction.atomic
def actor_delete(*, actor: Actor) -> None:
    delete_or_refuse(actor)


@transaction.atomic
def actor_merge(*, actor: Actor, into: Actor) -> Actor:
    """Merge ``actor`` (a near-duplicate) into ``into`` and delete it, in one transaction: every
    reference moves to ``into`` (claims' claimant, spokesperson and subject, sources' owner, conflicts'
    parties, subscriptions; any app's, found through the model's relations), its children move under
    ``into`` (a bloc move for them), its name and aliases become aliases of ``into``, and the merge is
    recorded in both actors' history. ``actors_changed`` names every actor whose claims may read
    differently now, so the claims app recomputes their flags and reasons."""
    if into is None or not isinstance(into, Actor):
        raise ValidationError({"into": "Name the actor to merge into."})
    actor = Actor.objects.select_for_update().get(pk=actor.pk)
    into = Actor.objects.select_for_update().get(pk=into.pk)
    if into.pk == actor.pk:
        raise ValidationError({"into": "An actor cannot be merged into itself."})
    if f"/{actor.pk}/" in into.path:
        raise ValidationError({"into": f"{into} is below {actor}; merge the other way round, or move it first."})
    moved: set[int] = set()
    for child in Actor.objects.filter(parent=actor):
        before = set(Actor.objects.filter(path__startswith=child.path).values_list("pk", flat=True))
        actor_update(actor=child, parent=into)
        moved |= before
    kept_reason, gone_reason, moved_reason = merge_reasons(actor, into)
    repoint_references(actor, into, skip={"actors.actor.parent"}, reason=moved_reason)
    into.aliases = merged_aliases(into, actor)
    into._change_reason = kept_reason  # type: ignore[attr-defined]
    into.save()
    actor._change_reason = gone_reason  # type: ignore[attr-defined]
    merged_id = actor.pk
    delete_or_refuse(actor)
    _announce(moved | {into.pk}, merged={merged_id: into.pk}, moved=bool(moved), actor_id=into.pk)
    return into
