"""The admin's "Merge selected into…" action on actors, places and sources: a page to choose the one
to keep, then the others merged into it in one transaction, a message with what was done."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from actors.models import Actor
from claims.models import Claim
from locations.models import Location
from sources.models import Report, Source
from tests.factories import ActorFactory, ClaimFactory, LocationFactory, ReportFactory, SourceFactory

pytestmark = pytest.mark.django_db


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def choose(client, model, objects):
    return client.post(changelist(model), {"action": "merge_selected", "_selected_action": [o.pk for o in objects]})


def confirm(client, model, objects, keep):
    return client.post(
        changelist(model),
        {"action": "merge_selected", "_selected_action": [o.pk for o in objects], "post": "yes", "keep": keep.pk},
        follow=True,
    )


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_places_merge_through_the_intermediate_page(editor_client, world):
    shotul = LocationFactory(name="Shotul")
    shatal = LocationFactory(name="Shatal", aliases=["Shatul"])
    nrf_claim = ClaimFactory(
        claimant=world.nrf,
        kind="control",
        subject=world.nrf,
        location=shotul,
        event_start=date(2021, 9, 2),
        citations=[{"report": world.report}],
    )
    taliban_claim = ClaimFactory(
        claimant=world.taliban,
        kind="control",
        subject=world.taliban,
        location=world.shattal,
        event_start=date(2021, 9, 2),
        citations=[{"report": world.other_report}],
    )

    page = choose(editor_client, Location, [world.shattal, shotul, shatal])

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="keep"' in html and "Shotul" in html and "Shatul" in html
    assert Location.objects.filter(pk=shotul.pk).exists()  # the page alone changes nothing

    done = confirm(editor_client, Location, [world.shattal, shotul, shatal], keep=world.shattal)

    assert done.status_code == 200
    assert said(done) == [
        f"Merged 2 locations into “Shattal” (#{world.shattal.pk}): Shotul (#{shotul.pk}), Shatal (#{shatal.pk})."
    ]
    assert list(Location.objects.values_list("name", flat=True)) == ["Shattal"]
    assert Location.objects.get().aliases == ["Shotul", "Shatal", "Shatul"]
    assert Claim.objects.get(pk=nrf_claim.pk).location_id == world.shattal.pk
    assert Claim.objects.get(pk=taliban_claim.pk).contested  # rule 7 pairs them now


def test_a_refused_merge_merges_nothing_and_says_why(editor_client, world):
    bazaar = LocationFactory(name="Shattal bazaar", parent=world.shattal)
    gate = LocationFactory(name="Gate", parent=bazaar)
    other = LocationFactory(name="Shotul")

    # Keeping the gate: Shattal (its ancestor) cannot be merged into it; the other place was first.
    done = confirm(editor_client, Location, [other, world.shattal, gate], keep=gate)

    messages = said(done)
    assert (
        len(messages) == 1 and messages[0].startswith("Nothing was merged.") and "Gate is below Shattal" in messages[0]
    )
    assert Location.objects.count() == 4  # Shotul's merge rolled back with the refused one
    assert Location.objects.get(pk=gate.pk).aliases == []


def test_one_row_is_not_a_merge(editor_client, world):
    done = confirm(editor_client, Location, [world.shattal], keep=world.shattal)
    assert said(done) == ["Select at least two locations to merge."]


def test_actors_and_sources_merge_in_the_admin(editor_client, world):
    twin = ActorFactory(name="Talibs")
    claim = ClaimFactory(claimant=twin, citations=[{"report": world.report}])
    done = confirm(editor_client, Actor, [world.taliban, twin], keep=world.taliban)
    assert said(done) == [f"Merged 1 actor into “Taliban” (#{world.taliban.pk}): Talibs (#{twin.pk})."]
    assert Claim.objects.get(pk=claim.pk).claimant_id == world.taliban.pk

    tolo, spelled = SourceFactory(name="TOLOnews"), SourceFactory(name="Tolo News")
    report = ReportFactory(source=spelled)
    page = choose(editor_client, Source, [tolo, spelled])
    assert page.status_code == 200 and "Tolo News" in page.content.decode()
    done = confirm(editor_client, Source, [tolo, spelled], keep=tolo)
    assert said(done)[0].startswith("Merged 1 source into “TOLOnews”")
    assert Report.objects.get(pk=report.pk).source_id == tolo.pk
    assert Source.objects.get(pk=tolo.pk).aliases == ["Tolo News"]


def test_the_action_needs_the_right_to_change_and_delete(client, django_user_model, world):
    viewer = django_user_model.objects.create_user(username="viewer", password="x", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(
        Permission.objects.get(codename="view_location"), Permission.objects.get(codename="change_location")
    )
    client.force_login(viewer)
    shotul = LocationFactory(name="Shotul")
    page = client.get(changelist(Location))
    assert page.status_code == 200 and "merge_selected" not in page.content.decode()
    confirm(client, Location, [world.shattal, shotul], keep=world.shattal)
    assert Location.objects.filter(pk=shotul.pk).exists()
