"""Flag history: every change of a claim's status, flags, reasons or grade is recorded by the recompute
with its cause, whatever the write path; the API's history and the claim page show it beside the edits."""

import io
import re
from datetime import date

import pytest
from django.core.management import call_command

from actors.services import actor_update
from claims.models import Claim, FlagChangeRecord
from claims.services import claim_create, relation_create, relation_delete
from interchange.claimreview import import_claim_reviews
from tests.factories import ActorFactory, ClaimFactory, ReportFactory
from tests.support.queries import queries_for

pytestmark = pytest.mark.django_db


def flag_entries(api, claim):
    response = api.get(f"/api/v1/claims/{claim.pk}/history/")
    assert response.status_code == 200
    return [e for e in response.json() if e["kind"] == "flags"]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.fixture
def sides(db):
    taliban = ActorFactory(name="Taliban")
    resistance = ActorFactory(name="Afghan resistance", kind="coalition")
    nrf = ActorFactory(name="National Resistance Front", parent=resistance)
    dashti = ActorFactory(name="Fahim Dashti", kind="person", parent=nrf)
    shattal = ClaimFactory(claimant=taliban, summary="The Taliban took Shattal.", claimed_on=date(2021, 9, 2))
    return taliban, nrf, dashti, shattal


def test_a_denial_arriving_makes_one_entry_naming_it(sides, api, editor_api):
    taliban, nrf, dashti, shattal = sides
    before = flag_entries(api, shattal)
    assert [(e["old"], e["new"]["status"], e["cause"]["kind"]) for e in before] == [
        (None, "unverified", "claim_created")
    ]
    denial = claim_create(
        claimant=nrf,
        spokesperson=dashti,
        claimed_on=date(2021, 9, 3),
        summary="The NRF denies it.",
        citations=[{"report": ReportFactory()}],
    )

    response = editor_api.post(
        "/api/v1/relations/", {"claim": denial.pk, "target": shattal.pk, "stance": "denies"}, format="json"
    )

    assert response.status_code == 201, response.json()
    after = flag_entries(api, shattal)
    assert len(after) == len(before) + 1
    entry = after[0]
    assert (entry["old"]["status"], entry["new"]["status"]) == ("unverified", "contested")
    assert (entry["old"]["contested"], entry["new"]["contested"]) == (False, True)
    assert entry["cause"]["kind"] == "relation_created" and entry["cause"]["id"] == response.json()["id"]
    assert entry["cause"]["text"].startswith(
        f"Denial by National Resistance Front (Fahim Dashti) on 2021-09-03: claim #{denial.pk} denies"
    )
    assert entry["effective_on"] == "2021-09-03"
    assert entry["new"]["reasons"][0]["code"] == "denied_by"


def test_a_bloc_move_makes_one_entry_naming_it(sides, api):
    taliban, nrf, dashti, shattal = sides
    denial = ClaimFactory(claimant=nrf, claimed_on=date(2021, 9, 3))
    relation_create(claim=denial, target=shattal, stance="denies")
    before = flag_entries(api, shattal)

    actor_update(actor=nrf, parent=taliban)  # the NRF joins the Taliban's bloc: the denial is an echo

    after = flag_entries(api, shattal)
    assert len(after) == len(before) + 1
    entry = after[0]
    assert (entry["old"]["status"], entry["new"]["status"]) == ("contested", "unverified")
    assert entry["cause"] == {
        "kind": "bloc_move",
        "id": nrf.pk,
        "text": "Bloc move: National Resistance Front moved under Taliban",
    }


def test_a_retraction_makes_one_entry_naming_it(sides, api):
    taliban, nrf, dashti, shattal = sides
    before = flag_entries(api, shattal)
    retraction = ClaimFactory(claimant=taliban, claimed_on=date(2021, 9, 6), summary="We did not take Shattal.")
    assert flag_entries(api, shattal) == before  # another claim of the same actor changes nothing yet

    relation_create(claim=retraction, target=shattal, stance="retracts")

    after = flag_entries(api, shattal)
    assert len(after) == len(before) + 1
    assert (after[0]["new"]["status"], after[0]["new"]["grade"]) == ("retracted", "B6")
    assert after[0]["cause"]["text"].startswith("Retraction by Taliban on 2021-09-06")
    assert after[0]["effective_on"] == "2021-09-06"


def test_an_import_makes_one_entry_naming_it(sides, api):
    taliban, nrf, dashti, shattal = sides
    Claim.objects.filter(pk=shattal.pk).update(external_id="fc:shattal")
    before = flag_entries(api, shattal)
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://factcheck.example/shattal",
        "datePublished": "2021-09-10",
        "author": {"@type": "Organization", "name": "Fact Check Desk"},
        "claimReviewed": "The Taliban took Shattal.",
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Organization", "name": "Taliban"},
            "datePublished": "2021-09-02",
            "appearance": [{"@type": "CreativeWork", "url": "https://news.example.org/shattal"}],
        },
        "reviewRating": {"@type": "Rating", "ratingValue": 5, "bestRating": 5, "worstRating": 1},
    }

    summary = import_claim_reviews(review)

    assert not summary.problems and summary.created == 1, summary
    imported = Claim.objects.exclude(pk=shattal.pk).get(summary="The Taliban took Shattal.")
    assert imported.status == "confirmed"
    entries = flag_entries(api, imported)
    assert len(entries) == 1
    assert entries[0]["cause"]["kind"] == "import"
    assert entries[0]["cause"]["text"].startswith("Import of ")
    assert entries[0]["new"]["status"] == "confirmed"
    assert flag_entries(api, shattal) == before


def test_a_verdict_edit_is_an_edit_of_the_verdict_and_a_flags_entry_naming_it(sides, api, editor_api):
    taliban, nrf, dashti, shattal = sides

    response = editor_api.patch(
        f"/api/v1/claims/{shattal.pk}/", {"verdict": "confirmed", "verdict_on": "2021-09-10"}, format="json"
    )

    assert response.status_code == 200, response.json()
    history = editor_api.get(f"/api/v1/claims/{shattal.pk}/history/").json()
    edits = [e for e in history if e["kind"] == "edit" and e["type"] == "changed"]
    assert len(edits) == 1
    assert sorted(c["field"] for c in edits[0]["changes"]) == ["verdict", "verdict_on"]
    flags = [e for e in history if e["kind"] == "flags"]
    assert len(flags) == 2
    assert (flags[0]["old"]["status"], flags[0]["new"]["status"]) == ("unverified", "confirmed")
    assert flags[0]["cause"] == {
        "kind": "verdict",
        "id": shattal.pk,
        "text": f"Verdict on claim #{shattal.pk}: confirmed on 2021-09-10",
    }
    assert history[0]["kind"] == "flags"  # newest first: the recompute ran after the edit was saved


def test_an_edit_that_changes_no_flag_records_none(sides, api, editor_api):
    taliban, nrf, dashti, shattal = sides
    before = flag_entries(api, shattal)

    response = editor_api.patch(f"/api/v1/claims/{shattal.pk}/", {"summary": "Shattal was taken."}, format="json")

    assert response.status_code == 200
    assert flag_entries(api, shattal) == before


def test_a_full_recompute_records_what_it_repaired(sides, api):
    taliban, nrf, dashti, shattal = sides
    Claim.objects.filter(pk=shattal.pk).update(status="corroborated", corroborated=True, unverified=False)

    call_command("recompute_flags", stdout=io.StringIO())

    entry = flag_entries(api, shattal)[0]
    assert (entry["old"]["status"], entry["new"]["status"], entry["cause"]["kind"]) == (
        "corroborated",
        "unverified",
        "recompute",
    )


def test_the_panjshir_example_shows_shattals_grade_and_flag_history(client, api):
    call_command("load_example", "panjshir-2021", stdout=io.StringIO())
    shattal = Claim.objects.get(summary__startswith="The Taliban took the town of Shattal")

    entries = list(reversed(flag_entries(api, shattal)))  # oldest first
    assert [(e["effective_on"], e["new"]["status"], e["cause"]["kind"]) for e in entries] == [
        ("2021-09-02", "unverified", "claim_created"),
        ("2021-09-03", "contested", "relation_created"),
    ]
    assert entries[1]["cause"]["text"].startswith("Denial by National Resistance Front (Fahim Dashti) on 2021-09-03")
    assert api.get(f"/api/v1/claims/{shattal.pk}/").json()["grade"] == "C4"

    page = text(client.get(f"/claims/{shattal.pk}/").content.decode())
    assert "Grade: C4" in page
    assert "2 Sep 2021 Flags: first Unverified, grade C3 — Claim #" in page
    assert (
        "3 Sep 2021 Flags: Unverified → Contested, contested yes, grade C3 → C4 — Denial by National Resistance "
        "Front (Fahim Dashti) on 2021-09-03" in page
    )
    assert page.index("3 Sep 2021 Flags") < page.index("2 Sep 2021 Flags")  # newest first


def test_history_and_page_read_in_a_constant_number_of_queries(sides, api, client):
    taliban, nrf, dashti, shattal = sides
    urls = (f"/api/v1/claims/{shattal.pk}/history/", f"/claims/{shattal.pk}/")
    few = [queries_for(client, url) for url in urls]
    for n in range(4):
        denial = ClaimFactory(claimant=nrf, claimed_on=date(2021, 9, 3 + n))
        relation = relation_create(claim=denial, target=shattal, stance="denies")
        if n % 2:
            relation_delete(relation=relation)
    assert FlagChangeRecord.objects.filter(claim=shattal).count() >= 5
    assert [queries_for(client, url) for url in urls] == few
