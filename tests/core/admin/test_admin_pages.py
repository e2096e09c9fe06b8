"""Every admin page loads for an editor; an analyst without permissions gets none of it."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from claims.models import RecomputeJob, Tombstone
from notifications.models import WebhookDelivery, WebhookSubscription
from sources.models import Feed, Snapshot
from tests.factories import ClaimFactory, ConflictFactory, RelationFactory

pytestmark = pytest.mark.django_db

FOGWATCH_APPS = ("actors", "locations", "sources", "claims", "notifications")
# Written by database triggers only, never edited (claims/search.py): no admin.
INTERNAL_MODELS = {("claims", "claimsearch"), ("claims", "searchword")}
MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in FOGWATCH_APPS
)


def test_every_fogwatch_model_is_registered():
    from django.apps import apps

    expected = {
        (m._meta.app_label, m._meta.model_name)
        for label in FOGWATCH_APPS
        for m in apps.get_app_config(label).get_models()
        if not m._meta.model_name.startswith("historical")
        and (m._meta.app_label, m._meta.model_name) not in INTERNAL_MODELS
    }
    assert expected == set(MODELS)


@pytest.fixture
def everything(world):
    """One row of every model, so change lists render rows and change pages exist."""
    claim = ClaimFactory(claimant=world.taliban, citations=[{"report": world.report, "quote": "q"}])
    relation = RelationFactory(claim__claimant=world.nrf, target=claim)
    feed = Feed.objects.create(source=world.report.source, url="https://feed.example/rss")
    subscription = WebhookSubscription.objects.create(name="S", url="https://s.example/", secret="x")
    return {
        "actor": world.taliban,
        "location": world.shattal,
        "source": world.report.source,
        "report": world.report,
        "feed": feed,
        "snapshot": Snapshot.objects.create(report=world.report, fetched_at=timezone.now(), http_status=200),
        "claim": claim,
        "citation": claim.citations.get(),
        "relation": relation,
        "conflict": ConflictFactory(name="Panjshir 2021", places=[world.shattal], parties=[world.taliban]),
        "tombstone": Tombstone.objects.create(claim_id=999, deleted_at=timezone.now()),
        "flagchangerecord": claim.flag_changes.first(),
        "recomputejob": RecomputeJob.objects.create(reason="bloc move", total=3, done=1),
        "webhooksubscription": subscription,
        "webhookdelivery": WebhookDelivery.objects.create(
            subscription=subscription, claim_id=claim.pk, event_id="e", payload={}
        ),
    }


@pytest.mark.parametrize(("app_label", "model_name"), MODELS)
def test_every_admin_page_loads_for_an_editor(
    editor_client, everything, app_label, model_name, django_assert_max_num_queries
):
    obj = everything[model_name]
    base = f"admin:{app_label}_{model_name}"

    with django_assert_max_num_queries(30):
        changelist = editor_client.get(reverse(f"{base}_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1
    assert editor_client.get(reverse(f"{base}_changelist"), {"q": "a b"}).status_code == 200
    assert editor_client.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200
    assert editor_client.get(reverse(f"{base}_history", args=[obj.pk])).status_code == 200


@pytest.mark.parametrize(
    "model",
    [
        "actors_actor",
        "locations_location",
        "sources_source",
        "sources_report",
        "claims_claim",
        "claims_relation",
        "sources_feed",
        "notifications_webhooksubscription",
    ],
)
def test_add_pages_load_for_an_editor(editor_client, model):
    assert editor_client.get(reverse(f"admin:{model}_add")).status_code == 200


def test_the_admin_index_lists_the_models_for_an_editor(editor_client):
    html = editor_client.get(reverse("admin:index")).content.decode()
    for label in ("Claims", "Relations", "Actors", "Locations", "Reports", "Webhook subscriptions"):
        assert label in html


@pytest.mark.parametrize(("app_label", "model_name"), MODELS)
def test_a_staff_analyst_without_permissions_is_forbidden(analyst_client, analyst, everything, app_label, model_name):
    analyst.is_staff = True
    analyst.save(update_fields=["is_staff"])
    base = f"admin:{app_label}_{model_name}"

    assert analyst_client.get(reverse(f"{base}_changelist")).status_code == 403
    assert analyst_client.get(reverse(f"{base}_change", args=[everything[model_name].pk])).status_code == 403


def test_an_analyst_who_is_not_staff_is_sent_to_the_login_page(analyst_client, world):
    response = analyst_client.get(reverse("admin:claims_claim_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_analyst_cannot_write_a_claim(analyst_client, analyst, world):
    from claims.models import Claim
    from tests.support.admin import claim_form_data

    analyst.is_staff = True
    analyst.save(update_fields=["is_staff"])
    data = claim_form_data(claimant=world.taliban, summary="Sneaky.", citations=[(world.report, "")])

    response = analyst_client.post(reverse("admin:claims_claim_add"), data)

    assert response.status_code == 403
    assert not Claim.objects.filter(summary="Sneaky.").exists()


def test_admin_index_links_editors_to_the_dataset_upload(client, editor):
    client.force_login(editor)
    page = client.get("/admin/")
    assert page.status_code == 200
    assert b'href="/admin/import/"' in page.content


def test_admin_index_shows_no_upload_link_without_claim_permissions(client, django_user_model):
    staff = django_user_model.objects.create_user(username="viewer", password="viewer-pass-123", is_staff=True)
    client.force_login(staff)
    assert b'href="/admin/import/"' not in client.get("/admin/").content
