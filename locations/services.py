"""Writes to locations. A merge moves every reference of a duplicate place to the kept one;
``locations.events.locations_changed`` tells subscribers (the claims app) which places' claims may
read differently now."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr

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
from locations import events
from locations.models import Location

EDITABLE = ("name", "slug", "kind", "parent", "latitude", "longitude", "aliases", "description")


def _check_coordinates(location: Location) -> None:
    errors = {}
    if location.latitude is not None and not -90 <= location.latitude <= 90:
        errors["latitude"] = "Latitude must be between -90 and 90."
    if location.longitude is not None and not -180 <= location.longitude <= 180:
        errors["longitude"] = "Longitude must be between -180 and 180."
    if errors:
        raise ValidationError(errors)


def _prepare(location: Location) -> None:
    clean_fields(location, lines=["name"], texts=["description"])
    location.aliases = clean_aliases(location.aliases)
    if not location.slug:
        location.slug = unique_slug(Location, location.name, exclude_pk=location.pk, fallback="place")
    else:
        check_slug(Location, location.slug, exclude_pk=location.pk)
    refresh_parent(location)
    check_parent(location, location.parent)
    _check_coordinates(location)
    full_clean(location, exclude=["path"])


@transaction.atomic
def location_create(*, name: str, **fields: Any) -> Location:
    location = Location(name=name)
    apply_fields(location, fields, EDITABLE)
    _prepare(location)
    location.save()
    location.path = node_path(location, location.parent)
    Location.objects.filter(pk=location.pk).update(path=location.path)
    return location


@transaction.atomic
def location_update(*, location: Location, **fields: Any) -> Location:
    location = Location.objects.select_for_update().get(pk=location.pk)
    old_path = location.path
    changed = apply_fields(location, fields, EDITABLE)
    _prepare(location)
    location.save()
    if "parent" in changed:
        location.path = node_path(location, location.parent)
        move_subtree(Location, old_path, location.path)
    return location


@transaction.atomic
def location_delete(*, location: Location) -> None:
    delete_or_refuse(location)


@transaction.atomic
def location_merge(*, location: Location, into: Location) -> Location:
    """Merge ``location`` (a near-duplicate place) into ``into`` and delete it, in one transaction:
    every reference moves to ``into`` (claims, conflicts' places, webhook subscriptions; any app's,
    found through the model's relations), its children move under ``into`` (their paths and those
    below them are rewritten), its name and aliases become aliases of ``into``, and the merge is
    recorded in both places' history and in each moved claim's. ``locations_changed`` names
    ``into``: its claims now include the merged place's, so automatic relations and flags are
    recomputed."""
    if into is None or not isinstance(into, Location):
        raise ValidationError({"into": "Name the place to merge into."})
    location = Location.objects.select_for_update().get(pk=location.pk)
    into = Location.objects.select_for_update().get(pk=into.pk)
    if into.pk == location.pk:
        raise ValidationError({"into": "A place cannot be merged into itself."})
    if f"/{location.pk}/" in into.path:
        raise ValidationError({"into": f"{into} is below {location}; merge the other way round, or move it first."})
    kept_reason, gone_reason, moved_reason = merge_reasons(location, into)
    # Everything below it moves under ``into`` in one UPDATE of the paths; its children's ``parent``
    # moves with the other references (and gets their history).
    below = Location.objects.filter(path__startswith=location.path).exclude(pk=location.pk)
    below.update(path=Concat(Value(into.path), Substr("path", len(location.path) + 1, Length("path"))))
    repoint_references(location, into, reason=moved_reason)
    into.aliases = merged_aliases(into, location)
    into._change_reason = kept_reason  # type: ignore[attr-defined]
    into.save()
    location._change_reason = gone_reason  # type: ignore[attr-defined]
    merged_id = location.pk
    delete_or_refuse(location)
    events.locations_changed.send(sender=Location, location_ids={into.pk}, merged={merged_id: into.pk})
    return into
