"""CSV formula injection: every text cell of the CSV export that starts with ``= + - @``, a tab or a
carriage return comes out prefixed with an apostrophe, whatever its column (a spreadsheet would run
it); numbers stay numbers."""

import csv
import io
from datetime import date

import pytest

from actors.models import Actor
from claims.models import Claim
from interchange.exports import CSV_HEADER, FORMULA_START
from locations.models import Location
from sources.models import Report, Source
from tests.factories import ActorFactory, ClaimFactory, LocationFactory, RelationFactory, ReportFactory

pytestmark = pytest.mark.django_db

NUMBERS = {"id", "claimant_id", "subject_id", "location_id", "latitude", "longitude", "count_min", "count_max"}
# The columns whose text comes from people or datasets (the rest come from Fogwatch's own choices,
# dates and ids, which never start with a formula character).
WRITTEN = [
    "summary",
    "quote",
    "language",
    "translation",
    "translation_language",
    "translated_by",
    "claimant",
    "claimant_bloc",
    "spokesperson",
    "subject",
    "location",
    "location_precision",
    "reason_codes",
    "reasons",
    "report_urls",
    "sources",
    "external_id",
]


def export(client) -> list[dict[str, str]]:
    response = client.get("/api/v1/claims/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def claim():
    taliban = ActorFactory(name="Taliban")
    place = LocationFactory(name="Shattal", latitude=35.1, longitude=69.3)
    report = ReportFactory(title="A report", url="https://news.example.org/csv-guard")
    claim = ClaimFactory(
        claimant=taliban,
        spokesperson=ActorFactory(name="Mujahid", parent=taliban),
        kind="control",
        subject=taliban,
        location=place,
        claimed_on=date(2021, 9, 2),
        event_start=date(2021, 9, 1),
        citations=[{"report": report, "quote": "q"}],
        quote="We took it.",
        language="ps",
        location_precision="ucdp_where_prec:1",
        external_id="ucdp:1:1",
    )
    RelationFactory(claim=ClaimFactory(claimant=ActorFactory(name="NRF")), target=claim, stance="denies")
    claim.refresh_from_db()
    return claim


def poison(claim: Claim, start: str) -> None:
    """Every text a person or a dataset wrote, starting with ``start`` (written straight to the tables,
    as older rows or another tool could have left them: the services strip a leading tab or CR)."""
    value = start + "HYPERLINK(1)"
    Claim.objects.filter(pk=claim.pk).update(
        summary=value,
        quote=value,
        language=value,
        translation=value,
        translation_language=value,
        translated_by=value,
        location_precision=value,
        external_id=value,
        reasons=[{"code": value, "claim": None, "actor": None, "on": None, "text": value}],
    )
    Actor.objects.filter(pk__in=[claim.claimant_id, claim.spokesperson_id]).update(name=value)
    Location.objects.filter(pk=claim.location_id).update(name=value)
    Source.objects.filter(reports__citations__claim=claim).update(name=value)
    Report.objects.filter(citations__claim=claim).update(url=value)


@pytest.mark.parametrize("start", FORMULA_START, ids=["=", "+", "-", "@", "tab", "cr"])
def test_every_text_cell_that_could_run_as_a_formula_is_guarded(api, claim, start):
    poison(claim, start)
    (row,) = [r for r in export(api) if r["id"] == str(claim.pk)]
    for column in WRITTEN:
        assert row[column] == "'" + start + "HYPERLINK(1)", column
    for column in CSV_HEADER:
        if column not in NUMBERS:
            assert not row[column].startswith(FORMULA_START), column


def test_negative_numbers_stay_numbers(api, claim):
    Location.objects.filter(pk=claim.location_id).update(latitude=-12.5, longitude=-45.25)
    (row,) = [r for r in export(api) if r["id"] == str(claim.pk)]
    assert (row["latitude"], row["longitude"]) == ("-12.5", "-45.25")


def test_text_written_through_the_api_is_guarded_in_every_column(api, editor_api, claim):
    body = {
        "translation": "=1+1",  # a language must be a code now: the translation stands in for free text
        "translated_by": "=A. Translator",
        "location_precision": "@SUM(A1)",
        "external_id": "+cmd",
        "quote": "-2+3",
        "summary": "=HYPERLINK(1)",
    }
    assert editor_api.patch(f"/api/v1/claims/{claim.pk}/", body, format="json").status_code == 200
    (row,) = [r for r in export(api) if r["id"] == str(claim.pk)]
    for column, value in body.items():
        assert row[column] == "'" + value, column
