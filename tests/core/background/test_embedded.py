"""Without Redis (``make run``): recomputes run before the write returns, network work after it."""

import time

import pytest

from actors.services import actor_set_parent
from claims.models import Claim, RecomputeJob
from sources.models import Snapshot
from tests.factories import ActorFactory, ClaimFactory, RelationFactory, ReportFactory
from tests.support.background import Reply, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_large_bloc_move_is_recomputed_before_the_write_returns(no_redis, settings):
    settings.FOGWATCH_SYNC_RECOMPUTE_LIMIT = 1
    report = ReportFactory(url=None)
    taliban, nrf = ActorFactory(name="Taliban"), ActorFactory(name="National Resistance Front")
    target = ClaimFactory(claimant=taliban, citations=[{"report": report}])
    for _ in range(2):
        RelationFactory(claim=ClaimFactory(claimant=nrf, citations=[{"report": report}]), target=target)
    assert Claim.objects.get(pk=target.pk).status == "contested"

    actor_set_parent(actor=nrf, parent=taliban)

    assert Claim.objects.get(pk=target.pk).status == "unverified"
    assert RecomputeJob.objects.get().state == "done"


def test_archiving_runs_after_the_write_returns(no_redis, http_server):
    http_server.routes["/slow-article"] = Reply(200, b"<html>slow</html>", delay=1.0)

    started = time.monotonic()
    report = ReportFactory(url=http_server.url("/slow-article"))
    took = time.monotonic() - started

    assert took < 0.8  # the write did not wait for the page
    snapshot = wait_for(lambda: Snapshot.objects.filter(report=report).first(), timeout=10)
    assert snapshot.http_status == 200 and snapshot.error == ""
