"""Writes to claims and relations: the one write path for the API, the admin, imports and commands.

Every write validates (``ValidationError`` naming the field), then refreshes the automatic
relations it touches and recomputes the flags of every claim it affects, in the same
transaction, so flags are right the moment it returns.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from actors.selectors import bloc_ids
from claims import auto_relations, flags
from claims.models import Citation, Claim, RecomputeJob, Relation, Tombstone
from claims.selectors import affected_ids, claim_facts, flag_inputs, proposition_facts
from core.services import ReferencedError, apply_fields, delete_or_refuse, full_clean

logger = logging.getLogger(__name__)

CLAIM_EDITABLE = (
    "claimant",
    "spokesperson",
    "claimed_on",
    "kind",
    "summary",
    "quote",
    "language",
    "subject",
    "location",
    "event_start",
    "event_end",
    "date_precision",
    "count_min",
    "count_max",
    "verdict",
    "verdict_rationale",
    "verdict_on",
    "external_id",
    "location_precision",
)
DERIVED = ("status", "contested", "corroborated", "unverified", "reasons")
ProgressCallback = Callable[[int, int], None]


# Batches at least this large are written through a temporary table on PostgreSQL.
SET_WRITE_THRESHOLD = 500


class FlagChange(NamedTuple):
    """What a recompute changed on one claim; flags are (contested, corroborated, unverified)."""

    old_status: str
    new_status: str
    old_flags: tuple[bool, bool, bool]
    new_flags: tuple[bool, bool, bool]


@dataclass(frozen=True)
class CitationInput:
    report: Any  # sources.Report
    quote: str = ""


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def claim_validate(claim: Claim, citations: Sequence[CitationInput] | None, changed: set[str] | None = None) -> None:
    """Every rule of a claim that needs more than one field, each error naming its field.

    ``changed`` names the fields an update changed (None: a new claim). The spokesperson is
    checked against the claimant's bloc only when one of them is written: a later bloc move
    does not invalidate a claim.
    """
    errors: dict[str, str] = {}
    claim.summary = (claim.summary or "").strip()
    claim.external_id = (claim.external_id or "").strip() or None  # blank keys must not collide
    if not claim.summary:
        errors["summary"] = "A one-sentence summary of the claim is required."
    if claim.claimed_on is not None and claim.claimed_on > timezone.localdate():
        errors["claimed_on"] = f"The date a claim was made cannot be in the future ({claim.claimed_on.isoformat()})."
    if (
        claim.claimant_id
        and claim.spokesperson_id
        and (changed is None or changed & {"claimant", "spokesperson"})
        and len(set(bloc_ids([claim.claimant_id, claim.spokesperson_id]).values())) != 1
    ):
        errors["spokesperson"] = (
            f"{claim.spokesperson} is not in the bloc of {claim.claimant}; a spokesperson speaks for "
            "the claimant's own bloc."
        )
    if claim.kind == Claim.Kind.CONTROL:
        for name in ("subject", "location"):
            if getattr(claim, f"{name}_id") is None:
                errors[name] = f"A control claim needs a {name} (who is said to control which place)."
    if claim.kind == Claim.Kind.CASUALTIES and claim.subject_id is None:
        errors["subject"] = "A casualties claim needs a subject (who is said to have suffered the losses)."
    if claim.event_end is not None:
        if claim.event_start is None:
            errors["event_end"] = "An event end needs an event start."
        elif claim.event_end < claim.event_start:
            errors["event_end"] = "The event end cannot be before the event start."
    for name in ("count_min", "count_max"):
        value = getattr(claim, name)
        if value is not None and (not isinstance(value, int) or value < 0):
            errors[name] = "Counts must be whole numbers of zero or more."
    if (
        "count_min" not in errors
        and "count_max" not in errors
        and claim.count_min is not None
        and claim.count_max is not None
        and claim.count_min > claim.count_max
    ):
        errors["count_max"] = f"The maximum count ({claim.count_max}) is below the minimum ({claim.count_min})."
    if claim.verdict_on is not None and not claim.verdict:
        errors["verdict_on"] = "A verdict date needs a verdict."
    if claim.verdict_on is not None and claim.verdict_on > timezone.localdate():
        errors["verdict_on"] = "A verdict date cannot be in the future."
    if citations is not None and not citations:
        errors["citations"] = "A claim needs at least one citation: the report where it was made."
    try:
        full_clean(claim, exclude=DERIVED)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            if name == NON_FIELD_ERRORS and errors:
                continue  # the row constraints repeat rules already reported on their fields above
            errors.setdefault(name, " ".join(messages))
    if errors:
        raise ValidationError(errors)


def _clean_citations(citations: Iterable[CitationInput | dict[str, Any]] | None) -> list[CitationInput] | None:
    if citations is None:
        return None
    cleaned = []
    for item in citations:
        if isinstance(item, dict):
            item = CitationInput(report=item.get("report"), quote=item.get("quote") or "")
        if item.report is None:
            raise ValidationError({"citations": "Each citation needs a report."})
        cleaned.append(item)
    return cleaned


# ---------------------------------------------------------------------------------------------
# Recompute: automatic relations and flags
# ---------------------------------------------------------------------------------------------


def relation_dates_sync(relations: Q | None = None) -> int:
    """Copy the dates both claims were made onto these relations (all whose dates differ when no
    filter is given). Returns how many relations were written."""
    stale = Relation.objects.all() if relations is None else Relation.objects.filter(relations)
    if relations is None:
        stale = stale.filter(
            Q(claim_on__isnull=True)
            | Q(target_on__isnull=True)
            | ~Q(claim_on=F("claim__claimed_on"))
            | ~Q(target_on=F("target__claimed_on"))
        )
    return stale.update(
        claim_on=Subquery(Claim.objects.filter(pk=OuterRef("claim_id")).values("claimed_on")[:1]),
        target_on=Subquery(Claim.objects.filter(pk=OuterRef("target_id")).values("claimed_on")[:1]),
    )


def auto_relations_refresh(claim_ids: Iterable[int]) -> set[int]:
    """Bring the automatic relations touching these claims in line with rule 7.

    Returns the ids of claims at either end of a relation that was added or removed.
    """
    ids = set(claim_ids)
    if not ids:
        return set()
    focus = proposition_facts(Q(pk__in=ids))
    controls = {f.location_id for f in focus if f.kind == Claim.Kind.CONTROL and f.location_id}
    casualties = [f for f in focus if f.kind == Claim.Kind.CASUALTIES and f.location_id and f.subject_id]
    candidates = {f.id: f for f in focus}
    group_q = Q(pk__in=[])
    if controls:
        group_q |= Q(kind=Claim.Kind.CONTROL, location_id__in=controls)
    if casualties:
        group_q |= Q(
            kind=Claim.Kind.CASUALTIES,
            subject_id__in={f.subject_id for f in casualties},
            location_id__in={f.location_id for f in casualties},
        )
    if controls or casualties:
        for facts in proposition_facts(group_q & Q(event_start__isnull=False)):
            candidates[facts.id] = facts
    desired = auto_relations.compute(candidates.values(), focus=ids)

    touching = Q(claim_id__in=ids) | Q(target_id__in=ids)
    existing = {
        (c, t, s): pk
        for pk, c, t, s in Relation.objects.filter(touching)
        .values_list("id", "claim_id", "target_id", "stance")
        .filter(origin=Relation.Origin.AUTO)
    }
    editor = set(
        Relation.objects.filter(touching, origin=Relation.Origin.EDITOR).values_list("claim_id", "target_id", "stance")
    )

    def covered_by_editor(rel: auto_relations.AutoRelation) -> bool:
        claim_id, target_id, stance = rel
        if rel in editor:
            return True
        # A contradiction counts both ways: an editor's contradiction either way covers it.
        return stance == Relation.Stance.CONTRADICTS and (target_id, claim_id, stance) in editor

    wanted = {rel for rel in desired if not covered_by_editor(rel)}
    stale = [pk for rel, pk in existing.items() if rel not in wanted]
    new = [rel for rel in wanted if rel not in existing]
    if stale:
        Relation.objects.filter(pk__in=stale).delete()
    if new:
        Relation.objects.bulk_create(
            [Relation(claim_id=c, target_id=t, stance=s, origin=Relation.Origin.AUTO) for c, t, s in new],
            ignore_conflicts=True,
        )
    relation_dates_sync(touching)
    changed = {rel for rel, pk in existing.items() if pk in set(stale)} | set(new)
    return {end for c, t, _ in changed for end in (c, t)}


def auto_relations_refresh_all() -> int:
    """Bring every automatic relation in line with rule 7 in one pass: every candidate claim is read
    once and every group swept once (per-batch refreshes would re-read the same groups again and
    again). Returns how many relations were added or removed."""
    candidates = proposition_facts(
        Q(kind__in=[Claim.Kind.CONTROL, Claim.Kind.CASUALTIES], event_start__isnull=False, location__isnull=False)
    )
    desired = auto_relations.compute(candidates)
    existing = {
        (c, t, st): pk
        for pk, c, t, st in Relation.objects.filter(origin=Relation.Origin.AUTO).values_list(
            "id", "claim_id", "target_id", "stance"
        )
    }
    editor = set(
        Relation.objects.filter(
            origin=Relation.Origin.EDITOR, stance__in=[Relation.Stance.CONTRADICTS, Relation.Stance.SUPPORTS]
        ).values_list("claim_id", "target_id", "stance")
    )
    wanted = {
        rel
        for rel in desired
        if rel not in editor and not (rel[2] == Relation.Stance.CONTRADICTS and (rel[1], rel[0], rel[2]) in editor)
    }
    stale = [pk for rel, pk in existing.items() if rel not in wanted]
    new = [rel for rel in wanted if rel not in existing]
    for start in range(0, len(stale), 10000):
        Relation.objects.filter(pk__in=stale[start : start + 10000]).delete()
    Relation.objects.bulk_create(
        [Relation(claim_id=c, target_id=t, stance=st, origin=Relation.Origin.AUTO) for c, t, st in new],
        batch_size=5000,
        ignore_conflicts=True,
    )
    relation_dates_sync()
    return len(stale) + len(new)


def _batches(ids: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def claims_recompute(
    claim_ids: Iterable[int], *, progress: ProgressCallback | None = None, batch_size: int | None = None
) -> set[int]:
    """Recompute and store the flags of these claims, set-wise, in batches.

    Only claims whose flags, status or reasons changed are written, and their ``updated_at``
    moves. Returns the ids of the claims that changed.
    """
    ids = sorted(set(claim_ids))
    size = batch_size or settings.FOGWATCH_RECOMPUTE_BATCH
    changed_ids: set[int] = set()
    changes: dict[int, FlagChange] = {}
    now = timezone.now()
    done = 0
    for batch in _batches(ids, size):
        facts, relations = flag_inputs(batch)
        results = flags.evaluate(batch, facts, relations)
        if len(batch) >= SET_WRITE_THRESHOLD and connection.vendor == "postgresql":
            batch_changes = _store_flags_postgresql(results, now)
            changes.update(batch_changes)
            changed_ids.update(batch_changes)
            done += len(batch)
            if progress:
                progress(done, len(ids))
            continue
        stored = Claim.objects.filter(pk__in=batch).only("id", *DERIVED)
        dirty = []
        for claim in stored:
            result = results.get(claim.pk)
            if result is None:
                continue
            reasons = result.reasons_as_dicts()
            if (
                claim.status != result.status
                or claim.contested != result.contested
                or claim.corroborated != result.corroborated
                or claim.unverified != result.unverified
                or claim.reasons != reasons
            ):
                changes[claim.pk] = FlagChange(
                    claim.status,
                    result.status,
                    (claim.contested, claim.corroborated, claim.unverified),
                    (result.contested, result.corroborated, result.unverified),
                )
                claim.status = result.status
                claim.contested = result.contested
                claim.corroborated = result.corroborated
                claim.unverified = result.unverified
                claim.reasons = reasons
                claim.updated_at = now
                dirty.append(claim)
        if dirty:
            Claim.objects.bulk_update(dirty, [*DERIVED, "updated_at"])
            changed_ids.update(c.pk for c in dirty)
        done += len(batch)
        if progress:
            progress(done, len(ids))
    if changes:
        _announce_flag_changes(changes)
    return changed_ids


def _store_flags_postgresql(results: dict[int, flags.Flags], now: datetime) -> dict[int, FlagChange]:
    """Write many claims' flags set-wise: COPY them into a temporary table, then one UPDATE that
    changes only the rows whose stored values differ (jsonb compares reasons by value), returning
    the old values for the listeners."""
    buffer = io.StringIO()
    for claim_id, result in results.items():
        reasons = _reasons_json(result)
        buffer.write(
            f"{claim_id}\t{result.status}\t{'t' if result.contested else 'f'}\t"
            f"{'t' if result.corroborated else 'f'}\t{'t' if result.unverified else 'f'}\t{reasons}\n"
        )
    buffer.seek(0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS fogwatch_new_flags (id bigint PRIMARY KEY, status varchar(12), "
            "contested boolean, corroborated boolean, unverified boolean, reasons jsonb) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE fogwatch_new_flags")
        cursor.cursor.copy_expert("COPY fogwatch_new_flags FROM STDIN", buffer)
        cursor.execute(
            """
            WITH old AS (
                SELECT c.id, c.status, c.contested, c.corroborated, c.unverified
                FROM claims_claim c JOIN fogwatch_new_flags n ON n.id = c.id
                WHERE (c.status, c.contested, c.corroborated, c.unverified, c.reasons)
                      IS DISTINCT FROM (n.status, n.contested, n.corroborated, n.unverified, n.reasons)
                FOR UPDATE OF c
            )
            UPDATE claims_claim c
            SET status = n.status, contested = n.contested, corroborated = n.corroborated,
                unverified = n.unverified, reasons = n.reasons, updated_at = %s
            FROM fogwatch_new_flags n, old
            WHERE c.id = n.id AND old.id = n.id
            RETURNING c.id, old.status, n.status, old.contested, old.corroborated, old.unverified,
                      n.contested, n.corroborated, n.unverified
            """,
            [now],
        )
        rows = cursor.fetchall()
        cursor.execute("TRUNCATE fogwatch_new_flags")
    return {row[0]: FlagChange(row[1], row[2], tuple(row[3:6]), tuple(row[6:9])) for row in rows}


def _reasons_json(result: flags.Flags) -> str:
    """The reasons as a jsonb value in a line of COPY's text format (backslashes doubled)."""
    return json.dumps(result.reasons_as_dicts(), ensure_ascii=False).replace("\\", "\\\\")


UNRELATED_SQL = """
    CREATE TEMPORARY TABLE fogwatch_unrelated ON COMMIT DROP AS
    SELECT c.id, c.claimant_id, COALESCE(c.spokesperson_id, 0) AS spokesperson_key, c.verdict,
           COALESCE(c.verdict_on, DATE '0001-01-01') AS verdict_on_key
    FROM claims_claim c
    WHERE NOT EXISTS (SELECT 1 FROM claims_relation r WHERE r.target_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM claims_relation r WHERE r.claim_id = c.id AND r.stance = 'contradicts')
"""
UNRELATED_UPDATE_SQL = """
    WITH old AS (
        SELECT c.id, c.status, c.contested, c.corroborated, c.unverified,
               g.status AS new_status, g.contested AS new_contested, g.corroborated AS new_corroborated,
               g.unverified AS new_unverified, g.reasons AS new_reasons
        FROM fogwatch_unrelated u
        JOIN fogwatch_group_flags g USING (claimant_id, spokesperson_key, verdict, verdict_on_key)
        JOIN claims_claim c ON c.id = u.id
        WHERE (c.status, c.contested, c.corroborated, c.unverified, c.reasons)
              IS DISTINCT FROM (g.status, g.contested, g.corroborated, g.unverified, g.reasons)
        FOR UPDATE OF c
    )
    UPDATE claims_claim c
    SET status = old.new_status, contested = old.new_contested, corroborated = old.new_corroborated,
        unverified = old.new_unverified, reasons = old.new_reasons, updated_at = %s
    FROM old
    WHERE c.id = old.id
    RETURNING c.id, old.status, old.new_status, old.contested, old.corroborated, old.unverified,
              old.new_contested, old.new_corroborated, old.new_unverified
"""


def _recompute_unrelated_postgresql(now: datetime) -> tuple[int, list[int], dict[int, FlagChange]]:
    """Recompute, set-wise, every claim no relation touches (none received, no contradiction made):
    by the rules its flags follow from its own facts alone (claimant, spokesperson, verdict), so
    one claim per group of equal facts is evaluated by ``flags.evaluate`` and one UPDATE gives the
    group's result to the rest. Returns how many such claims there are, the ids of all the others
    (read in the same transaction), and what changed."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Dropped here too: inside an outer transaction (a savepoint) ON COMMIT has not come yet.
        cursor.execute("DROP TABLE IF EXISTS fogwatch_unrelated, fogwatch_group_flags")
        cursor.execute(UNRELATED_SQL)
        cursor.execute(
            "SELECT min(id), claimant_id, spokesperson_key, verdict, verdict_on_key, count(*) FROM fogwatch_unrelated"
            " GROUP BY claimant_id, spokesperson_key, verdict, verdict_on_key"
        )
        groups = cursor.fetchall()
        representatives = [row[0] for row in groups]
        results = flags.evaluate(representatives, claim_facts(representatives), [])
        buffer = io.StringIO()
        for representative, claimant_id, spokesperson_key, verdict, verdict_on_key, _count in groups:
            result = results[representative]
            buffer.write(
                f"{claimant_id}\t{spokesperson_key}\t{verdict}\t{verdict_on_key.isoformat()}\t{result.status}\t"
                f"{'t' if result.contested else 'f'}\t{'t' if result.corroborated else 'f'}\t"
                f"{'t' if result.unverified else 'f'}\t{_reasons_json(result)}\n"
            )
        buffer.seek(0)
        cursor.execute(
            "CREATE TEMPORARY TABLE fogwatch_group_flags (claimant_id bigint, spokesperson_key bigint, verdict"
            " varchar(10), verdict_on_key date, status varchar(12), contested boolean, corroborated boolean,"
            " unverified boolean, reasons jsonb) ON COMMIT DROP"
        )
        cursor.cursor.copy_expert("COPY fogwatch_group_flags FROM STDIN", buffer)
        cursor.execute(UNRELATED_UPDATE_SQL, [now])
        changes = {row[0]: FlagChange(row[1], row[2], tuple(row[3:6]), tuple(row[6:9])) for row in cursor.fetchall()}
        cursor.execute(
            "SELECT c.id FROM claims_claim c WHERE NOT EXISTS (SELECT 1 FROM fogwatch_unrelated u WHERE u.id = c.id)"
            " ORDER BY c.id"
        )
        others = [row[0] for row in cursor.fetchall()]
        cursor.execute("DROP TABLE fogwatch_unrelated, fogwatch_group_flags")
    return sum(row[5] for row in groups), others, changes


def claims_recompute_all(*, progress: ProgressCallback | None = None, refresh_auto: bool = True) -> dict[str, int]:
    """Refresh every automatic relation and recompute every claim's flags. Returns counts.

    On PostgreSQL the claims no relation touches (most of them) are recomputed set-wise by group
    (``_recompute_unrelated_postgresql``) and only the others one by one."""
    added_removed = auto_relations_refresh_all() if refresh_auto else 0
    if connection.vendor != "postgresql":
        all_ids = list(Claim.objects.values_list("pk", flat=True).order_by("pk"))
        changed = claims_recompute(all_ids, progress=progress)
        return {"claims": len(all_ids), "changed": len(changed), "auto_relations_changed": added_removed}
    unrelated, others, changes = _recompute_unrelated_postgresql(timezone.now())
    total = unrelated + len(others)
    if changes:
        _announce_flag_changes(changes)
    if progress:
        progress(unrelated, total)

    def offset(done: int, _total: int) -> None:
        if progress:
            progress(unrelated + done, total)

    changed = claims_recompute(others, progress=offset)
    return {"claims": total, "changed": len(changes) + len(changed), "auto_relations_changed": added_removed}


# Listeners told of claims whose flags, status or reasons changed (webhooks subscribe here), with
# claim id -> FlagChange; called inside the transaction.
FlagListener = Callable[[dict[int, FlagChange]], None]
_flag_listeners: list[FlagListener] = []


def on_flags_changed(listener: FlagListener) -> None:
    if listener not in _flag_listeners:
        _flag_listeners.append(listener)


def _announce_flag_changes(changes: dict[int, FlagChange]) -> None:
    for listener in _flag_listeners:
        listener(changes)


def _settle(claim_ids: Iterable[int], *, extra: Iterable[int] = ()) -> set[int]:
    """After a write: refresh automatic relations, then recompute every affected claim."""
    ids = set(claim_ids)
    touched = auto_relations_refresh(ids)
    return claims_recompute(affected_ids(ids | touched | set(extra)))


def actors_changed(actor_ids: set[int]) -> None:
    """Actors moved between blocs (or were renamed): refresh what depends on them."""
    claim_ids = set(
        Claim.objects.filter(
            Q(claimant_id__in=actor_ids) | Q(subject_id__in=actor_ids) | Q(spokesperson_id__in=actor_ids)
        ).values_list("pk", flat=True)
    )
    if not claim_ids:
        return
    if len(claim_ids) > settings.FOGWATCH_SYNC_RECOMPUTE_LIMIT:
        # Too many to recompute inside the request: a background job does it in batches, with
        # progress (run in-process at commit when there is no broker; see docs/background.md).
        recompute_job_start(reason=f"Bloc move of actors {sorted(actor_ids)}", claim_ids=claim_ids)
        return
    _recompute_moved(claim_ids)


def _recompute_moved(claim_ids: set[int]) -> set[int]:
    touched: set[int] = set()
    for batch in _batches(sorted(claim_ids), settings.FOGWATCH_RECOMPUTE_BATCH):
        touched |= auto_relations_refresh(batch)
    return claims_recompute(affected_ids(claim_ids | touched))


# ---------------------------------------------------------------------------------------------
# Background recompute: large bloc moves and the consistency sweep (run by claims.tasks)
# ---------------------------------------------------------------------------------------------


def recompute_job_start(*, reason: str, claim_ids: Iterable[int]) -> RecomputeJob:
    """Record a recompute job and queue its task when the transaction commits."""
    from claims.tasks import recompute_job  # tasks call services; imported here to avoid a cycle
    from core.tasks import enqueue

    ids = sorted(set(claim_ids))
    job = RecomputeJob.objects.create(reason=reason[:200], claim_ids=ids, total=len(ids))
    enqueue(recompute_job, job.pk)
    return job


def _job_progress(job: RecomputeJob, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    RecomputeJob.objects.filter(pk=job.pk).update(**fields)


def recompute_job_run(*, job_id: int) -> RecomputeJob:
    """Run a queued recompute job: refresh automatic relations of its claims, then recompute
    every affected claim, one transaction per batch, recording progress. A finished job is
    left alone, so running it twice changes nothing more."""
    job = RecomputeJob.objects.using("default").get(pk=job_id)  # the primary: a replica may lag the commit
    if job.state == RecomputeJob.State.DONE:
        return job
    _job_progress(job, state=RecomputeJob.State.RUNNING, started_at=timezone.now(), done=0, changed=0, error="")
    try:
        ids = set(job.claim_ids)
        touched: set[int] = set()
        for batch in _batches(sorted(ids), settings.FOGWATCH_RECOMPUTE_BATCH):
            with transaction.atomic():
                touched |= auto_relations_refresh(batch)
        with transaction.atomic():  # read on the primary
            targets = sorted(affected_ids(ids | touched))
        _job_progress(job, total=len(targets))
        changed = 0
        for batch in _batches(targets, settings.FOGWATCH_RECOMPUTE_BATCH):
            with transaction.atomic():
                changed += len(claims_recompute(batch))
            _job_progress(job, done=job.done + len(batch), changed=changed)
    except Exception as exc:
        _job_progress(job, state=RecomputeJob.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        raise
    _job_progress(job, state=RecomputeJob.State.DONE, finished_at=timezone.now())
    return job


def claims_sweep() -> RecomputeJob:
    """The consistency sweep: refresh every automatic relation, recompute every claim and record
    (in a RecomputeJob) the claims whose stored flags had drifted. Jobs still queued when it
    starts (their task was lost, e.g. Redis was down) are covered by it and marked done."""
    leftover = list(RecomputeJob.objects.filter(state=RecomputeJob.State.QUEUED).values_list("pk", flat=True))
    job = RecomputeJob.objects.create(reason="Consistency sweep", state=RecomputeJob.State.RUNNING)
    _job_progress(job, started_at=timezone.now())
    try:
        with transaction.atomic():
            auto_relations_refresh_all()
        all_ids = list(Claim.objects.values_list("pk", flat=True).order_by("pk"))
        _job_progress(job, total=len(all_ids))
        drifted: set[int] = set()
        for batch in _batches(all_ids, settings.FOGWATCH_RECOMPUTE_BATCH):
            with transaction.atomic():
                drifted |= claims_recompute(batch)
            _job_progress(job, done=job.done + len(batch), changed=len(drifted))
    except Exception as exc:
        _job_progress(job, state=RecomputeJob.State.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        raise
    if drifted:
        logger.warning("Consistency sweep: %d claims had drifted: %s", len(drifted), sorted(drifted)[:50])
    _job_progress(job, drifted=sorted(drifted), state=RecomputeJob.State.DONE, finished_at=timezone.now())
    if leftover:
        RecomputeJob.objects.filter(pk__in=leftover, state=RecomputeJob.State.QUEUED).update(
            state=RecomputeJob.State.DONE, finished_at=timezone.now(), error=f"Covered by consistency sweep #{job.pk}."
        )
    return job


# ---------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------


def _write_citations(claim: Claim, citations: Sequence[CitationInput]) -> None:
    for item in citations:
        Citation.objects.create(claim=claim, report=item.report, quote=(item.quote or "").strip())


@transaction.atomic
def claim_create(*, citations: Iterable[CitationInput | dict[str, Any]] | None = None, **fields: Any) -> Claim:
    """Create a claim with its citations; its flags (and its neighbours') are right on return."""
    claim = Claim()
    cited = _clean_citations(citations) or []
    apply_fields(claim, fields, CLAIM_EDITABLE)
    claim_validate(claim, cited)
    claim.save()
    _write_citations(claim, cited)
    _settle({claim.pk})
    claim.refresh_from_db()
    return claim


@transaction.atomic
def claim_update(
    *, claim: Claim, citations: Iterable[CitationInput | dict[str, Any]] | None = None, **fields: Any
) -> Claim:
    """Update a claim; ``citations``, when given, replaces its citation set."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    before = set(Relation.objects.filter(Q(claim=claim) | Q(target=claim)).values_list("claim_id", "target_id"))
    cited = _clean_citations(citations)
    changed = apply_fields(claim, fields, CLAIM_EDITABLE)
    claim_validate(claim, cited, changed)
    if cited is None and not claim.citations.exists():
        raise ValidationError({"citations": "A claim needs at least one citation: the report where it was made."})
    claim.save()
    if cited is not None:
        claim.citations.all().delete()
        _write_citations(claim, cited)
    _settle({claim.pk}, extra={end for pair in before for end in pair})
    claim.refresh_from_db()
    return claim


def claim_set_verdict(*, claim: Claim, verdict: str, rationale: str = "", verdict_on: date | None = None) -> Claim:
    return claim_update(claim=claim, verdict=verdict, verdict_rationale=rationale, verdict_on=verdict_on)


@transaction.atomic
def claim_delete(*, claim: Claim) -> None:
    """Delete a claim and the relations it makes. Refused while another claim's editor relation
    targets it (delete or change that relation first)."""
    answering = list(Relation.objects.filter(target=claim, origin=Relation.Origin.EDITOR).select_related("claim"))
    if answering:
        raise ReferencedError(claim, answering)
    neighbours = affected_ids({claim.pk}) - {claim.pk}
    Relation.objects.filter(target=claim, origin=Relation.Origin.AUTO).delete()
    claim_id, external_id = claim.pk, claim.external_id or ""
    delete_or_refuse(claim)
    Tombstone.objects.create(claim_id=claim_id, external_id=external_id, deleted_at=timezone.now())
    claims_recompute(affected_ids(neighbours) if neighbours else set())


# ---------------------------------------------------------------------------------------------
# Relations
# ---------------------------------------------------------------------------------------------


def relation_validate(relation: Relation, changed: set[str] | None = None) -> None:
    """``changed`` names the fields an update changed (None: a new relation). Retracts and supersedes
    are checked against the blocs only when claim, target or stance is written: a later bloc move
    does not invalidate a relation."""
    errors: dict[str, str] = {}
    if relation.claim_id and relation.target_id and relation.claim_id == relation.target_id:
        errors["target"] = "A claim cannot relate to itself."
    if relation.stance not in Relation.Stance.values:
        errors["stance"] = f"“{relation.stance}” is not a stance; use one of {', '.join(Relation.Stance.values)}."
    elif (
        relation.stance in (Relation.Stance.RETRACTS, Relation.Stance.SUPERSEDES)
        and relation.claim_id
        and relation.target_id
        and (changed is None or changed & {"claim", "target", "stance"})
        and _claimant_blocs(relation.claim_id, relation.target_id) == 2
    ):
        errors["stance"] = (
            f"A claim can {relation.stance[:-1]} only a claim of its own bloc; {relation.claim.claimant} and "
            f"{relation.target.claimant} are in different blocs."
        )
    duplicate = Relation.objects.filter(
        claim_id=relation.claim_id, target_id=relation.target_id, stance=relation.stance, origin=Relation.Origin.EDITOR
    ).exclude(pk=relation.pk)
    if not errors and duplicate.exists():
        errors["stance"] = f"Claim #{relation.claim_id} already {relation.stance} claim #{relation.target_id}."
    if errors:
        raise ValidationError(errors)
    try:
        relation.full_clean(exclude=["origin"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError({k: " ".join(v) for k, v in exc.message_dict.items()}) from exc


def _claimant_blocs(*claim_ids: int) -> int:
    """How many blocs the claimants of these claims are in, as the blocs are now."""
    rows = Claim.objects.filter(pk__in=claim_ids).values_list("claimant_id", "claimant__bloc_id")
    return len({bloc or claimant for claimant, bloc in rows})


def _refuse_auto(relation: Relation) -> None:
    if relation.origin == Relation.Origin.AUTO:
        raise ValidationError(
            {
                "origin": "This relation is automatic: it follows from the claims (rule 7) and changes only "
                "when they change."
            }
        )


@transaction.atomic
def relation_create(*, claim: Claim, target: Claim, stance: str, note: str = "") -> Relation:
    """An editor's relation. One with the same claim, target and stance as an automatic one replaces it."""
    relation = Relation(claim=claim, target=target, stance=stance, note=(note or "").strip())
    relation_validate(relation)
    automatic = Relation.objects.filter(claim=claim, target=target, stance=stance, origin=Relation.Origin.AUTO).first()
    if automatic is not None:
        automatic.origin = Relation.Origin.EDITOR
        automatic.note = relation.note
        automatic.save()
        relation = automatic
    else:
        relation.save()
    _settle({claim.pk, target.pk})
    return relation


@transaction.atomic
def relation_update(*, relation: Relation, **fields: Any) -> Relation:
    relation = Relation.objects.select_for_update().get(pk=relation.pk)
    _refuse_auto(relation)
    before = {relation.claim_id, relation.target_id}
    changed = apply_fields(relation, fields, ("claim", "target", "stance", "note"))
    relation_validate(relation, changed)
    # Moved onto an automatic relation's (claim, target, stance): the editor's replaces it.
    Relation.objects.filter(
        claim_id=relation.claim_id, target_id=relation.target_id, stance=relation.stance, origin=Relation.Origin.AUTO
    ).exclude(pk=relation.pk).delete()
    relation.save()
    _settle(before | {relation.claim_id, relation.target_id})
    return relation


@transaction.atomic
def relation_delete(*, relation: Relation) -> None:
    _refuse_auto(relation)
    ends = {relation.claim_id, relation.target_id}
    relation.delete()
    _settle(ends)


__all__ = [
    "CitationInput",
    "FlagChange",
    "ReferencedError",
    "actors_changed",
    "auto_relations_refresh",
    "claim_create",
    "claim_delete",
    "claim_set_verdict",
    "claim_update",
    "claims_recompute",
    "claims_recompute_all",
    "claims_sweep",
    "on_flags_changed",
    "recompute_job_run",
    "recompute_job_start",
    "relation_create",
    "relation_delete",
    "relation_update",
]
