"""Writes to locations."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.services import apply_fields, check_slug, clean_aliases, delete_or_refuse, full_clean, unique_slug
from core.text import clean_fields
from core.tree import check_parent, move_subtree, node_path, refresh_parent
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
