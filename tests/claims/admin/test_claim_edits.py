"""An editor's save of a claim in the admin writes only what the editor changed: citations keep their
rows, and the history credits the editor with their own changes, never with a recompute's."""

import re
from datetime import date

import pytest
from django.urls import reverse

from claims.models import Citation
from tests.factories import ClaimFactory, RelationFactory
from tests.support.admin import claim_form_data, form_errors

pytestmark = pytest.mark.django_db

QUOTE = "captured eleven important positions\non the main road"


def change_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def save(client, claim, *, extra=None, **fields):
    """Post the claim's change form as an editor would: its citations as they are, these fields set."""
    data = claim_form_data(
        claimant=claim.claimant,
        summary=claim.summary,
        initial_citations=[(citation, False) for citation in claim.citations.all()],
        **fields,
    )
    response = client.post(change_url(claim), data | (extra or {}))
    assert response.status_code == 302, form_errors(response)
    return response


def history(client, claim, kind="edit"):
    """The API history's entries of one kind: the edits (by default) or the flag changes."""
    response = client.get(f"/api/v1/claims/{claim.pk}/history/")
    assert response.status_code == 200
    return [e for e in response.json() if e["kind"] == kind]


def page_history(client, claim, kind="edit"):
    """The page history's entries of one kind (``history-edit`` or ``history-flags`` items)."""
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    section = html.split('id="history-h"')[1].split("</section>")[0]
    section = section.split('<ol class="history">', 1)[-1]  # the entries, not the heading's note
    other = "flags" if kind == "edit" else "edit"
    if other == "flags":
        return re.sub(r'<li class="history-flags">.*?</li>', "", section, flags=re.S)
    return "".join(re.findall(r'<li class="history-flags">.*?</li>', section, flags=re.S))


def test_saving_a_claim_keeps_its_unchanged_citations_and_records_no_citation_change(editor_client, world):
    claim = ClaimFactory(
        claimant=world.taliban,
        summary="Taliban fighters captured Shattal.",
        citations=[{"report": world.report, "quote": QUOTE}, {"report": world.other_report, "quote": ""}],
    )
    first, second = claim.citations.order_by("id")
    # A browser sends a textarea's lines with CRLF: the same quote, other line endings.
    data = claim_form_data(
        claimant=world.taliban, summary="Taliban fighters captured Shattal and more.", initial_citations=[]
    )
    data.update(
        {
            "citations-TOTAL_FORMS": "2",
            "citations-INITIAL_FORMS": "2",
            "citations-0-id": str(first.pk),
            "citations-0-report": str(world.report.pk),
            "citations-0-quote": QUOTE.replace("\n", "\r\n"),
            "citations-1-id": str(second.pk),
            "citations-1-report": str(world.other_report.pk),
            "citations-1-quote": "",
        }
    )

    response = editor_client.post(change_url(claim), data)

    assert response.status_code == 302, form_errors(response)
    assert list(claim.citations.order_by("id").values_list("id", "quote")) == [(first.pk, QUOTE), (second.pk, "")]
    citation_entries = [e for e in history(editor_client, claim) if e["object"] == "citation"]
    assert [e["type"] for e in citation_entries] == ["created", "created"]
    assert "deleted" not in page_history(editor_client, claim).lower()


def test_a_changed_citation_is_updated_in_place_and_its_history_shows_the_change(editor_client, world):
    claim = ClaimFactory(claimant=world.taliban, citations=[{"report": world.report, "quote": "old words"}])
    citation = claim.citations.get()

    save(editor_client, claim, extra={"citations-0-quote": "new words"})

    assert list(claim.citations.values_list("id", "quote")) == [(citation.pk, "new words")]
    changed = [e for e in history(editor_client, claim) if e["object"] == "citation" and e["type"] == "changed"]
    assert [e["changes"] for e in changed] == [[{"field": "quote", "old": "old words", "new": "new words"}]]
    assert Citation.history.filter(id=citation.pk, history_type="-").count() == 0


def test_the_same_citations_through_the_api_keep_their_ids(world, editor_client):
    claim = ClaimFactory(claimant=world.taliban, citations=[{"report": world.report, "quote": "q"}])
    citation = claim.citations.get()

    response = editor_client.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"citations": [{"report": world.report.pk, "quote": "q"}]},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert [c["id"] for c in response.json()["citations"]] == [citation.pk]
    # Nothing changed: no new version of the claim or of its citation.
    assert sorted((e["object"], e["type"]) for e in history(editor_client, claim)) == [
        ("citation", "created"),
        ("claim", "created"),
    ]


def test_a_verdict_edit_is_not_credited_with_a_status_change_another_claim_caused(editor_client, world):
    claim = ClaimFactory(claimant=world.taliban, summary="Shattal taken.", citations=[{"report": world.report}])
    denial = ClaimFactory(claimant=world.nrf, summary="Nothing taken.", claimed_on=date(2021, 9, 3))
    RelationFactory(claim=denial, target=claim, stance="denies")  # contests the claim days before the edit
    claim.refresh_from_db()
    assert claim.status == "contested"

    save(editor_client, claim, verdict="unlikely", verdict_on=date(2021, 9, 10))

    edit = next(e for e in history(editor_client, claim) if e["object"] == "claim" and e["type"] == "changed")
    assert {c["field"] for c in edit["changes"]} == {"verdict", "verdict_on"}
    shown = page_history(editor_client, claim)
    assert "verdict: <del>—</del> → <ins>unlikely</ins>" in shown
    assert "status" not in shown and "unverified" not in shown
    # The recompute's change (the grade: doubtful → improbable) is a flags entry naming the verdict.
    change = history(editor_client, claim, "flags")[0]
    assert (change["old"]["grade"], change["new"]["grade"], change["new"]["status"]) == ("B4", "B5", "contested")
    assert change["cause"]["text"] == f"Verdict on claim #{claim.pk}: unlikely on 2021-09-10"
    assert "Verdict on claim" in page_history(editor_client, claim, "flags")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"event_end": date(2021, 9, 3)}, "event_end", "An event end needs an event start."),
        (
            {"event_start": date(2021, 9, 3), "event_end": date(2021, 9, 1)},
            "event_end",
            "The event end cannot be before the event start.",
        ),
        ({"count_min": 20, "count_max": 8}, "count_max", "The maximum count (8) is below the minimum (20)."),
    ],
    ids=["end_without_start", "end_before_start", "min_above_max"],
)
def test_a_rule_broken_on_the_claim_form_is_said_once_on_its_field_in_plain_words(
    editor_client, world, fields, field, message
):
    response = editor_client.post(
        reverse("admin:claims_claim_add"),
        claim_form_data(claimant=world.taliban, summary="Shattal taken.", citations=[(world.report, "")], **fields),
    )

    assert response.status_code == 200
    assert form_errors(response) == {field: [message]}
    html = response.content.decode()
    assert html.count(message) == 1
    assert "event_start" not in html.split('id="content-main"')[1].split("<fieldset")[0]  # no error on top
    assert "errornote" in html and "nonfield" not in html
