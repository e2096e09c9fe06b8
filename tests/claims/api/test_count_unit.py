"""``count_unit``: what a claim's count counts, written and filtered through the API, shown on the
pages, in every export, and set by the dataset importers."""

import csv
import io
import json

import pytest

from claims.models import Claim
from interchange.importers.acled import import_acled
from interchange.importers.ucdp import import_ucdp
from tests.interchange.test_acled import SAMPLE as ACLED_SAMPLE
from tests.interchange.test_ucdp import small_file


@pytest.fixture
def killed(world, claim_payload, editor_api):
    body = {
        **claim_payload,
        "kind": "casualties",
        "subject": world.taliban.pk,
        "count_min": 12,
        "count_max": 12,
        "count_unit": "killed",
    }
    response = editor_api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_unit_is_written_and_read(killed):
    assert (killed["count_min"], killed["count_unit"]) == (12, "killed")


def test_the_list_filters_by_unit(api, world, killed, make_claim):
    make_claim(world.taliban, count_min=3, count_unit="villages")
    found = api.get("/api/v1/claims/?count_unit=killed").json()["results"]
    assert [c["id"] for c in found] == [killed["id"]]


def test_an_unknown_unit_is_a_400_naming_the_field_and_writes_nothing(api, editor_api, claim_payload):
    response = editor_api.post("/api/v1/claims/", {**claim_payload, "count_unit": "dead"}, format="json")
    assert response.status_code == 400 and "count_unit" in response.json()
    assert not Claim.objects.exists()
    response = api.get("/api/v1/claims/?count_unit=dead")
    assert response.status_code == 400 and "count_unit" in response.json()


def test_the_pages_say_what_was_counted(client, killed):
    page = client.get(f"/claims/{killed['id']}/").content.decode()
    assert "suffered losses: 12 reported killed" in page
    assert "12 involved" not in page


def test_every_export_carries_the_unit(api, killed):
    text = b"".join(api.get("/api/v1/claims/export.csv").streaming_content).decode()
    (row,) = csv.DictReader(io.StringIO(text))
    assert row["count_unit"] == "killed"
    (line,) = b"".join(api.get("/api/v1/claims/export.jsonl").streaming_content).decode().splitlines()
    assert json.loads(line)["count_unit"] == "killed"


def test_ucdp_and_acled_deaths_are_killed(db):
    import_ucdp(small_file("300192"))
    import_acled(str(ACLED_SAMPLE))
    counted = Claim.objects.filter(count_min__gt=0)
    assert counted.exists()
    assert set(counted.values_list("count_unit", flat=True)) == {"killed"}
