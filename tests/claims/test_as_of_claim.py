"""One claim as of a date (rule 9), everywhere it is read: the verdict given later is not shown, the
reports published later are not cited, and a date before the claim was made says when it was made."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from claims.services import claim_set_verdict
from tests.factories import ClaimFactory, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def judged():
    """Made 2 Sep, cited by a report of 2 Sep, one of 9 Sep and one without a date; judged false on 10 Sep."""
    first = ReportFactory(title="First report", published_at=datetime(2021, 9, 2, 8, tzinfo=UTC))
    later = ReportFactory(title="Later report", published_at=datetime(2021, 9, 9, 8, tzinfo=UTC))
    undated = ReportFactory(title="Undated report", published_at=None)
    claim = ClaimFactory(
        claimed_on=date(2021, 9, 2),
        citations=[{"report": first}, {"report": later}, {"report": undated}],
    )
    return claim_set_verdict(
        claim=claim, verdict="false", rationale="Nobody else saw it.", verdict_on=date(2021, 9, 10)
    )


def _titles(document):
    return [c["report"]["title"] for c in document["citations"]]


def test_api_as_of_before_the_verdict_shows_no_verdict_and_no_later_report(api, judged):
    body = api.get(f"/api/v1/claims/{judged.pk}/?as_of=2021-09-05").json()
    assert (body["verdict"], body["verdict_rationale"], body["verdict_on"]) == ("", "", None)
    assert body["status"] == "unverified"
    assert _titles(body) == ["First report", "Undated report"]


def test_api_as_of_once_judged_shows_the_verdict_and_every_report_by_then(api, judged):
    body = api.get(f"/api/v1/claims/{judged.pk}/?as_of=2021-09-10").json()
    assert (body["verdict"], body["verdict_on"], body["status"]) == ("false", "2021-09-10", "refuted")
    assert _titles(body) == ["First report", "Later report", "Undated report"]


def test_api_list_as_of_reads_the_same_document(api, judged):
    (body,) = api.get("/api/v1/claims/?as_of=2021-09-05").json()["results"]
    assert body["verdict"] == "" and _titles(body) == ["First report", "Undated report"]


def test_a_verdict_without_a_date_shows_only_when_no_date_is_asked(api):
    claim = claim_set_verdict(claim=ClaimFactory(claimed_on=date(2021, 9, 2)), verdict="confirmed")
    assert api.get(f"/api/v1/claims/{claim.pk}/").json()["verdict"] == "confirmed"
    assert api.get(f"/api/v1/claims/{claim.pk}/?as_of=2030-01-01").json()["verdict"] == ""


def test_api_as_of_before_the_claim_is_a_json_404_saying_when_it_was_made(api, judged):
    response = api.get(f"/api/v1/claims/{judged.pk}/?as_of=2021-08-01")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert "2021-09-02" in body["detail"] and body["claimed_on"] == "2021-09-02"


def test_page_as_of_before_the_verdict_hides_it_and_the_later_report(client, judged):
    page = client.get(f"/claims/{judged.pk}/?as_of=2021-09-05").content.decode()
    assert "Editorial verdict" not in page and "Nobody else saw it." not in page
    assert "First report" in page and "Undated report" in page
    assert "Later report" not in page
    assert "1 later report not shown" in page
    now = client.get(f"/claims/{judged.pk}/").content.decode()
    assert "Editorial verdict: False" in now and "Later report" in now


def test_page_as_of_before_the_claim_says_when_it_was_made_and_links_there(client, judged):
    response = client.get(f"/claims/{judged.pk}/?as_of=2021-08-01")
    assert response.status_code == 404
    page = response.content.decode()
    assert "It was made on" in page and "2 September 2021" in page
    assert f'href="/claims/{judged.pk}/?as_of=2021-09-02"' in page
    assert client.get(f"/claims/{judged.pk}/?as_of=2021-09-02").status_code == 200


def test_export_as_of_leaves_out_the_later_verdict(api, judged):
    text = b"".join(api.get("/api/v1/claims/export.csv?as_of=2021-09-05").streaming_content).decode()
    (row,) = csv.DictReader(io.StringIO(text))
    assert (row["verdict"], row["verdict_on"], row["status"]) == ("", "", "unverified")
