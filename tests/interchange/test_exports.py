"""CSV, GeoJSON and JSON Lines exports: every filter honoured, valid GeoJSON, a dump that streams."""

import csv
import io
import json
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse

from interchange import exports
from interchange.exports import CSV_HEADER
from tests.factories import ActorFactory, ClaimFactory, LocationFactory, RelationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Shattal (with coordinates) held by the Taliban by their claim, denied later by the NRF; a
    casualties claim at a place without coordinates; a statement with no place."""
    taliban = ActorFactory(name="Taliban")
    nrf = ActorFactory(name="National Resistance Front")
    shattal = LocationFactory(name="Shattal", latitude=35.1477, longitude=69.3124)
    nowhere = LocationFactory(name="Somewhere unmapped")
    control = ClaimFactory(
        claimant=taliban,
        kind="control",
        subject=taliban,
        location=shattal,
        location_precision="ucdp_where_prec:1",
        claimed_on=date(2021, 9, 2),
        event_start=date(2021, 9, 1),
        summary="=The Taliban captured Shattal.",
    )
    denial = ClaimFactory(claimant=nrf, claimed_on=date(2021, 9, 4), summary="The NRF denies any advance.")
    RelationFactory(claim=denial, target=control, stance="denies")
    casualties = ClaimFactory(
        claimant=nrf, kind="casualties", subject=taliban, location=nowhere, count_min=8, claimed_on=date(2021, 8, 31)
    )
    control.refresh_from_db()
    return {"control": control, "denial": denial, "casualties": casualties, "shattal": shattal}


def read_csv(response) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == CSV_HEADER
    return list(reader)


def test_csv_has_one_documented_row_per_claim(api, world):
    response = api.get("/api/v1/claims/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert len(rows) == 3
    control = next(r for r in rows if r["id"] == str(world["control"].pk))
    assert control["status"] == "contested"
    assert control["contested"] == "true"
    assert control["claimant"] == "Taliban"
    assert control["location"] == "Shattal"
    assert control["latitude"] == "35.1477"
    assert control["location_precision"] == "ucdp_where_prec:1"
    assert "denied_by" in control["reason_codes"].split()
    assert control["summary"] == "'=The Taliban captured Shattal."  # not run as a spreadsheet formula
    assert control["url"].endswith(f"/api/v1/claims/{world['control'].pk}/")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=control", {"control"}),
        ("status=contested", {"control"}),
        ("status=unverified,contested", {"control", "denial", "casualties"}),
        ("contested=false", {"denial", "casualties"}),
        ("claimed_after=2021-09-03", {"denial"}),
        ("claimed_before=2021-09-01", {"casualties"}),
        ("q=denies", {"denial"}),
        ("event_after=2021-09-01", {"control"}),
    ],
)
def test_csv_honours_the_claim_filters(api, world, query, expected):
    rows = read_csv(api.get(f"/api/v1/claims/export.csv?{query}"))
    by_id = {str(world[k].pk): k for k in ("control", "denial", "casualties")}
    assert {by_id[r["id"]] for r in rows} == expected


def test_csv_rows_come_in_id_order_or_the_order_asked_for(api, world):
    ids = [r["id"] for r in read_csv(api.get("/api/v1/claims/export.csv"))]
    assert ids == sorted(ids, key=int)
    rows = read_csv(api.get("/api/v1/claims/export.csv?ordering=-claimed_on"))
    assert [r["claimed_on"] for r in rows] == ["2021-09-04", "2021-09-02", "2021-08-31"]


def test_csv_honours_reference_filters(api, world):
    taliban = world["control"].claimant
    rows = read_csv(api.get(f"/api/v1/claims/export.csv?claimant={taliban.slug}"))
    assert [r["id"] for r in rows] == [str(world["control"].pk)]
    rows = read_csv(api.get(f"/api/v1/claims/export.csv?location={world['shattal'].pk}"))
    assert [r["id"] for r in rows] == [str(world["control"].pk)]


def test_csv_as_of_shows_flags_as_they_stood_and_leaves_out_later_claims(api, world):
    rows = read_csv(api.get("/api/v1/claims/export.csv?as_of=2021-09-03"))
    assert {r["id"] for r in rows} == {str(world["control"].pk), str(world["casualties"].pk)}
    control = next(r for r in rows if r["id"] == str(world["control"].pk))
    assert (control["status"], control["contested"]) == ("unverified", "false")
    rows = read_csv(api.get("/api/v1/claims/export.csv?as_of=2021-09-03&status=contested"))
    assert rows == []


def test_an_unknown_filter_value_is_a_400_not_an_empty_export(api, world):
    for path in ("export.csv", "export.geojson", "export.jsonl"):
        response = api.get(f"/api/v1/claims/{path}?status=winning")
        assert response.status_code == 400
        assert "status" in response.json()


def test_exports_follow_public_read(api, analyst_api, world, settings):
    settings.FOGWATCH_PUBLIC_READ = False
    for path in ("export.csv", "export.geojson", "export.jsonl", "claimreview/", "deleted/"):
        assert api.get(f"/api/v1/claims/{path}").status_code in (401, 403)
        assert analyst_api.get(f"/api/v1/claims/{path}").status_code == 200


def read_geojson(response) -> dict:
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(b"".join(response.streaming_content))


def test_geojson_is_a_valid_feature_collection_in_longitude_latitude_order(api, world):
    data = read_geojson(api.get("/api/v1/claims/export.geojson"))
    assert data["type"] == "FeatureCollection"
    assert isinstance(data["features"], list)
    (feature,) = data["features"]  # only the claim whose place has coordinates
    assert feature["type"] == "Feature"
    assert feature["id"] == world["control"].pk
    geometry = feature["geometry"]
    assert geometry["type"] == "Point"
    assert geometry["coordinates"] == [69.3124, 35.1477]
    assert all(isinstance(c, float) for c in geometry["coordinates"])
    lon, lat = geometry["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    props = feature["properties"]
    assert props["status"] == "contested"
    assert props["contested"] is True
    assert props["location_precision"] == "ucdp_where_prec:1"
    assert [r["code"] for r in props["reasons"]] == [r["code"] for r in world["control"].reasons]


def test_geojson_honours_filters(api, world):
    assert read_geojson(api.get("/api/v1/claims/export.geojson?kind=statement"))["features"] == []
    data = read_geojson(api.get("/api/v1/claims/export.geojson?as_of=2021-09-03"))
    assert data["features"][0]["properties"]["status"] == "unverified"


def read_jsonl(response) -> list[dict]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_jsonl_dump_has_a_full_record_per_line_and_honours_filters(api, world):
    records = read_jsonl(api.get("/api/v1/claims/export.jsonl"))
    assert len(records) == 3
    control = next(r for r in records if r["id"] == world["control"].pk)
    assert control["claimant"]["name"] == "Taliban"
    assert control["location"]["longitude"] == 69.3124
    assert control["citations"][0]["report"]["source"]["name"]
    assert control["status"] == "contested"
    records = read_jsonl(api.get("/api/v1/claims/export.jsonl?kind=casualties"))
    assert [(r["id"], r["count_min"], r["count_max"]) for r in records] == [(world["casualties"].pk, 8, None)]


def peak_memory_of_dump(api, query: str = "") -> tuple[int, int]:
    response = api.get(f"/api/v1/claims/export.jsonl{query}")
    assert isinstance(response, StreamingHttpResponse)
    lines = 0
    tracemalloc.start()
    try:
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return lines, peak


@pytest.mark.parametrize("query", ["", "?ordering=-claimed_on"], ids=["keyset", "server-side cursor"])
def test_the_dump_streams_in_memory_that_does_not_grow_with_the_rows(api, monkeypatch, query):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 100)
    call_command("generate_data", claims=200, seed=5, stdout=io.StringIO())
    small_lines, small_peak = peak_memory_of_dump(api, query)
    call_command("generate_data", claims=1800, seed=6, stdout=io.StringIO())
    large_lines, large_peak = peak_memory_of_dump(api, query)
    assert (small_lines, large_lines) == (200, 2000)
    # Ten times the rows, about the same peak: the rows are never held all at once.
    assert large_peak < small_peak * 1.5, (small_peak, large_peak)


def test_the_openapi_schema_documents_the_exports(api):
    schema = api.get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/claims/export.csv",
        "/api/v1/claims/export.geojson",
        "/api/v1/claims/export.jsonl",
        "/api/v1/claims/claimreview/",
        "/api/v1/claims/{id}/claimreview/",
        "/api/v1/claims/deleted/",
    ):
        assert path in paths, path
    assert "text/csv" in paths["/api/v1/claims/export.csv"]["get"]["responses"]["200"]["content"]
    names = {p["name"] for p in paths["/api/v1/claims/export.csv"]["get"]["parameters"]}
    assert {"status", "as_of", "updated_since", "location"} <= names


def test_every_csv_column_is_documented():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "import-export.md").read_text(encoding="utf-8")
    missing = [name for name in CSV_HEADER if f"| `{name}` |" not in doc]
    assert missing == []
