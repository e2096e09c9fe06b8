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


@pytest.mark.parametrize(
    "unit,contested",
    [
        pytest.param("killed", True, id="40_killed_contradicts_12_killed"),
        pytest.param("wounded", False, id="40_wounded_does_not_contradict_12_killed"),
        pytest.param("killed_or_wounded", False, id="40_killed_or_wounded_does_not_contradict_12_killed"),
        pytest.param("", True, id="40_unit_not_said_contradicts_12_killed"),
    ],
)
def test_rule_7_compares_counts_of_the_same_unit(world, claim_payload, editor_api, unit, contested):
    def post(claimant, count, unit, summary):
        body = {
            **claim_payload,
            "claimant": claimant.pk,
            "kind": "casualties",
            "subject": world.taliban.pk,
            "location": world.panjshir.pk,
            "event_start": "2021-09-01",
            "count_min": count,
            "count_max": count,
            "count_unit": unit,
            "summary": summary,
        }
        response = editor_api.post("/api/v1/claims/", body, format="json")
        assert response.status_code == 201, response.json()
        return response.json()["id"]

    first = post(world.taliban, 12, "killed", "Twelve of ours were killed.")
    second = post(world.nrf, 40, unit, "Forty Taliban fighters were hit.")

    shown = editor_api.get(f"/api/v1/claims/{first}/").json()
    assert shown["contested"] is contested
    assert ("contradicted_by" in [r["code"] for r in shown["reasons"]]) is contested

    # Changing the unit afterwards recomputes: the same unit as the first claim's contradicts it.
    changed = editor_api.patch(f"/api/v1/claims/{second}/", {"count_unit": "killed"}, format="json")
    assert changed.status_code == 200, changed.json()
    assert editor_api.get(f"/api/v1/claims/{first}/").json()["contested"] is True
