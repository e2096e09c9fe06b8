"""Editors write claims and relations in the admin; the services compute the flags."""

from datetime import date, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from claims.models import Citation, Claim, Relation
from tests.factories import ClaimFactory, RelationFactory
from tests.support.admin import claim_form_data, form_errors

pytestmark = pytest.mark.django_db

CLAIM_ADD = reverse("admin:claims_claim_add")
RELATION_ADD = reverse("admin:claims_relation_add")


def claim_change(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def post_taliban_claim(editor_client, world, **overrides):
    fields = dict(
        claimant=world.taliban,
        spokesperson=world.mujahid,
        claimed_on=date(2021, 9, 2),
        kind="control",
        summary="Taliban fighters captured Shattal.",
        subject=world.taliban,
        location=world.shattal,
        event_start=date(2021, 9, 2),
        citations=[(world.report, "captured eleven important positions")],
    )
    fields.update(overrides)
    return editor_client.post(CLAIM_ADD, claim_form_data(**fields))


def test_editor_adds_a_claim_with_an_inline_citation_and_its_flags_are_computed(editor_client, world):
    response = post_taliban_claim(editor_client, world)

    assert response.status_code == 302, form_errors(response)
    claim = Claim.objects.get(summary="Taliban fighters captured Shattal.")
    assert claim.spokesperson == world.mujahid
    assert [(c.report, c.quote) for c in claim.citations.all()] == [
        (world.report, "captured eleven important positions")
    ]
    assert claim.status == "unverified"
    assert claim.unverified is True and claim.contested is False
    assert [r["code"] for r in claim.reasons] == ["no_independent_support"]
    assert LogEntry.objects.filter(object_id=str(claim.pk), action_flag=1).exists()


def test_a_denial_added_in_the_relation_admin_by_another_bloc_contests_the_target(editor_client, world):
    post_taliban_claim(editor_client, world)
    target = Claim.objects.get(summary="Taliban fighters captured Shattal.")
    response = editor_client.post(
        CLAIM_ADD,
        claim_form_data(
            claimant=world.nrf,
            spokesperson=world.dashti,
            claimed_on=date(2021, 9, 3),
            summary="They did not advance even a kilometer.",
            citations=[(world.other_report, "")],
        ),
    )
    assert response.status_code == 302, form_errors(response)
    denial = Claim.objects.get(summary="They did not advance even a kilometer.")

    response = editor_client.post(
        RELATION_ADD, {"claim": denial.pk, "target": target.pk, "stance": "denies", "note": "Dashti to RT"}
    )

    assert response.status_code == 302, form_errors(response)
    relation = Relation.objects.get(claim=denial, target=target)
    assert relation.origin == "editor"
    target.refresh_from_db()
    assert target.status == "contested" and target.contested is True
    assert any("Denied by National Resistance Front" in r["text"] for r in target.reasons)

    page = editor_client.get(claim_change(target))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Denied by National Resistance Front (Fahim Dashti) on 2021-09-03" in html
    assert "They did not advance even a kilometer." in html  # the relation received, read-only


def test_an_echo_from_the_claimants_own_bloc_changes_no_flag(editor_client, world):
    target = ClaimFactory(claimant=world.nrf, citations=[{"report": world.report}])
    echo = ClaimFactory(claimant=world.dashti, claimed_on=date(2021, 9, 3), citations=[{"report": world.report}])

    response = editor_client.post(RELATION_ADD, {"claim": echo.pk, "target": target.pk, "stance": "supports"})

    assert response.status_code == 302, form_errors(response)
    target.refresh_from_db()
    assert target.status == "unverified" and target.corroborated is False


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "casualties", "location": None, "count_min": 20, "count_max": 8}, "count_max"),
        ({"spokesperson": "dashti"}, "spokesperson"),
        ({"citations": []}, "citations"),
        ({"location": None}, "location"),
        ({"subject": None}, "subject"),
        ({"event_start": None, "event_end": date(2021, 9, 3)}, "event_end"),
        ({"claimed_on": date.today() + timedelta(days=3)}, "claimed_on"),
        ({"summary": "   "}, "summary"),
    ],
    ids=[
        "count_min_above_count_max",
        "spokesperson_outside_bloc",
        "no_citation",
        "control_without_location",
        "control_without_subject",
        "end_without_start",
        "claimed_in_future",
        "blank_summary",
    ],
)
def test_bad_input_is_shown_as_a_form_error_and_nothing_is_written(editor_client, world, overrides, field):
    overrides = {k: getattr(world, v) if isinstance(v, str) and hasattr(world, v) else v for k, v in overrides.items()}
    claims_before, citations_before = Claim.objects.count(), Citation.objects.count()

    response = post_taliban_claim(editor_client, world, **overrides)

    assert response.status_code == 200
    errors = form_errors(response)
    assert field in errors, errors
    assert Claim.objects.count() == claims_before
    assert Citation.objects.count() == citations_before


def test_removing_the_last_citation_of_a_claim_is_refused(editor_client, world):
    claim = ClaimFactory(claimant=world.taliban, citations=[{"report": world.report, "quote": "q"}])
    citation = claim.citations.get()

    response = editor_client.post(
        claim_change(claim),
        claim_form_data(claimant=claim.claimant, summary=claim.summary, initial_citations=[(citation, True)]),
    )

    assert response.status_code == 200
    assert "at least one citation" in " ".join(form_errors(response)["citations"])
    assert claim.citations.get() == citation


def test_editing_a_claim_keeps_untouched_citations_and_changes_flags(editor_client, world):
    claim = ClaimFactory(claimant=world.taliban, citations=[{"report": world.report, "quote": "q"}])
    citation = claim.citations.get()

    response = editor_client.post(
        claim_change(claim),
        claim_form_data(
            claimant=world.taliban,
            summary="Revised summary.",
            verdict="confirmed",
            verdict_on=date(2021, 9, 10),
            initial_citations=[(citation, False)],
        ),
    )

    assert response.status_code == 302, form_errors(response)
    claim.refresh_from_db()
    assert claim.summary == "Revised summary."
    assert claim.status == "confirmed" and claim.unverified is False
    assert list(claim.citations.all()) == [citation]  # not deleted and re-created


def test_citations_can_be_added_and_removed_inline(editor_client, world):
    claim = ClaimFactory(claimant=world.taliban, citations=[{"report": world.report, "quote": "q"}])
    citation = claim.citations.get()

    response = editor_client.post(
        claim_change(claim),
        claim_form_data(
            claimant=world.taliban,
            summary=claim.summary,
            initial_citations=[(citation, True)],
            citations=[(world.other_report, "new quote")],
        ),
    )

    assert response.status_code == 302, form_errors(response)
    assert [(c.report, c.quote) for c in claim.citations.all()] == [(world.other_report, "new quote")]


def test_admin_changes_write_history_rows_with_the_editor(editor_client, editor, world):
    post_taliban_claim(editor_client, world)
    claim = Claim.objects.get(summary="Taliban fighters captured Shattal.")
    citation = claim.citations.get()
    editor_client.post(
        claim_change(claim),
        claim_form_data(
            claimant=world.taliban,
            spokesperson=world.mujahid,
            kind="control",
            summary="Taliban fighters captured Shattal and ten more positions.",
            subject=world.taliban,
            location=world.shattal,
            event_start=date(2021, 9, 2),
            initial_citations=[(citation, False)],
        ),
    )

    history = list(claim.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[-1].summary == "Taliban fighters captured Shattal and ten more positions."
    assert all(h.history_user == editor for h in history)
    assert citation.history.filter(history_type="+", history_user=editor).exists()
    page = editor_client.get(reverse("admin:claims_claim_history", args=[claim.pk]))
    assert page.status_code == 200


def test_claim_reasons_are_escaped(editor_client, world):
    claim = ClaimFactory(claimant=world.taliban, citations=[{"report": world.report}])
    Claim.objects.filter(pk=claim.pk).update(reasons=[{"code": "verdict", "text": "<script>alert(1)</script>"}])

    html = editor_client.get(claim_change(claim)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_refused_claim_delete_shows_a_message_and_deletes_nothing(editor_client, world):
    relation = RelationFactory(
        claim__claimant=world.nrf, target__claimant=world.taliban, stance="denies"
    )  # an editor's denial targets the claim
    target = relation.target

    response = editor_client.post(reverse("admin:claims_claim_delete", args=[target.pk]), {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert Claim.objects.filter(pk=target.pk).exists()
    assert Relation.objects.filter(pk=relation.pk).exists()
    text = response.content.decode()
    assert "Cannot delete claim" in text
    assert f"Relation #{relation.pk}" in text  # the answering relation is named


def test_a_claim_with_only_automatic_relations_to_it_can_be_deleted(editor_client, world):
    relation = _auto_contradiction(world)

    response = editor_client.post(reverse("admin:claims_claim_delete", args=[relation.target_id]), {"post": "yes"})

    assert response.status_code == 302
    assert not Claim.objects.filter(pk=relation.target_id).exists()
    assert not Relation.objects.exists()


def test_the_delete_selected_action_refuses_all_when_one_is_referenced(editor_client, world):
    free = ClaimFactory(claimant=world.taliban, citations=[{"report": world.report}])
    relation = RelationFactory(claim__claimant=world.nrf, target__claimant=world.taliban, stance="denies")

    response = editor_client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "delete_selected", "_selected_action": [free.pk, relation.target_id], "post": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    assert Claim.objects.filter(pk__in=[free.pk, relation.target_id]).count() == 2


def test_deleting_a_claim_in_the_admin_goes_through_the_service(editor_client, world):
    claim = ClaimFactory(claimant=world.taliban, citations=[{"report": world.report}])

    response = editor_client.post(reverse("admin:claims_claim_delete", args=[claim.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()
    from claims.models import Tombstone

    assert Tombstone.objects.filter(claim_id=claim.pk).exists()  # only the service writes tombstones


def _auto_contradiction(world):
    common = dict(
        kind="control", location=world.shattal, event_start=date(2021, 9, 2), citations=[{"report": world.report}]
    )
    ClaimFactory(claimant=world.taliban, subject=world.taliban, summary="Taliban hold Shattal.", **common)
    ClaimFactory(claimant=world.nrf, subject=world.nrf, summary="NRF holds Shattal.", **common)
    return Relation.objects.get(origin="auto")


def test_an_automatic_relation_can_be_read_but_not_changed_or_deleted(editor_client, world):
    relation = _auto_contradiction(world)
    change_url = reverse("admin:claims_relation_change", args=[relation.pk])

    page = editor_client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # view only

    response = editor_client.post(
        change_url, {"claim": relation.claim_id, "target": relation.target_id, "stance": "supports", "note": "x"}
    )
    assert response.status_code == 403
    response = editor_client.post(reverse("admin:claims_relation_delete", args=[relation.pk]), {"post": "yes"})
    assert response.status_code == 403
    response = editor_client.post(
        reverse("admin:claims_relation_changelist"),
        {"action": "delete_selected", "_selected_action": [relation.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 403  # the selection holds a relation the editor may not delete
    relation.refresh_from_db()
    assert relation.stance == "contradicts" and relation.origin == "auto"


def test_an_editor_relation_with_the_key_of_an_automatic_one_replaces_it(editor_client, world):
    relation = _auto_contradiction(world)

    response = editor_client.post(
        RELATION_ADD,
        {"claim": relation.claim_id, "target": relation.target_id, "stance": "contradicts", "note": "checked"},
    )

    assert response.status_code == 302, form_errors(response)
    only = Relation.objects.get(claim_id=relation.claim_id, target_id=relation.target_id)
    assert only.origin == "editor" and only.note == "checked"


def test_a_retraction_across_blocs_is_a_form_error(editor_client, world):
    taliban_claim = ClaimFactory(claimant=world.taliban, citations=[{"report": world.report}])
    nrf_claim = ClaimFactory(claimant=world.nrf, citations=[{"report": world.report}])

    response = editor_client.post(
        RELATION_ADD, {"claim": nrf_claim.pk, "target": taliban_claim.pk, "stance": "retracts"}
    )

    assert response.status_code == 200
    assert "stance" in form_errors(response)
    assert not Relation.objects.exists()


def test_editing_and_deleting_an_editor_relation_recomputes_the_target(editor_client, world):
    relation = RelationFactory(claim__claimant=world.nrf, target__claimant=world.taliban, stance="denies")
    target = relation.target
    change_url = reverse("admin:claims_relation_change", args=[relation.pk])

    response = editor_client.post(
        change_url, {"claim": relation.claim_id, "target": target.pk, "stance": "supports", "note": ""}
    )
    assert response.status_code == 302, form_errors(response)
    target.refresh_from_db()
    assert target.status == "corroborated"

    response = editor_client.post(reverse("admin:claims_relation_delete", args=[relation.pk]), {"post": "yes"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == "unverified"


def test_claims_are_found_by_number_in_the_autocomplete(editor_client, world):
    claim = ClaimFactory(claimant=world.taliban, summary="Shattal taken.", citations=[{"report": world.report}])
    ClaimFactory(claimant=world.nrf, summary="Nothing taken.", citations=[{"report": world.report}])

    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"term": f"#{claim.pk}", "app_label": "claims", "model_name": "relation", "field_name": "target"},
    )

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(claim.pk)]


def test_an_error_only_the_service_finds_is_shown_on_the_form_not_a_500(editor_client, world, monkeypatch):
    """Whatever the forms miss, the service still refuses; the admin shows its message and keeps nothing."""
    from claims.admin.claims import CitationFormSet

    monkeypatch.setattr(CitationFormSet, "clean", lambda self: None)  # the formset no longer checks

    response = post_taliban_claim(editor_client, world, citations=[])

    assert response.status_code == 200
    assert "at least one citation" in " ".join(form_errors(response)["__all__"])
    assert not Claim.objects.exists()
