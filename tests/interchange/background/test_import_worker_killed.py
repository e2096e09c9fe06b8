"""An import job whose worker is killed mid-import (real processes): a new worker takes it up and
finishes it from its last committed batch, and the tables are exactly what one uninterrupted import
leaves: no claim, citation, report, history row or faulty row doubled.

A real ``celery -A config worker`` (pool solo) on a Redis of the test's own runs the job in small
batches; it is SIGKILLed after a few batches have committed. The same worker restarted takes the job
up at once (the jobs sweep it runs when it starts); another worker would once the heartbeat is stale.
"""

import signal

import pytest
from django.db import transaction

from devdata.ucdp import csv_bytes
from interchange.importers.ucdp import import_ucdp
from interchange.models import ImportJob, ImportProblem
from interchange.services import import_job_start
from tests.support.chaos import wait_until
from tests.support.tables import differences, snapshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

ROWS, BATCH = 600, 20  # thirty batches: seconds of work to kill in the middle of


class Rollback(Exception):
    pass


def uninterrupted(data: bytes, settings) -> dict:
    """The tables one bulk import in this process leaves (rolled back afterwards)."""
    settings.FOGWATCH_IMPORT_BATCH = BATCH
    tables = {}
    try:
        with transaction.atomic():
            import_ucdp(data, bulk=True)
            tables.update(snapshot())
            raise Rollback
    except Rollback:
        pass
    return tables


@pytest.mark.parametrize("restarted", [True, False], ids=["same-worker-restarted", "another-worker"])
def test_an_import_whose_worker_was_killed_is_finished_once_by_a_new_worker(chaos, settings, restarted):
    data = csv_bytes(ROWS, seed=21)
    expected = uninterrupted(data, settings)
    env = {"FOGWATCH_IMPORT_BATCH": BATCH, "FOGWATCH_JOB_HEARTBEAT_SECONDS": 1}
    env["FOGWATCH_JOB_STALE_SECONDS"] = 120 if restarted else 3  # restarted: the restart alone explains it
    first = chaos.worker("importer@fogwatch-test", **env)
    first.wait_ready()

    with transaction.atomic():
        job = import_job_start(kind="ucdp", data=data, file_name="generated.csv")
    wait_until(
        lambda: ImportJob.objects.get(pk=job.pk).rows_done >= 5 * BATCH, 120, "a few batches to commit", chaos.logs
    )
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    job.refresh_from_db()
    assert job.state == "running" and job.runs == 1 and 0 < job.rows_done < ROWS, (job.state, job.rows_done)

    second = chaos.worker("importer@fogwatch-test" if restarted else "other@fogwatch-test", **env)
    second.wait_ready()
    job = wait_until(
        lambda: ImportJob.objects.filter(pk=job.pk, state="done").first(), 120, "the job to finish", chaos.logs
    )
    assert job.runs == 2 and "taken up again (run 2)" in second.text()
    assert job.rows_done == job.rows_total == ROWS

    tables = snapshot()
    assert differences(expected, tables) == {}  # whole tables: nothing doubled, nothing missing
    assert job.made == sum(tables["Claim"].values())
    lines = list(ImportProblem.objects.filter(job=job).values_list("line", flat=True))
    assert len(lines) == len(set(lines)) == job.faulty > 0
