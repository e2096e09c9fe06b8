"""The benchmark's floor (bench/floor.py) answers what the API answers, whole and flat, and caches its
count as the API does: under the data version, counting again after a write. And ``make bench`` takes
several sizes and reports the ratios side by side (bench/run.py, bench/report.py)."""

import json
from urllib.parse import urlencode

import pytest
from django.db import connection
from rest_framework.test import APIClient

from bench import floor
from bench.report import report
from bench.results import FLAT_FIELDS, Endpoint, Run
from bench.run import database_for, parse_args
from bench.wrk import WrkResult
from claims.models import Claim
from devdata.examples import load_panjshir_2021
from tests.factories import ClaimFactory


def _dsn() -> str:
    s = connection.settings_dict
    return f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def floor_get(query: dict[str, str]) -> tuple[str, dict]:
    answer: dict = {}

    def start_response(status, headers):
        answer["status"] = status

    environ = {
        "PATH_INFO": "/api/v1/claims/",
        "QUERY_STRING": urlencode(query),
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
    }
    body = b"".join(floor.app(environ, start_response))
    return answer["status"], json.loads(body)


@pytest.fixture
def committed_panjshir(transactional_db, monkeypatch):
    """The example, committed (the floor reads through a connection of its own)."""
    if connection.vendor != "postgresql":
        pytest.fail("the floor reads PostgreSQL")
    load_panjshir_2021()
    monkeypatch.setenv("FLOOR_DATABASE_URL", _dsn())
    monkeypatch.setattr(floor, "_connection", None)
    monkeypatch.setattr(floor, "_counts", {})
    yield
    if floor._connection is not None:
        floor._connection.close()


@pytest.mark.parametrize("flat", [False, True], ids=["whole", "flat"])
def test_the_floor_answers_the_api_page(committed_panjshir, flat):
    query = {"status": "contested,unverified", "page_size": "5"}
    if flat:
        query["fields"] = ",".join(FLAT_FIELDS)
    status, body = floor_get(query)
    api = APIClient().get("/api/v1/claims/", query).json()
    assert status == "200 OK"
    assert body["count"] == api["count"] > 5
    if flat:
        assert body["results"] == api["results"]  # field for field
    else:
        assert [row["id"] for row in body["results"]] == [row["id"] for row in api["results"]]
        assert body["results"][0] == api["results"][0]  # the same host: the same links


def test_the_floor_caches_its_count_under_the_data_version(committed_panjshir):
    query = {"status": "contested"}
    _, first = floor_get(query)
    (key,) = floor._counts
    assert floor._counts[key] == first["count"] == Claim.objects.filter(status="contested").count()
    # Within the version, the count comes from the cache (a planted value shows it) ...
    floor._counts[key] = 12345
    assert floor_get(query)[1]["count"] == 12345
    # ... and a write moves the version: counted again.
    claim = Claim.objects.exclude(status="contested").first()
    ClaimFactory(claimant=claim.claimant, citations=[{"report": claim.citations.first().report}])
    assert floor_get(query)[1]["count"] == Claim.objects.filter(status="contested").count()
    assert len(floor._counts) == 2


def test_the_floor_refuses_a_field_it_has_not(committed_panjshir):
    status, body = floor_get({"status": "contested", "fields": "id,citations"})
    assert status == "400 Bad Request" and "fields" in body["detail"]


def test_bench_takes_several_sizes_and_a_database_per_size():
    args = parse_args(["--claims", "1000000,200000", "--duration", "2s"])
    assert args.claims == (200_000, 1_000_000)
    url = "postgres://postgres@127.0.0.1:5432/fogwatch_bench"
    assert database_for(url, 1_000_000, args.claims) == url
    assert database_for(url, 200_000, args.claims).endswith("/fogwatch_bench_200000")
    assert parse_args([]).claims == (200_000, 1_000_000)
    with pytest.raises(SystemExit):
        parse_args(["--claims", "2000,x"])
    with pytest.raises(SystemExit):
        parse_args(["--claims", "0"])


def _run(claims: int, rps: dict[str, float]) -> Run:
    run = Run(claims=claims, seed=1, duration_s=2, connections=8, threads=2, workers=2, database_url="x", command="c")
    for key, value in rps.items():
        endpoint = Endpoint(key, key, f"/{key}", None)
        endpoint.result = WrkResult(url="", requests=100, seconds=2, rps=value, p50_ms=5.0, p99_ms=9.0)
        (run.endpoints if key.startswith("list") else run.references).append(endpoint)
    return run


def test_the_report_puts_the_ratios_of_each_size_side_by_side():
    keys = ("list", "floor", "datasette", "list_flat", "floor_flat", "datasette_flat", "datasette_flat_counted")
    small = _run(200_000, dict(zip(keys, (100, 50, 200, 400, 100, 800, 400), strict=True)))
    large = _run(1_000_000, dict(zip(keys, (90, 60, 180, 300, 150, 600, 200), strict=True)))
    text = report([small, large])
    assert "| ratio | 200,000 claims | 1,000,000 claims | target |" in text
    assert "| API / floor | 2.00 | 1.50 | ≥ 0.50 |" in text
    # Unequal work is shown for scale, with no target (and no verdict).
    assert "| API / Datasette | 0.50 | 0.50 | – |" in text
    assert "| API flat / floor flat | 4.00 | 2.00 | – |" in text
    assert "| API flat / Datasette flat, counted | 1.00 | 1.50 | > 1.00 (ahead) |" in text
    assert "| API flat / Datasette flat, not counted | 0.50 | 0.50 | > 1.00 (ahead) |" in text
    assert "| API / Datasette | 0.50 | – | for scale (not equal work" in report(small)
    assert text.index("## 200,000 claims") < text.index("## 1,000,000 claims")
    assert "### The first query: API, floor, Datasette" in text
    # One size: the report as before, its sections at the second level.
    single = report(large)
    assert "## The first query" in single and "## Ratios at each size" not in single
