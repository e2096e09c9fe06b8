"""Recomputes too large for a request: bloc moves of many claims (a RecomputeJob run by
``claims.tasks.recompute_job``), the periodic consistency sweep, and the jobs sweep that takes up
again a job whose worker was lost.

A job survives a lost worker (docs/background.md, "A worker lost mid-job"):

- **One runner at a time.** A worker takes a job up by a conditional update that writes its lease
  (``runner``) and succeeds only for a queued or failed job, or a running one whose heartbeat is
  stale. Every batch commits its claims together with the job's progress, by an update that
  requires the lease still to be the runner's: a runner whose job was taken over rolls its batch
  back and stops (``JobTakenOver``), so no batch is ever committed by two runners.
- **A heartbeat.** While it runs, a thread records every ``FOGWATCH_JOB_HEARTBEAT_SECONDS`` that
  the runner is alive (``heartbeat_at``), however long a batch takes. A running job silent for
  ``FOGWATCH_JOB_STALE_SECONDS`` lost its worker.
- **Resumed where it stopped.** Progress is committed with each batch (``refreshed`` and
  ``touched`` while automatic relations are refreshed, then ``targets`` and ``done``), so a job
  taken up again continues from its last committed batch: a batch is never applied twice, and
  one cut short by the lost worker was rolled back with it. Recomputing is idempotent anyway.
- **Taken up again** by ``jobs_sweep`` (beat, every ``FOGWATCH_JOBS_SWEEP_INTERVAL``, and when a
  worker starts: ``claims.tasks.worker_started``), which also re-sends queued jobs whose message
  was lost; the consistency sweep covers queued, failed and stuck jobs and marks them done.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from actors.models import Actor
from claims import causes
from claims.models import Citation, Claim, RecomputeJob
from claims.selectors import affected_ids
from claims.services.recompute import _batches, auto_relations_refresh, auto_relations_refresh_all, claims_recompute
from core import leases
from core.leases import Heartbeat, JobTakenOver, stale_before
from core.tasks import PRIMARY, enqueue, runner_name, send
from locations.models import Location
from sources.models import Source

logger = logging.getLogger("claims.services")

State, Kind = RecomputeJob.State, RecomputeJob.Kind


def actors_changed(
    *,
    actor_ids: set[int],
    moved: bool = True,
    actor_id: int | None = None,
    merged: dict[int, int] | None = None,
    **_signal: Any,
) -> None:
    """Receiver of ``actors.events.actors_changed``: actors moved between blocs (or were renamed, or
    merged); refresh what depends on them (the flag history names the actor moved, renamed or kept)."""
    cause = _merge_cause(Actor, "actor", merged) if merged else _actor_cause(actor_ids, moved, actor_id)
    with causes.recording(cause):
        _actors_changed(actor_ids)


def _merge_cause(model: Any, noun: str, merged: dict[int, int]) -> causes.Cause:
    """ "Merge into actor Taliban (#3)": the record kept by a merge (the merged one is gone)."""
    kept = min(merged.values())
    name = model.objects.filter(pk=kept).values_list("name", flat=True).first() or f"#{kept}"
    return causes.Cause(causes.MERGE, kept, f"Merge into {noun} {name} (#{kept})")


def _actor_cause(actor_ids: set[int], moved: bool, actor_id: int | None) -> causes.Cause:
    pk = actor_id if actor_id is not None else min(actor_ids, default=None)
    row = Actor.objects.filter(pk=pk).values_list("name", "parent__name").first() if pk is not None else None
    name, parent = row if row else (f"actor #{pk}", None)
    if not moved:
        return causes.Cause(causes.ACTOR_RENAMED, pk, f"Actor renamed: {name}")
    under = f"under {parent}" if parent else "to a bloc of its own"
    return causes.Cause(causes.BLOC_MOVE, pk, f"Bloc move: {name} moved {under}")


def _actors_changed(actor_ids: set[int]) -> None:
    claim_ids = set(
        Claim.objects.filter(
            Q(claimant_id__in=actor_ids) | Q(subject_id__in=actor_ids) | Q(spokesperson_id__in=actor_ids)
        ).values_list("pk", flat=True)
    )
    _recompute_changed(claim_ids, f"Bloc move of actors {sorted(actor_ids)}")


def locations_changed(*, location_ids: set[int], **_signal: Any) -> None:
    """Receiver of ``locations.events.locations_changed``: places were merged; the claims about them
    may pair differently under rule 7."""
    claim_ids = set(Claim.objects.filter(location_id__in=location_ids).values_list("pk", flat=True))
    with causes.recording(_merge_cause(Location, "place", {pk: pk for pk in location_ids})):
        _recompute_changed(claim_ids, f"Merge into places {sorted(location_ids)}")


def sources_changed(*, source_ids: set[int], **_signal: Any) -> None:
    """Receiver of ``sources.events.sources_changed``: sources were merged; recompute the claims
    citing them."""
    claim_ids = set(
        Citation.objects.filter(report__source_id__in=source_ids).values_list("claim_id", flat=True).distinct()
    )
    with causes.recording(_merge_cause(Source, "source", {pk: pk for pk in source_ids})):
        _recompute_changed(claim_ids, f"Merge into sources {sorted(source_ids)}")


def _recompute_changed(claim_ids: set[int], reason: str) -> None:
    if not claim_ids:
        return
    if len(claim_ids) > settings.FOGWATCH_SYNC_RECOMPUTE_LIMIT:
        # Too many to recompute inside the request: a background job does it in batches, with
        # progress (run in-process at commit when there is no broker; see docs/background.md).
        recompute_job_start(reason=reason, claim_ids=claim_ids)
        return
    _recompute_moved(claim_ids)


def citations_regraded(*, source_ids: set[int], report_ids: set[int], **_signal: Any) -> None:
    """Receiver of ``sources.events.citations_regraded``: a source's reliability changed, or a report
    moved to another source; recompute the grades of the claims citing them (only their grade can
    change: no neighbour's flags depend on it)."""
    cited = Citation.objects.filter(Q(report__source_id__in=source_ids) | Q(report_id__in=report_ids))
    claim_ids = set(cited.values_list("claim_id", flat=True))
    if not claim_ids:
        return
    with causes.recording(_regrade_cause(source_ids, report_ids)):
        if len(claim_ids) > settings.FOGWATCH_SYNC_RECOMPUTE_LIMIT:
            what = f"sources {sorted(source_ids)}" if source_ids else f"reports {sorted(report_ids)}"
            recompute_job_start(reason=f"Regrade of {what}", claim_ids=claim_ids)
            return
        claims_recompute(claim_ids)


def _regrade_cause(source_ids: set[int], report_ids: set[int]) -> causes.Cause:
    if source_ids:
        rows = list(Source.objects.filter(pk__in=source_ids).order_by("pk").values_list("pk", "name", "reliability"))
        named = ", ".join(f"{name} now {grade}" for _pk, name, grade in rows)
        return causes.Cause(causes.SOURCE_GRADE, rows[0][0] if rows else None, f"Source regraded: {named}")
    pk = min(report_ids)
    source = Source.objects.filter(reports=pk).values_list("name", "reliability").first()
    where = f"{source[0]} ({source[1]})" if source else "another source"
    return causes.Cause(causes.SOURCE_GRADE, pk, f"Report #{pk} moved to {where}")


def _recompute_moved(claim_ids: set[int]) -> set[int]:
    touched: set[int] = set()
    for batch in _batches(sorted(claim_ids), settings.FOGWATCH_RECOMPUTE_BATCH):
        touched |= auto_relations_refresh(batch)
    return claims_recompute(affected_ids(claim_ids | touched))


def recompute_job_start(*, reason: str, claim_ids: Iterable[int]) -> RecomputeJob:
    """Record a recompute job and queue its task when the transaction commits. The cause of the
    write that queued it goes with it, so the flag history of its batches names that write."""
    ids = sorted(set(claim_ids))
    cause = causes.current()
    recorded = {"kind": cause.kind, "object_id": cause.object_id, "text": cause.text, "on": None}
    if cause.on is not None:
        recorded["on"] = cause.on.isoformat()
    job = RecomputeJob.objects.create(reason=reason[:200], claim_ids=ids, total=len(ids), cause=recorded)
    enqueue("claims.tasks.recompute_job", job.pk)  # by name: tasks import services
    return job


# ---------------------------------------------------------------------------------------------
# Leases and heartbeats
# ---------------------------------------------------------------------------------------------


def _job_claim(job_id: int, runner: str) -> bool:
    """Take the job up for ``runner``: only a queued or failed recompute job, or a stuck one."""
    takeable = Q(state__in=[State.QUEUED, State.FAILED])
    return leases.take(RecomputeJob, job_id, runner, takeable, where=Q(kind=Kind.RECOMPUTE), error="", finished_at=None)


def _advance(job_id: int, runner: str, **fields: Any) -> None:
    leases.advance(RecomputeJob, job_id, runner, **fields)


# ---------------------------------------------------------------------------------------------
# Running a job
# ---------------------------------------------------------------------------------------------


def recompute_job_run(*, job_id: int, runner: str = "") -> RecomputeJob:
    """Run a recompute job, or resume it where its lost worker left it: refresh the automatic
    relations of its claims, then recompute every affected claim, one transaction per batch, each
    committing the job's progress with it. A job that is done, or running under a live worker, is
    left alone, so running the task twice (a redelivered message, the jobs sweep) changes nothing
    more."""
    runner = runner or runner_name()
    if not _job_claim(job_id, runner):
        job = RecomputeJob.objects.using(PRIMARY).get(pk=job_id)  # the primary: a replica may lag the commit
        if job.state != State.DONE:
            logger.info("Recompute job #%s is %s (%s): not run again", job.pk, job.state, job.runner or "no runner")
        return job
    job = RecomputeJob.objects.using(PRIMARY).get(pk=job_id)
    if job.runs > 1:
        logger.warning(
            "Recompute job #%s taken up again (run %d) at %d/%d: its worker was lost",
            job.pk,
            job.runs,
            job.done if job.targets is not None else job.refreshed,
            job.total if job.targets is not None else len(job.claim_ids),
        )
    size = settings.FOGWATCH_RECOMPUTE_BATCH
    try:
        with Heartbeat(job.pk, runner, RecomputeJob), causes.recording(_job_cause(job)):
            targets, done = job.targets, job.done
            if targets is None:
                ids = sorted(set(job.claim_ids))
                touched = set(job.touched)
                for start in range(job.refreshed, len(ids), size):
                    batch = ids[start : start + size]
                    with transaction.atomic(using=PRIMARY):
                        new = auto_relations_refresh(batch) - touched
                        touched |= new
                        progress: dict[str, Any] = {"refreshed": start + len(batch)}
                        if new:
                            progress["touched"] = sorted(touched)
                        _advance(job.pk, runner, **progress)
                with transaction.atomic(using=PRIMARY):  # read on the primary
                    targets = sorted(affected_ids(set(ids) | touched))
                    _advance(job.pk, runner, targets=targets, total=len(targets), done=0, changed=0)
                done = 0
            for start in range(done, len(targets), size):
                batch = targets[start : start + size]
                with transaction.atomic(using=PRIMARY):
                    changed = len(claims_recompute(batch))
                    _advance(job.pk, runner, done=start + len(batch), changed=F("changed") + changed)
            _advance(job.pk, runner, state=State.DONE, finished_at=timezone.now())
    except JobTakenOver as exc:
        logger.warning("%s; stopped", exc)
    except Exception as exc:
        RecomputeJob.objects.using(PRIMARY).filter(pk=job.pk, runner=runner).update(
            state=State.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return RecomputeJob.objects.using(PRIMARY).get(pk=job.pk)


def _job_cause(job: RecomputeJob) -> causes.Cause:
    """The cause recorded when the job was queued (else the job itself)."""
    data = job.cause or {}
    if not data.get("kind"):
        return causes.Cause(causes.RECOMPUTE, None, f"Recompute job #{job.pk}: {job.reason}")
    on = date.fromisoformat(data["on"]) if data.get("on") else None
    return causes.Cause(data["kind"], data.get("object_id"), str(data.get("text") or job.reason), on=on)


# ---------------------------------------------------------------------------------------------
# Sweeps
# ---------------------------------------------------------------------------------------------


def jobs_sweep(*, restarted: str = "", boot: str = "") -> dict[str, Any]:
    """Take up again the recompute jobs whose worker was lost: send the task again for every running
    job whose heartbeat is stale and every queued job older than the stale limit (its message was
    lost: Redis restarted empty); ``recompute_job_run`` resumes each where it stopped, and a message
    for a job that meanwhile found a runner is a no-op. A sweep whose worker was lost is marked
    failed (the next one does it all again).

    ``restarted``/``boot``: a worker of that name just started (``boot`` is its process's start), so
    whatever a worker of that name was running under another start is orphaned: taken up at once
    rather than when its heartbeat goes stale. (Should another live worker share the name, its next
    heartbeat keeps the job unless it was already taken up; either way one runner goes on.)

    Returns what it did, and ``next_check``: seconds until the first running job that still looks
    alive would go stale, for one more look (None when none does)."""
    now = timezone.now()
    jobs = RecomputeJob.objects.using(PRIMARY)
    orphaned = 0
    if restarted:
        orphaned = (
            jobs.filter(state=State.RUNNING, runner__startswith=f"{restarted} ")
            .exclude(runner__startswith=f"{restarted} {boot} ")
            .update(heartbeat_at=None)
        )
    stuck = list(jobs.filter(leases.stuck(now), kind=Kind.RECOMPUTE).values_list("pk", flat=True))
    lost = list(
        jobs.filter(kind=Kind.RECOMPUTE, state=State.QUEUED, created_at__lt=stale_before(now)).values_list(
            "pk", flat=True
        )
    )
    for pk in sorted(stuck + lost):
        send("claims.tasks.recompute_job", pk)  # by name: tasks import services
    if stuck:
        logger.warning("Recompute jobs %s lost their worker: queued again, to resume where they stopped", stuck)
    sweeps_lost = jobs.filter(leases.stuck(now), kind=Kind.SWEEP).update(
        state=State.FAILED,
        finished_at=now,
        error="The worker running this sweep was lost; the next sweep does it all again.",
    )
    alive = jobs.filter(state=State.RUNNING, kind=Kind.RECOMPUTE, heartbeat_at__gte=stale_before(now))
    oldest = alive.aggregate(at=Min("heartbeat_at"))["at"]
    next_check = None
    if oldest is not None:
        next_check = max((oldest - stale_before(timezone.now())).total_seconds(), 0.0) + 1.0
    return {"orphaned": orphaned, "stuck": stuck, "lost": lost, "sweeps_lost": sweeps_lost, "next_check": next_check}


def _leftover(now: datetime) -> list[int]:
    """Recompute jobs a consistency sweep starting now covers: queued, failed, or stuck running."""
    return list(
        RecomputeJob.objects.using(PRIMARY)
        .filter(Q(state__in=[State.QUEUED, State.FAILED]) | leases.stuck(now), kind=Kind.RECOMPUTE)
        .values_list("pk", flat=True)
    )


def claims_sweep(*, runner: str = "") -> RecomputeJob:
    """The consistency sweep: refresh every automatic relation, recompute every claim and record
    (in a RecomputeJob) the claims whose stored flags had drifted. Recompute jobs queued, failed or
    stuck (running, their worker lost) when it starts are covered by it and marked done, unless a
    worker has taken them up meanwhile. A sweep already running under a live worker (a redelivered
    message) is not run twice: that one is returned."""
    runner = runner or runner_name()
    now = timezone.now()
    jobs = RecomputeJob.objects.using(PRIMARY)
    live = jobs.filter(kind=Kind.SWEEP, state=State.RUNNING, heartbeat_at__gte=stale_before(now)).first()
    if live is not None:
        logger.info("Consistency sweep #%s is already running (%s): not started again", live.pk, live.runner)
        return live
    jobs.filter(leases.stuck(now), kind=Kind.SWEEP).update(
        state=State.FAILED, finished_at=now, error="The worker running this sweep was lost; a later sweep did it."
    )
    leftover = _leftover(now)
    job = jobs.create(
        reason="Consistency sweep",
        kind=Kind.SWEEP,
        state=State.RUNNING,
        runner=runner,
        heartbeat_at=now,
        runs=1,
        started_at=now,
    )
    drifted: set[int] = set()
    try:
        with (
            Heartbeat(job.pk, runner, RecomputeJob),
            causes.recording(causes.Cause(causes.RECOMPUTE, None, "Consistency sweep")),
        ):
            with transaction.atomic(using=PRIMARY):
                auto_relations_refresh_all()
                _advance(job.pk, runner)
            all_ids = list(Claim.objects.using(PRIMARY).values_list("pk", flat=True).order_by("pk"))
            _advance(job.pk, runner, total=len(all_ids))
            done = 0
            for batch in _batches(all_ids, settings.FOGWATCH_RECOMPUTE_BATCH):
                with transaction.atomic(using=PRIMARY):
                    drifted |= claims_recompute(batch)
                    done += len(batch)
                    _advance(job.pk, runner, done=done, changed=len(drifted))
            _advance(job.pk, runner, drifted=sorted(drifted), state=State.DONE, finished_at=timezone.now())
    except JobTakenOver as exc:  # thought lost (a frozen worker) and marked failed: the next sweep redoes it
        logger.warning("%s; stopped", exc)
        return jobs.get(pk=job.pk)
    except Exception as exc:
        jobs.filter(pk=job.pk, runner=runner).update(
            state=State.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    if drifted:
        logger.warning("Consistency sweep: %d claims had drifted: %s", len(drifted), sorted(drifted)[:50])
    if leftover:
        covered = jobs.filter(Q(state__in=[State.QUEUED, State.FAILED]) | leases.stuck(), pk__in=leftover)
        for pk, error in covered.values_list("pk", "error"):
            note = f"Covered by consistency sweep #{job.pk}."
            jobs.filter(Q(state__in=[State.QUEUED, State.FAILED]) | leases.stuck(), pk=pk).update(
                state=State.DONE,
                finished_at=timezone.now(),
                runner="",
                heartbeat_at=None,
                error=f"{error} {note}" if error else note,
            )
    return jobs.get(pk=job.pk)
