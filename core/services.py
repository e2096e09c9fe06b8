"""Small helpers every app's services share: slugs, validation and protected deletes."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.text import slugify

from core.text import clean_list

ALIAS_LENGTH = 200


class ReferencedError(Exception):
    """A delete refused because other records still reference the object."""

    def __init__(self, obj: models.Model, dependents: Iterable[models.Model]):
        self.obj = obj
        self.dependents = list(dependents)
        shown = ", ".join(f"{d._meta.verbose_name} #{d.pk} ({d})" for d in self.dependents[:10])
        more = f" and {len(self.dependents) - 10} more" if len(self.dependents) > 10 else ""
        self.message = f"{str(obj._meta.verbose_name).capitalize()} “{obj}” is still referenced by {shown}{more}."
        super().__init__(self.message)


def unique_slug(model: type[models.Model], name: str, *, exclude_pk: Any = None, fallback: str = "item") -> str:
    """A Django slug made from ``name``, suffixed -2, -3 … until no other row has it."""
    base = (slugify(name) or fallback)[:190].strip("-_") or fallback
    taken = set(
        model._default_manager.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def check_slug(model: type[models.Model], slug: str, *, exclude_pk: Any = None) -> None:
    """A slug given by the writer: a Django slug (letters, digits, ``-``, ``_``) no other row has."""
    try:
        validate_slug(slug if isinstance(slug, str) else "")
    except ValidationError as exc:
        raise ValidationError({"slug": exc.messages}) from exc
    if model._default_manager.filter(slug=slug).exclude(pk=exclude_pk).exists():
        raise ValidationError({"slug": f"The slug “{slug}” is already taken."})


def too_many(count: int, setting: str, noun: str = "items") -> str | None:
    """The message when a list of ``count`` items is longer than the setting allows, else None."""
    limit = getattr(settings, setting)
    if count <= limit:
        return None
    return f"At most {limit:,} {noun} ({setting}); {count:,} were given."


def check_count(field: str, values: Any, *, setting: str = "FOGWATCH_MAX_LIST_ITEMS", noun: str = "items") -> list:
    """``values`` as a list, or a ValidationError on ``field`` when it holds more than the setting allows."""
    values = list(values)
    message = too_many(len(values), setting, noun)
    if message:
        raise ValidationError({field: message})
    return values


def clean_aliases(value: Any) -> list[str]:
    """Aliases are a list of one-line texts (``core.text.clean_text``, at most 200 characters each, at
    most FOGWATCH_MAX_LIST_ITEMS of them); blanks and duplicates are dropped, order kept. A string is
    split at commas (the admin's text box)."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in value.split(",")]
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ValidationError({"aliases": "Aliases must be a list of strings."})
    value = check_count("aliases", value, noun="aliases")
    try:
        return clean_list(value, max_length=ALIAS_LENGTH)
    except ValidationError as exc:
        raise ValidationError({"aliases": exc.messages}) from exc


def apply_fields(instance: models.Model, fields: Mapping[str, Any], allowed: Iterable[str]) -> set[str]:
    """Set the given fields on ``instance``; refuse names that are not editable. Returns those that changed."""
    allowed = set(allowed)
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: "This field cannot be set." for name in sorted(unknown)})
    changed = set()
    for name, value in fields.items():
        field = instance._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            before = getattr(instance, field.attname)
            after = value.pk if isinstance(value, models.Model) else value
        else:
            before, after = getattr(instance, name), value
        if before != after or instance.pk is None:
            setattr(instance, name, value)
            if before != after:
                changed.add(name)
    return changed


def full_clean(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Field and constraint validation, uniqueness included, before anything is written."""
    instance.full_clean(exclude=list(exclude))


def linked_by(instance: models.Model) -> list[models.Model]:
    """The records that hold ``instance`` in a many-to-many field of theirs (a conflict covering a
    place, say). Django would drop those links silently on delete; Fogwatch counts them as
    references, like a protected foreign key."""
    linked: list[models.Model] = []
    for relation in instance._meta.related_objects:
        accessor = relation.get_accessor_name()
        if relation.many_to_many and accessor:  # no accessor: a related_name ending in "+"
            linked.extend(getattr(instance, accessor).all())
    return linked


def delete_or_refuse(instance: models.Model) -> None:
    """Delete, or raise ReferencedError naming what still references the object (nothing is deleted)."""
    linked = linked_by(instance)
    if linked:
        raise ReferencedError(instance, linked)
    try:
        instance.delete()
    except (ProtectedError, RestrictedError) as exc:
        objs = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        raise ReferencedError(instance, objs) from exc


def merged_aliases(into: models.Model, old: models.Model) -> list[str]:
    """The aliases ``into`` keeps after ``old`` is merged into it: its own, then ``old``'s name and
    aliases, without blanks, repeats or ``into``'s own name."""
    names = [*getattr(into, "aliases", []), getattr(old, "name", ""), *getattr(old, "aliases", [])]
    return [alias for alias in clean_aliases(names) if alias != getattr(into, "name", None)]


def merge_reasons(old: models.Model, into: models.Model) -> tuple[str, str, str]:
    """The history change reasons of a merge: the kept record's, the merged one's, and the moved
    rows' (a claim whose place was the merged one)."""
    return (
        f"Merged {old} (#{old.pk}) into this",
        f"Merged into {into} (#{into.pk})",
        f"Merged {old} (#{old.pk}) into {into} (#{into.pk})",
    )


def repoint_references(
    old: models.Model, new: models.Model, *, skip: Iterable[str] = (), reason: str = ""
) -> dict[str, int]:
    """Make every row that references ``old`` (a foreign key, or a many-to-many link) reference ``new``
    instead, whatever app the referencing model lives in (read from the model's relations, so no app
    is imported): the heart of a merge. ``skip`` names relations the caller moves itself
    (``actors.actor.parent``: a tree's children). A many-to-many row that would repeat one already
    pointing at ``new`` is dropped.
    A moved row is a changed row: its ``auto_now`` stamps (``updated_at``) move, and a model with a
    history gets one record per moved row, with ``reason`` as its change reason (set-wise, one
    insert per batch), so a claim's history shows its place or claimant changing.
    Returns how many rows each relation moved (``app_label.model.field``)."""
    moved: dict[str, int] = {}
    skipped = set(skip)
    for relation in _references(old):
        field: Any = relation.field
        model: Any = relation.related_model
        label = f"{model._meta.label_lower}.{field.name}"
        if label in skipped:
            continue
        if relation.many_to_many:
            through = field.remote_field.through
            mine = field.m2m_reverse_field_name()  # the through row's column pointing at ``old``'s model
            theirs = field.m2m_field_name()
            already = through._base_manager.filter(**{mine: new}).values(theirs)
            through._base_manager.filter(**{mine: old}, **{f"{theirs}__in": already}).delete()
            count = through._base_manager.filter(**{mine: old}).update(**{mine: new})
        else:
            count = _repoint_rows(model, field.name, old, new, reason)
        if count:
            moved[label] = count
    return moved


def _references(obj: models.Model) -> list[Any]:
    """Every relation pointing at ``obj``'s model, hidden ones too (``related_name="+"``: a webhook
    subscription's place), but not a many-to-many's own through table (the link is moved as such)
    nor the history's copies (history keeps what was)."""
    relations = []
    for relation in obj._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.is_relation):
            continue
        model: Any = relation.related_model
        if model._meta.auto_created or hasattr(model, "instance_type"):
            continue
        relations.append(relation)
    return relations


def _repoint_rows(model: Any, name: str, old: models.Model, new: models.Model, reason: str) -> int:
    rows = model._base_manager.filter(**{name: old})
    history = getattr(model._meta, "simple_history_manager_attribute", None)
    pks = list(rows.values_list("pk", flat=True)) if history else []
    stamps = {
        f.name: timezone.now()
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateTimeField) and f.auto_now
    }
    count = rows.update(**{name: new}, **stamps)
    if history and pks:
        manager = getattr(model, history)
        for start in range(0, len(pks), 1000):
            batch = model._base_manager.filter(pk__in=pks[start : start + 1000])
            manager.bulk_history_create(batch, update=True, default_change_reason=reason[:100])
    return count
