"""The Admiralty grade through the API: on the Panjshir example, as of two dates, after a source is
regraded or a citation added, and as a filter."""

from datetime import date

import pytest

from claims.models import Claim
from claims.services import claim_update
from tests.factories import ReportFactory, SourceFactory


def detail(api, claim, **params):
    response = api.get(f"/api/v1/claims/{claim.pk}/", params)
    assert response.status_code == 200, response.json()
    return response.json()


def listed(api, **params):
    response = api.get("/api/v1/claims/", {"page_size": 100, **params})
    assert response.status_code == 200, response.json()
    return {row["id"]: row["grade"] for row in response.json()["results"]}


def test_grades_of_the_panjshir_example(panjshir, api):
    # Shattal is cited by RT (C) and denied by the NRF: contested, 4.
    assert detail(api, panjshir["taliban-shattal"])["grade"] == "C4"
    # The Reuters report is graded B: the best of its sources gives the letter.
    assert detail(api, panjshir["reuters-eight-killed"])["grade"] == "B3"
    assert listed(api)[panjshir["taliban-capture"].pk] == "C4"


def test_grade_as_of_two_dates(panjshir, api):
    shattal = panjshir["taliban-shattal"]
    assert detail(api, shattal, as_of="2021-09-02")["grade"] == "C3"  # the denial came on the 3rd
    assert detail(api, shattal, as_of="2021-09-03")["grade"] == "C4"
    assert listed(api, as_of="2021-09-02")[shattal.pk] == "C3"
    assert listed(api, as_of="2021-09-03")[shattal.pk] == "C4"
    # Filtering by grade reads the grade of that date too.
    assert shattal.pk in listed(api, as_of="2021-09-02", grade="C3")
    assert shattal.pk not in listed(api, as_of="2021-09-02", grade="C4")
    assert shattal.pk in listed(api, as_of="2021-09-03", grade="C4", credibility_max="4")


def test_a_verdict_of_unlikely_counts_from_its_date(panjshir, api):
    shattal = claim_update(claim=panjshir["taliban-shattal"], verdict="unlikely", verdict_on=date(2021, 9, 5))
    assert detail(api, shattal)["grade"] == "C5"
    assert detail(api, shattal, as_of="2021-09-04")["grade"] == "C4"


def test_regrading_a_source_through_the_api_regrades_the_claims_citing_it(panjshir, api, editor_api):
    shattal, reuters_claim = panjshir["taliban-shattal"], panjshir["reuters-eight-killed"]
    before = Claim.objects.get(pk=shattal.pk).updated_at
    rt = shattal.citations.get().report.source

    response = editor_api.patch(f"/api/v1/sources/{rt.pk}/", {"reliability": "A"}, format="json")

    assert response.status_code == 200, response.json()
    assert detail(api, shattal)["grade"] == "A4"
    assert detail(api, reuters_claim)["grade"] == "A3"  # RT now beats Reuters (B)
    assert Claim.objects.get(pk=shattal.pk).updated_at > before  # tools syncing by updated_since see it
    assert shattal.pk in listed(api, grade="A4")

    editor_api.patch(f"/api/v1/sources/{rt.pk}/", {"reliability": "F"}, format="json")
    assert detail(api, shattal)["grade"] == "F4"
    assert detail(api, reuters_claim)["grade"] == "B3"


def test_adding_and_removing_a_citation_regrades_its_claim(panjshir, api):
    shattal = panjshir["taliban-shattal"]
    wire = ReportFactory(source=SourceFactory(name="Wire A", reliability="A"), title="Wire on Shattal")
    rt_report = shattal.citations.get().report

    claim_update(claim=shattal, citations=[{"report": rt_report}, {"report": wire}])
    assert detail(api, shattal)["grade"] == "A4"

    claim_update(claim=shattal, citations=[{"report": rt_report}])
    assert detail(api, shattal)["grade"] == "C4"


def test_moving_a_report_to_another_source_regrades(panjshir, api, editor_api):
    shattal = panjshir["taliban-shattal"]
    report = shattal.citations.get().report
    graded = SourceFactory(name="Graded D", reliability="D")

    response = editor_api.patch(f"/api/v1/reports/{report.pk}/", {"source": graded.pk}, format="json")

    assert response.status_code == 200, response.json()
    assert detail(api, shattal)["grade"] == "D4"


def test_grade_and_credibility_filters(panjshir, api):
    c4 = {panjshir[k].pk for k in ("taliban-capture", "taliban-shattal", "nrf-passes")}
    assert set(listed(api, grade="C4")) == c4
    assert set(listed(api, grade="B3,C4")) == c4 | {panjshir["reuters-eight-killed"].pk}
    assert set(listed(api, credibility_max="3")) == set(panjshir_ids(panjshir)) - c4
    assert set(listed(api, grade="C4", credibility_max="3")) == set()
    assert set(listed(api, grade="A1,A2,B1,B2")) == set()


def panjshir_ids(panjshir):
    return [claim.pk for claim in panjshir.values()]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"grade": "G1"}, "grade"),
        ({"grade": "C4,B7"}, "grade"),
        ({"grade": "c4"}, "grade"),
        ({"credibility_max": "0"}, "credibility_max"),
        ({"credibility_max": "7"}, "credibility_max"),
        ({"credibility_max": "two"}, "credibility_max"),
        ({"grade": "Z9", "as_of": "2021-09-03"}, "grade"),
    ],
    ids=["unknown-letter", "unknown-digit", "lower-case", "max-0", "max-7", "max-word", "as-of"],
)
def test_a_bad_grade_filter_is_a_400_naming_it(panjshir, api, params, field):
    response = api.get("/api/v1/claims/", params)
    assert response.status_code == 400
    assert field in response.json()
