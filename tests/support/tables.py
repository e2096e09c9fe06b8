"""Whole tables as comparable values, ids aside: every row of the models an import writes (and
their history), each foreign key replaced by the natural key of the row it points to (a claim's
``external_id``, an actor's name, a place's chain of names…), timestamps left out. Two databases
that hold the same data give equal snapshots whatever ids their rows got."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import connection, models

from actors.models import Actor
from claims.models import Citation, Claim, Relation, Tombstone
from locations.models import Location
from sources.models import Report, Source

SKIPPED = {"path", "created_at", "updated_at", "history_date", "history_id", "archived_at", "heartbeat_at"}


def _keys() -> dict[type[models.Model], dict[int, Any]]:
    keys: dict[type[models.Model], dict[int, Any]] = {}
    keys[Actor] = dict(Actor.objects.values_list("pk", "name"))
    places = {p.pk: p for p in Location.objects.all()}

    def chain(pk: int | None) -> tuple[str, ...]:
        names: list[str] = []
        while pk is not None:
            names.append(places[pk].name)
            pk = places[pk].parent_id
        return tuple(reversed(names))

    keys[Location] = {pk: chain(pk) for pk in places}
    keys[Source] = dict(Source.objects.values_list("pk", "name"))
    keys[Report] = {
        pk: (keys[Source][source_id], title, url, published)
        for pk, source_id, title, url, published in Report.objects.values_list(
            "pk", "source_id", "title", "url", "published_at"
        )
    }
    keys[Claim] = {
        pk: ext or f"claim without key: {summary}"
        for pk, ext, summary in Claim.objects.values_list("pk", "external_id", "summary")
    }
    keys[Citation] = {
        pk: (keys[Claim][claim_id], keys[Report][report_id])
        for pk, claim_id, report_id in Citation.objects.values_list("pk", "claim_id", "report_id")
    }
    return keys


def _reasons(reasons: list[dict], keys: dict) -> list[dict]:
    out = []
    for reason in reasons or []:
        reason = dict(reason)
        if reason.get("claim") is not None:
            reason["claim"] = keys[Claim].get(reason["claim"], "gone")
        if reason.get("actor") is not None:
            reason["actor"] = keys[Actor].get(reason["actor"], "gone")
        out.append(reason)
    return out


def _rows(model: type[models.Model], keys: dict, *, of: type[models.Model] | None = None) -> Counter:
    """The rows of ``model`` as a multiset of tuples. ``of``: a historical model's own model (its ``id``
    is that model's id)."""
    rows: Counter = Counter()
    fields = [f for f in model._meta.concrete_fields if f.name not in SKIPPED]
    for obj in model.objects.all().iterator(chunk_size=2000):
        row = []
        for field in fields:
            value = getattr(obj, field.attname)
            if field.name == "id" and of is not None:
                value = keys[of].get(value, ("gone", value))
            elif field.primary_key:
                continue
            elif isinstance(field, models.ForeignKey) and field.related_model in keys and value is not None:
                value = keys[field.related_model].get(value, ("gone", value))
            elif isinstance(field, models.ForeignKey):
                value = None if value is None else "set"
            elif field.name == "reasons":
                value = _reasons(value, keys)
            if isinstance(value, (list, dict)):
                value = repr(value)
            row.append((field.name, value))
        rows[tuple(row)] += 1
    return rows


def snapshot() -> dict[str, Counter]:
    """Every table an import writes, and their history, ids aside."""
    keys = _keys()
    tables = {
        model.__name__: _rows(model, keys)
        for model in (Actor, Location, Source, Report, Claim, Citation, Relation, Tombstone)
    }
    for model in (Actor, Location, Source, Report, Claim, Citation, Relation):
        if not hasattr(model, "history"):
            continue
        history = model.history.model  # type: ignore[attr-defined]
        tables[f"history of {model.__name__}"] = _rows(history, keys, of=model)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT claim_id, vector::text FROM claims_claimsearch")
            tables["search vectors"] = Counter((keys[Claim].get(pk, pk), vector) for pk, vector in cursor.fetchall())
    return tables


def differences(one: dict[str, Counter], other: dict[str, Counter]) -> dict[str, Any]:
    """What differs between two snapshots, table by table (empty: the same)."""
    out = {}
    for name in sorted(set(one) | set(other)):
        a, b = one.get(name, Counter()), other.get(name, Counter())
        if a != b:
            out[name] = {
                "only in the first": list((a - b).items())[:3],
                "only in the second": list((b - a).items())[:3],
            }
    return out
