"""The bad-input matrix: every writable field of every API resource, sent values of the wrong type,
huge strings (100,001 characters), invisible-only strings, NUL bytes, nested objects and lists where
a scalar belongs. Every answer is a 400 naming the field; not one is a 5xx; not one row is written in
any table (the history tables and the many-to-many tables included)."""

from typing import Any

import pytest
from django.apps import apps
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField

from config.api_urls import router
from core.api.fields import NestedOnReadField
from intake.api.serializers import DateOrDateTimeField, IntakeCreateSerializer
from intake.services import intake_create
from tests.core.api.test_contract import RESOURCES, url

HUGE = "x" * 100_001
INVISIBLE = "\u200b\u200d\ufeff\u2060"
NUL = "Shattal\x00"
NESTED = {"a": {"b": [1, {"c": None}]}}
LISTED = [["x"], {"y": 1}]
EVERYWHERE = [HUGE, INVISIBLE, NUL, NESTED, LISTED]
TEXTS = [12345, 1.5, True]  # numbers are not text
SCALARS = ["abc", "NaN", "Infinity", "1e999"]


def bad_values(field: serializers.Field) -> list[Any]:
    """Values no field of this kind may take."""
    if isinstance(field, ManyRelatedField):
        return ["1", 5, NESTED, [True], ["x"], [NESTED], [10**30], [HUGE], [INVISIBLE], [NUL], [-1]]
    if isinstance(field, serializers.ListField):
        return ["one, two", 5, NESTED, [NESTED], [12345], [HUGE], [INVISIBLE], [NUL], [["deep"]]]
    if isinstance(field, NestedOnReadField):
        return [*EVERYWHERE, "abc", True, 1.5, -1, 0, 10**30, "9" * 40]
    if isinstance(field, serializers.BooleanField):
        return [*EVERYWHERE, "maybe", 2, -1]
    if isinstance(field, serializers.IntegerField | serializers.FloatField):
        return [*EVERYWHERE, *SCALARS, 10**400 if isinstance(field, serializers.FloatField) else 10**30]
    if isinstance(field, serializers.DateField | serializers.DateTimeField | DateOrDateTimeField):
        return [*EVERYWHERE, "2021-02-30", "tomorrow", 20210901, True]
    if isinstance(field, serializers.ChoiceField):
        return [*EVERYWHERE, "dragon", 1, True]
    if isinstance(field, serializers.CharField):  # text, URLs, slugs
        return [*EVERYWHERE, *TEXTS]
    raise AssertionError(f"no bad values for {field!r}")


def citations_values(world) -> list[Any]:
    report = world.report.pk
    return [
        "a report",
        5,
        NESTED,
        [],
        [NESTED],
        [{"report": "x"}],
        [{"report": report, "quote": NUL}],
        [{"report": report, "quote": INVISIBLE}],
        [{"report": report, "quote": HUGE}],
        [{"report": report, "quote": 12345}],
        [{"report": report, "quote": NESTED}],
        [{"report": report}] * 201,
    ]


def row_counts() -> dict[str, int]:
    return {m._meta.db_table: m._default_manager.count() for m in apps.get_models(include_auto_created=True)}


class Matrix:
    """Sends the bad values and keeps what went wrong: a 5xx, a 2xx, or a 400 that does not name the field."""

    def __init__(self, client):
        self.client = client
        self.client.raise_request_exception = False
        self.failures: list[str] = []
        self.sent = 0

    def send(self, method: str, path: str, body: dict, field: str, value: Any) -> None:
        response = getattr(self.client, method)(path, body, format="json")
        self.sent += 1
        shown = repr(value)[:60]
        if response.status_code != 400:
            self.failures.append(f"{method.upper()} {path} {field}={shown}: {response.status_code}")
            return
        named = response.json()
        if not isinstance(named, dict) or not any(key.split("[")[0].split(".")[0] == field for key in named):
            self.failures.append(f"{method.upper()} {path} {field}={shown}: 400 not naming it: {str(named)[:120]}")


@pytest.mark.parametrize("resource", RESOURCES, ids=[r.path for r in RESOURCES])
def test_bad_values_in_every_writable_field_are_400s_and_write_nothing(resource, world, make_claim, editor_api):
    body = resource.create(world, make_claim)
    obj = resource.make(world, make_claim)
    viewset = {prefix: viewset for prefix, viewset, _ in router.registry}[resource.path]
    fields = viewset.serializer_class().fields
    writable = {n: f for n, f in fields.items() if not f.read_only}
    assert writable, resource.path
    matrix = Matrix(editor_api)
    before = row_counts()
    for field_name, field in writable.items():
        values = citations_values(world) if field_name == "citations" else bad_values(field)
        for value in values:
            matrix.send("post", url(resource), {**body, field_name: value}, field_name, value)
            matrix.send("patch", url(resource, obj.pk), {field_name: value}, field_name, value)
    assert matrix.sent >= 2 * 8 * len(writable)
    assert matrix.failures == []
    assert row_counts() == before


def test_bad_values_in_every_field_of_the_intake_are_400s_and_write_nothing(world, editor, editor_api):
    intake = intake_create(text="The Taliban said they took Shattal on Thursday.", user=editor)
    assert intake.drafts, "the reader made a draft to edit"
    matrix = Matrix(editor_api)
    before = row_counts()
    base = {"text": "The Taliban said they took Shattal.", "source": world.report.source_id}
    for field_name, field in IntakeCreateSerializer().fields.items():
        for value in bad_values(field):
            matrix.send("post", "/api/v1/intake/", {**base, field_name: value}, field_name, value)
    edits = [
        "one",
        5,
        NESTED,
        [NESTED],
        [{"index": 0}] * 201,
        [{"index": "0"}],
        [{"index": 0, "summary": NUL}],
        [{"index": 0, "summary": INVISIBLE}],
        [{"index": 0, "summary": HUGE}],
        [{"index": 0, "quote": 12345}],
        [{"index": 0, "kind": []}],
        [{"index": 0, "kind": NESTED}],
        [{"index": 0, "date_precision": ["day"]}],
        [{"index": 0, "claimant": NESTED}],
        [{"index": 0, "location": "1"}],
        [{"index": 0, "event_start": NESTED}],
        [{"index": 0, "count_min": "eight"}],
        [{"index": 0, "same_as": ["x"]}],
        [{"index": 0, "same_as": [NESTED]}],
        [{"index": 0, "same_as": list(range(1, 300))}],
        [{"index": 0, "responds_to": 5}],
        [{"index": 0, "responds_to": [{"claim": "x", "stance": "denies"}]}],
        [{"index": 0, "responds_to": [{"claim": NESTED, "stance": "denies"}]}],
        [{"index": 0, "responds_to": [{"draft": 0, "stance": ["denies"]}]}],
    ]
    for value in edits:
        matrix.send("patch", f"/api/v1/intake/{intake.pk}/", {"drafts": value}, "drafts", value)
    for value in ["one", NESTED, [NESTED], ["zero"], [-1], [HUGE], [True], list(range(300))]:
        matrix.send("post", f"/api/v1/intake/{intake.pk}/confirm/", {"drafts": value}, "drafts", value)
    assert matrix.sent > 80
    assert matrix.failures == []
    assert row_counts() == before
