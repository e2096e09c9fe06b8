"""The intake pages for editors: /intake/ (paste, the pending list, the example article) and
/intake/{id}/ (the article with its evidence marked, a card per draft, confirm and discard)."""

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Claim
from devdata.articles import PANJSHIR_2021
from intake.models import Intake
from sources.models import Report, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_the_intake_is_for_editors_only(client, analyst, panjshir):
    start = reverse("intake:start")
    response = client.get(start)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/intake/")
    client.force_login(analyst)
    assert client.get(start).status_code == 403
    assert client.post(start, {"text": "The Taliban said they took Shattal."}).status_code == 403
    assert not Intake.objects.exists()


def test_the_example_article_is_one_click_away(editor_client, panjshir):
    page = editor_client.get(reverse("intake:start"))
    assert 'href="?example=panjshir-2021"' in page.content.decode()
    filled = editor_client.get(reverse("intake:start") + "?example=panjshir-2021").content.decode()
    assert "Zabihullah Mujahid said the operation" in filled
    assert 'value="2021-09-03"' in filled and "selected>RT</option>" in filled


def test_an_empty_paste_is_a_form_error_and_reads_nothing(editor_client, panjshir):
    response = editor_client.post(reverse("intake:start"), {"text": "  \n "})
    assert response.status_code == 400
    assert "Paste the article&#x27;s text: it is empty." in response.content.decode()
    assert not Intake.objects.exists()


def test_pasting_reads_the_article_and_the_page_marks_each_draft(editor_client, panjshir):
    data = {k: v for k, v in PANJSHIR_2021.items() if k != "source"}
    data["source"] = Source.objects.get(slug="rt").pk
    response = editor_client.post(reverse("intake:start"), data)
    intake = Intake.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("intake:detail", args=[intake.pk])
    page = editor_client.get(response["Location"]).content.decode()
    assert intake.drafts
    for draft in intake.drafts:
        assert f'id="evidence-{draft["index"]}"' in page or any(
            other["evidence"]["start"] <= draft["evidence"]["start"] < other["evidence"]["end"]
            for other in intake.drafts
            if other is not draft
        )
        assert f'name="d{draft["index"]}-keep"' in page
    listing = editor_client.get(reverse("intake:start")).content.decode()
    assert reverse("intake:detail", args=[intake.pk]) in listing


def test_confirming_on_the_page_makes_the_ticked_drafts_with_the_edits(editor_client, panjshir):
    data = {k: v for k, v in PANJSHIR_2021.items() if k != "source"}
    data["source"] = Source.objects.get(slug="rt").pk
    editor_client.post(reverse("intake:start"), data)
    intake = Intake.objects.get()
    first = intake.drafts[0]
    form = {"action": "confirm", "d0-keep": "1", "d0-summary": "Edited by the editor."}
    for name in ("kind", "claimant", "spokesperson", "subject", "location", "event_start", "event_end"):
        value = first.get(name)
        if name in ("claimant", "spokesperson", "subject") and value:
            from actors.models import Actor

            value = Actor.objects.get(pk=value).slug
        elif name == "location" and value:
            from locations.models import Location

            value = Location.objects.get(pk=value).slug
        form[f"d0-{name}"] = value or ""
    before = Claim.objects.count()
    response = editor_client.post(reverse("intake:detail", args=[intake.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    intake.refresh_from_db()
    assert intake.state == "confirmed"
    made = intake.made["claims"] + intake.made["cited"]
    assert len(made) == 1
    if intake.made["claims"]:
        assert Claim.objects.get(pk=made[0]).summary == "Edited by the editor."
        assert Claim.objects.count() == before + 1
    page = editor_client.get(reverse("intake:detail", args=[intake.pk])).content.decode()
    assert "Confirmed" in page and reverse("claims:detail", args=[made[0]]) in page


def test_an_unknown_actor_on_a_card_is_an_error_on_that_card(editor_client, panjshir):
    data = {k: v for k, v in PANJSHIR_2021.items() if k != "source"}
    data["source"] = Source.objects.get(slug="rt").pk
    editor_client.post(reverse("intake:start"), data)
    intake = Intake.objects.get()
    before = Claim.objects.count()
    response = editor_client.post(
        reverse("intake:detail", args=[intake.pk]), {"action": "confirm", "d0-keep": "1", "d0-claimant": "nobody-here"}
    )
    assert response.status_code == 400
    assert "No actor “nobody-here”." in response.content.decode()
    assert Claim.objects.count() == before
    intake.refresh_from_db()
    assert intake.state == "draft"


def test_a_report_offers_draft_claims_to_editors_and_reads_it(editor_client, analyst, panjshir):
    report = Report.objects.filter(source__slug="rt").first()
    page = editor_client.get(reverse("sources:report_detail", args=[report.pk])).content.decode()
    assert reverse("intake:from_report", args=[report.pk]) in page
    reader = Client()
    reader.force_login(analyst)
    shown = reader.get(reverse("sources:report_detail", args=[report.pk])).content.decode()
    assert reverse("intake:from_report", args=[report.pk]) not in shown
    assert reader.post(reverse("intake:from_report", args=[report.pk])).status_code == 403
    response = editor_client.post(reverse("intake:from_report", args=[report.pk]))
    intake = Intake.objects.get(report=report)
    assert response["Location"] == reverse("intake:detail", args=[intake.pk])
    assert report.title in intake.text
    # Asking again opens the same intake.
    again = editor_client.get(reverse("intake:from_report", args=[report.pk]))
    assert again["Location"] == reverse("intake:detail", args=[intake.pk])


def test_discarding_on_the_page_writes_nothing_else(editor_client, panjshir):
    editor_client.post(reverse("intake:start"), {"text": PANJSHIR_2021["text"]})
    intake = Intake.objects.get()
    before = (Claim.objects.count(), Report.objects.count())
    response = editor_client.post(reverse("intake:detail", args=[intake.pk]), {"action": "discard"})
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.state == "discarded" and (Claim.objects.count(), Report.objects.count()) == before
