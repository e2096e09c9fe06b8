"""Two responses by the same actor on the same day give reasons whose sentences read the same (rule 8
fixes the sentence): the claim page tells them apart by the summary of each responding claim, linked."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import ActorFactory, ClaimFactory, RelationFactory
from tests.support.queries import queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def twice_contradicted(db):
    taliban = ActorFactory(name="Taliban")
    mujahid = ActorFactory(name="Zabihullah Mujahid", kind="person", parent=taliban)
    nrf = ActorFactory(name="National Resistance Front")
    claim = ClaimFactory(claimant=nrf, summary="The NRF holds every pass into Panjshir.", claimed_on=date(2021, 9, 5))
    responses = [
        ClaimFactory(claimant=taliban, spokesperson=mujahid, claimed_on=date(2021, 9, 6), summary=summary)
        for summary in ("Taliban forces took the Anaba district.", "Taliban forces took the Rukha district.")
    ]
    for response in responses:
        RelationFactory(claim=response, target=claim, stance="contradicts")
    return claim, responses


def test_reasons_that_read_the_same_show_which_claim_each_is(client, twice_contradicted):
    claim, responses = twice_contradicted
    sentence = "Contradicted by Taliban (Zabihullah Mujahid) on 2021-09-06"
    claim.refresh_from_db()
    assert [r["text"] for r in claim.reasons if r["code"] == "contradicted_by"] == [sentence, sentence]

    html = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()

    for response in responses:
        url = reverse("claims:detail", args=[response.pk])
        assert f'<a href="{url}">{sentence}</a>: <a class="reason-claim" href="{url}">“{response.summary}”</a>' in html


def test_the_summaries_cost_the_claim_page_one_query_however_many_reasons(client, twice_contradicted):
    claim, responses = twice_contradicted
    url = reverse("claims:detail", args=[claim.pk])
    before = queries_for(client, url)
    for n in range(3):
        extra = ClaimFactory(claimant=responses[0].claimant, summary=f"Another response {n}.")
        RelationFactory(claim=extra, target=claim, stance="contradicts")

    assert queries_for(client, url) == before


def test_the_admin_names_the_claim_behind_each_reason(client, editor, twice_contradicted):
    claim, responses = twice_contradicted
    client.force_login(editor)

    html = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()

    for response in responses:
        assert f"claim #{response.pk}: “{response.summary}”</a>" in html
