"""The API writes JSON with orjson (core/api/renderers.py), and writes exactly what DRF's own renderer
writes: the same bytes for every answer, the browsable API in a browser, ``?format=json``."""

import datetime as dt
import decimal
import uuid
import zoneinfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers as drf_renderers
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from claims.services import relation_create
from core.api.renderers import JSONRenderer

pytestmark = pytest.mark.django_db

KABUL = zoneinfo.ZoneInfo("Asia/Kabul")
LONDON = zoneinfo.ZoneInfo("Europe/London")

VALUES = {
    "utc": dt.datetime(2021, 9, 3, 12, 0, tzinfo=dt.UTC),
    "utc_micro": dt.datetime(2021, 9, 3, 12, 0, 0, 123456, tzinfo=dt.UTC),
    "london_winter": dt.datetime(2021, 1, 3, 12, 0, tzinfo=LONDON),
    "london_summer": dt.datetime(2021, 7, 3, 12, 0, tzinfo=LONDON),
    "kabul": dt.datetime(2021, 9, 3, 12, 0, tzinfo=KABUL),
    "naive": dt.datetime(2021, 9, 3, 12, 0),
    "date": dt.date(2021, 9, 3),
    "time": dt.time(3, 4, 5),
    "timedelta": dt.timedelta(seconds=90),
    "decimal": decimal.Decimal("34.50"),
    "uuid": uuid.UUID("3d23b890-0608-479e-9f68-7b9db5772f8f"),
    "lazy": gettext_lazy("Invalid page."),
    "dari": "پنجشیر می‌گویند",
    "separators": "a\u2028b\u2029c",
    "tuple": (1, "two", None),
    "nested": ReturnDict({"list": ReturnList([{"float": 0.1}, True, False], serializer=None)}, serializer=None),
    "int_keys": {1: "one"},
    "huge_int": 2**70,
}


@pytest.mark.parametrize("name", sorted(VALUES), ids=sorted(VALUES))
def test_each_kind_of_value_is_written_as_drf_writes_it(name):
    data = {"value": VALUES[name], "list": [VALUES[name]]}
    assert JSONRenderer().render(data) == drf_renderers.JSONRenderer().render(data)


def test_the_whole_mixture_is_written_as_drf_writes_it():
    assert JSONRenderer().render(VALUES) == drf_renderers.JSONRenderer().render(VALUES)
    assert b'"utc":"2021-09-03T12:00:00Z"' in JSONRenderer().render(VALUES)
    assert b'"decimal":34.5' in JSONRenderer().render(VALUES)


@pytest.fixture
def claims(world, make_claim):
    first = make_claim(
        world.taliban,
        kind="control",
        subject=world.taliban,
        location=world.shattal,
        spokesperson=world.mujahid,
        event_start=dt.date(2021, 9, 1),
        summary="The Taliban took Shattal (شتل) at the valley’s “entrance”.",
    )
    denial = make_claim(world.nrf, day=3, spokesperson=world.dashti, summary="The NRF denies any advance.")
    relation_create(claim=denial, target=first, stance="denies", note="Not even a kilometre.")
    return first, denial


PATHS = [
    "/api/v1/claims/",
    "/api/v1/claims/?as_of=2021-09-02",
    "/api/v1/claims/?fields=id,claimant,claimed_on,status",
    "/api/v1/claims/{pk}/",
    "/api/v1/claims/{pk}/?as_of=2021-09-02",
    "/api/v1/claims/{pk}/history/",
    "/api/v1/locations/{place}/control/",
    "/api/v1/actors/",
    "/api/v1/locations/",
    "/api/v1/sources/",
    "/api/v1/reports/",
    "/api/v1/relations/",
    "/api/v1/claims/?status=bogus&contested=maybe",
    "/api/v1/claims/?page=9",
    "/api/v1/claims/999999/",
]


@pytest.mark.parametrize("path", PATHS, ids=PATHS)
def test_every_answer_is_the_bytes_drf_would_write(api, claims, world, path):
    response = api.get(path.format(pk=claims[0].pk, place=world.shattal.pk))
    assert isinstance(response.accepted_renderer, JSONRenderer)
    assert response["Content-Type"] == "application/json"
    expected = drf_renderers.JSONRenderer().render(
        response.data, response.accepted_media_type, response.renderer_context
    )
    assert response.content == expected
    assert response.json()  # and it parses


def test_a_claim_reads_with_utc_times_and_plain_dates(api, claims):
    body = api.get(f"/api/v1/claims/{claims[0].pk}/").json()
    assert body["claimed_on"] == "2021-09-02"
    assert body["created_at"].endswith("Z")
    assert body["summary"] == "The Taliban took Shattal (شتل) at the valley’s “entrance”."
    assert body["relations_received"][0]["claim"]["claimed_on"] == "2021-09-03"
    assert body["citations"][0]["report"]["published_at"] is None or body["citations"][0]["report"][
        "published_at"
    ].endswith("Z")


def test_format_json_and_the_browsable_api(api, claims):
    as_json = api.get("/api/v1/claims/?format=json")
    assert as_json.status_code == 200
    assert as_json["Content-Type"] == "application/json"
    assert as_json.json()["count"] == 2

    page = api.get("/api/v1/claims/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    # The browsable API shows the answer indented by four, as DRF's renderer indents it.
    assert "&quot;count&quot;: 2" in html or '"count": 2' in html
    assert "The NRF denies any advance." in html
