"""Bloc moves over the limit are recomputed by the worker; the sweep finds and fixes drift."""

import threading
from datetime import date

import pytest

from actors.services import actor_set_parent
from claims.models import Claim, RecomputeJob
from claims.services import recompute_job_run
from claims.tasks import consistency_sweep
from tests.factories import ActorFactory, ClaimFactory, RelationFactory, ReportFactory
from tests.support.background import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def denied_claim():
    """The Taliban claim Shattal; three NRF claims deny it (independent, so it is contested)."""
    report = ReportFactory(url=None)
    taliban, nrf = ActorFactory(name="Taliban"), ActorFactory(name="National Resistance Front")
    target = ClaimFactory(claimant=taliban, citations=[{"report": report}], claimed_on=date(2021, 9, 2))
    denials = [
        ClaimFactory(claimant=nrf, citations=[{"report": report}], claimed_on=date(2021, 9, 3)) for _ in range(3)
    ]
    for denial in denials:
        RelationFactory(claim=denial, target=target, stance="denies")
    target.refresh_from_db()
    assert target.status == "contested"
    return target, taliban, nrf


def test_bloc_move_over_the_limit_is_recomputed_by_the_worker(celery_worker, denied_claim, settings):
    settings.FOGWATCH_SYNC_RECOMPUTE_LIMIT = 2
    target, taliban, nrf = denied_claim

    actor_set_parent(actor=nrf, parent=taliban)  # the NRF joins the Taliban's bloc: its denials become echoes

    job = RecomputeJob.objects.get(reason__startswith="Bloc move")
    assert job.total == 3  # the moved actor's claims
    job = wait_for(lambda: RecomputeJob.objects.filter(pk=job.pk, state="done").first())
    assert job.done == job.total >= 4  # the moved claims and the claim they deny
    assert job.changed >= 1
    target.refresh_from_db()
    assert target.status == "unverified"
    assert not target.contested
    ran = [(name, thread) for name, thread, _ in celery_worker.runs if name == "claims.tasks.recompute_job"]
    assert ran and ran[0][1] != threading.current_thread().name


def test_small_bloc_move_is_recomputed_before_the_write_returns(denied_claim):
    target, taliban, nrf = denied_claim

    actor_set_parent(actor=nrf, parent=taliban)

    target.refresh_from_db()
    assert target.status == "unverified"
    assert not RecomputeJob.objects.exists()


def test_running_a_finished_job_again_changes_nothing(celery_worker, denied_claim, settings):
    settings.FOGWATCH_SYNC_RECOMPUTE_LIMIT = 0
    target, taliban, nrf = denied_claim
    actor_set_parent(actor=nrf, parent=taliban)
    job = wait_for(lambda: RecomputeJob.objects.filter(state="done").first())
    stamp = Claim.objects.get(pk=target.pk).updated_at

    again = recompute_job_run(job_id=job.pk)

    assert again.state == "done" and again.changed == job.changed
    assert Claim.objects.get(pk=target.pk).updated_at == stamp


def test_sweep_finds_and_fixes_a_drifted_claim(celery_worker, denied_claim):
    target, _, _ = denied_claim
    healthy = ClaimFactory(citations=[{"report": ReportFactory(url=None)}])
    Claim.objects.filter(pk=target.pk).update(status="unverified", contested=False, reasons=[])  # drift

    summary = consistency_sweep.delay().get(timeout=30)

    assert summary["drifted"] == 1
    job = RecomputeJob.objects.get(pk=summary["job"])
    assert job.state == "done" and job.drifted == [target.pk]
    assert job.done == job.total == Claim.objects.count()
    target.refresh_from_db()
    assert target.status == "contested" and target.contested
    assert [r["code"] for r in target.reasons].count("denied_by") == 3
    assert Claim.objects.get(pk=healthy.pk).status == "unverified"
