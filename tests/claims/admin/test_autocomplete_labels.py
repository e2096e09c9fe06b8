"""The admin's autocompletes say which claim or report an editor is choosing: a claim by its claimant,
date and summary, a report by its source, date and title; a page of results is read in one go."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ClaimFactory, RelationFactory, ReportFactory, SourceFactory

pytestmark = pytest.mark.django_db


def autocomplete(client, term, model_name, field_name, app_label="claims"):
    params = {"term": term, "app_label": app_label, "model_name": model_name, "field_name": field_name}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]], len(queries.captured_queries)


def test_a_claim_is_offered_with_its_claimant_date_and_summary(editor_client, world):
    claim = ClaimFactory(
        claimant=world.taliban,
        claimed_on=date(2021, 9, 6),
        summary="The Taliban say they hold all of Panjshir.",
        citations=[{"report": world.report}],
    )

    labels, _ = autocomplete(editor_client, "Panjshir", "relation", "target")

    assert labels == [f"#{claim.pk} Taliban, 2021-09-06: The Taliban say they hold all of Panjshir."]


def test_a_report_is_offered_with_its_source_date_and_title(editor_client, world):
    ucdp = SourceFactory(name="UCDP GED")
    ReportFactory(source=ucdp, title="IBD016978", published_at=datetime(2021, 9, 4, 12, tzinfo=UTC))

    labels, _ = autocomplete(editor_client, "IBD016978", "citation", "report")

    assert labels == ["UCDP GED, 2021-09-04: IBD016978"]


def test_a_chosen_claim_shows_the_same_label_on_the_form(editor_client, world):
    target = ClaimFactory(claimant=world.taliban, summary="Shattal taken.", citations=[{"report": world.report}])
    denial = ClaimFactory(claimant=world.nrf, summary="Nothing taken.", citations=[{"report": world.report}])
    relation = RelationFactory(claim=denial, target=target, stance="denies")

    html = editor_client.get(reverse("admin:claims_relation_change", args=[relation.pk])).content.decode()

    assert f"#{target.pk} Taliban, 2021-09-02: Shattal taken." in html
    assert f"#{denial.pk} National Resistance Front, 2021-09-02: Nothing taken." in html


@pytest.mark.parametrize(("model_name", "field_name"), [("relation", "target"), ("citation", "report")])
def test_autocomplete_queries_do_not_grow_with_the_results(editor_client, world, model_name, field_name):
    source = SourceFactory(name="Wire")
    for n in range(2):
        ClaimFactory(claimant=world.taliban, summary=f"Wire claim {n}.", citations=[{"report": world.report}])
        ReportFactory(source=source, title=f"Wire report {n}")
    _, few = autocomplete(editor_client, "Wire", model_name, field_name)
    for n in range(2, 10):
        ClaimFactory(claimant=world.nrf, summary=f"Wire claim {n}.", citations=[{"report": world.report}])
        ReportFactory(source=source, title=f"Wire report {n}")

    labels, many = autocomplete(editor_client, "Wire", model_name, field_name)

    assert len(labels) == 10
    assert many == few
