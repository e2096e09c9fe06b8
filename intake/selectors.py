"""Reads of the intake: the list of pending intakes and one intake as the API and the page show it
(drafts with their actors and place as ``{id, slug, name}``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from actors.models import Actor
from intake.models import Intake
from locations.models import Location

REFERENCES: dict[str, type[Actor] | type[Location]] = {
    "claimant": Actor,
    "spokesperson": Actor,
    "subject": Actor,
    "location": Location,
}


def intake_list() -> QuerySet[Intake]:
    return Intake.objects.select_related("source", "report")


def intakes_pending() -> QuerySet[Intake]:
    """Intakes waiting for an editor, newest first."""
    return intake_list().filter(state=Intake.State.DRAFT).order_by("-created_at", "-id")


def briefs(drafts: list[dict[str, Any]]) -> dict[str, dict[int, dict[str, Any]]]:
    """``{"actor": {id: brief}, "location": {id: brief}}`` for every actor and place the drafts name."""
    wanted: dict[type[Actor] | type[Location], set[int]] = {Actor: set(), Location: set()}
    for draft in drafts:
        for name, model in REFERENCES.items():
            if isinstance(draft.get(name), int):
                wanted[model].add(draft[name])
    return {
        model.__name__.lower(): {
            pk: {"id": pk, "slug": slug, "name": name}
            for pk, slug, name in model._default_manager.filter(pk__in=ids).values_list("id", "slug", "name")
        }
        for model, ids in wanted.items()
    }


def drafts_shown(drafts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The drafts with their actors and place as ``{id, slug, name}`` (null when none)."""
    found = briefs(drafts)
    shown = []
    for draft in drafts:
        row = dict(draft)
        for name, model in REFERENCES.items():
            value = draft.get(name)
            row[name] = found[model.__name__.lower()].get(value) if isinstance(value, int) else None
        shown.append(row)
    return shown
