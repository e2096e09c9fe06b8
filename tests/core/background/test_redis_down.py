"""Redis down: writes still succeed with correct flags (recomputes run in-process), the failure is
logged, and what could not be queued is left for the sweeps."""

import logging
from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from claims.models import Claim, RecomputeJob
from claims.services import claims_sweep
from notifications.models import WebhookDelivery, WebhookSubscription
from notifications.webhooks import deliveries_stranded
from sources.archive import reports_to_archive
from sources.models import Snapshot
from tests.factories import ActorFactory, ClaimFactory, RelationFactory, ReportFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_api(django_user_model):
    """An API client with every permission (transactional tests flush the migrations' editors group)."""
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_superuser("chief", "chief@example.org", "pw-12345"))
    return client


def test_api_writes_succeed_with_correct_flags_when_redis_is_down(broker_down, settings, caplog, staff_api):
    settings.FOGWATCH_SYNC_RECOMPUTE_LIMIT = 1  # the bloc move below would go to the worker
    caplog.set_level(logging.ERROR, logger="fogwatch.tasks")
    report = ReportFactory(url=None)
    taliban, nrf = ActorFactory(name="Taliban"), ActorFactory(name="National Resistance Front")
    target = ClaimFactory(claimant=taliban, citations=[{"report": report}])
    denials = [ClaimFactory(claimant=nrf, citations=[{"report": report}]) for _ in range(2)]
    for denial in denials:
        response = staff_api.post(
            "/api/v1/relations/", {"claim": denial.pk, "target": target.pk, "stance": "denies"}, format="json"
        )
        assert response.status_code == 201, response.content
    assert staff_api.get(f"/api/v1/claims/{target.pk}/").json()["status"] == "contested"

    response = staff_api.patch(f"/api/v1/actors/{nrf.pk}/", {"parent": taliban.pk}, format="json")

    assert response.status_code == 200, response.content  # the bloc move is written, not refused
    assert staff_api.get(f"/api/v1/claims/{target.pk}/").json()["status"] == "unverified"
    target.refresh_from_db()
    assert target.status == "unverified" and not target.contested
    job = RecomputeJob.objects.get()
    assert job.state == "done" and job.done == job.total
    assert "Broker unreachable, running claims.tasks.recompute_job" in caplog.text


def test_tasks_that_could_not_be_queued_are_left_for_the_sweeps(broker_down, caplog):
    caplog.set_level(logging.ERROR, logger="fogwatch.tasks")
    report = ReportFactory(url="http://127.0.0.1:9/an-article")  # archiving cannot be queued
    WebhookSubscription.objects.create(name="tool", url="http://127.0.0.1:9/hook", secret="x")
    target = ClaimFactory(claimant=ActorFactory(), citations=[{"report": ReportFactory(url=None)}])
    RelationFactory(
        claim=ClaimFactory(claimant=ActorFactory(), citations=[{"report": ReportFactory(url=None)}]),
        target=target,
        stance="denies",
    )

    assert Claim.objects.get(pk=target.pk).status == "contested"
    assert "sources.tasks.archive_report" in caplog.text and "not queued" in caplog.text
    assert not Snapshot.objects.exists()
    assert report.pk in reports_to_archive(limit=100)  # the archive sweep will fetch it
    delivery = WebhookDelivery.objects.get()  # the event waits in the outbox
    assert delivery.claim_id == target.pk and delivery.response_code is None
    assert deliveries_stranded(older_than=timedelta(0)) == [delivery.pk]


def test_the_sweep_catches_up_a_job_whose_task_was_lost(broker_down):
    lost = RecomputeJob.objects.create(reason="Bloc move", claim_ids=[], total=0)  # queued, never run

    sweep = claims_sweep()

    lost.refresh_from_db()
    assert sweep.state == "done"
    assert lost.state == "done" and f"#{sweep.pk}" in lost.error
