"""Writes to conflicts: create, update, delete. Which claims belong to one is not stored (the rule
is ``claims.selectors.conflict_claims_q``), so no write here touches a claim or its flags."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from actors.models import Actor
from claims.models import Conflict
from core.services import apply_fields, check_count, check_slug, delete_or_refuse, full_clean, unique_slug
from core.text import clean_fields
from locations.models import Location

CONFLICT_EDITABLE = ("name", "slug", "description", "start", "end")


def _prepare(conflict: Conflict) -> None:
    clean_fields(conflict, lines=["name"], texts=["description"])
    if not conflict.name:
        raise ValidationError({"name": "A conflict needs a name."})
    if not conflict.slug:
        conflict.slug = unique_slug(Conflict, conflict.name, exclude_pk=conflict.pk, fallback="conflict")
    else:
        check_slug(Conflict, conflict.slug, exclude_pk=conflict.pk)
    if conflict.start is not None and conflict.end is not None and conflict.end < conflict.start:
        raise ValidationError({"end": "The end must not be before the start."})
    full_clean(conflict)


def _write(
    conflict: Conflict,
    fields: dict[str, Any],
    places: Iterable[Location] | None,
    parties: Iterable[Actor] | None,
) -> Conflict:
    apply_fields(conflict, fields, CONFLICT_EDITABLE)
    places = None if places is None else check_count("places", places, noun="places")
    parties = None if parties is None else check_count("parties", parties, noun="parties")
    _prepare(conflict)
    conflict.save()
    if places is not None:
        conflict.places.set(places)
    if parties is not None:
        conflict.parties.set(parties)
    return conflict


@transaction.atomic
def conflict_create(
    *,
    name: str,
    start: date,
    places: Iterable[Location] = (),
    parties: Iterable[Actor] = (),
    **fields: Any,
) -> Conflict:
    """A conflict over ``places`` (each with every place below it) and ``parties`` (their blocs)."""
    return _write(Conflict(name=name, start=start), fields, places, parties)


@transaction.atomic
def conflict_update(
    *,
    conflict: Conflict,
    places: Iterable[Location] | None = None,
    parties: Iterable[Actor] | None = None,
    **fields: Any,
) -> Conflict:
    """Change the given fields; ``places`` and ``parties``, when given, replace the old ones."""
    return _write(conflict, fields, places, parties)


@transaction.atomic
def conflict_delete(*, conflict: Conflict) -> None:
    """Delete the conflict (its links to places and parties go with it; no claim changes), or refuse
    with ``ReferencedError`` if a record ever references it."""
    delete_or_refuse(conflict)
