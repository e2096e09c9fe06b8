"""Keeping derived state right: automatic relations (rule 7) and the stored flags, status and
reasons of claims (rules 1–6, 8), recomputed set-wise for the claims a write affects.

Every recompute that changes claims sends ``claims.events.flags_changed`` once, inside the
writing transaction.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from claims import auto_relations, causes, events, flags
from claims.events import FlagChange
from claims.models import Claim, FlagChangeRecord, Relation
from claims.selectors import affected_ids, claim_facts, flag_inputs, proposition_facts, propositions_of
from claims.services.validation import DERIVED
from core.statements import Statement

ProgressCallback = Callable[[int, int], None]

# Batches at least this large are written through a temporary table on PostgreSQL.
SET_WRITE_THRESHOLD = 500


def relation_dates_sync(relations: Q | None = None) -> int:
    """Copy the dates both claims were made onto these relations (all relations when no filter is
    given), where they differ. Returns how many relations were written."""
    stale = Relation.objects.filter(
        Q(claim_on__isnull=True)
        | Q(target_on__isnull=True)
        | ~Q(claim_on=F("claim__claimed_on"))
        | ~Q(target_on=F("target__claimed_on"))
    )
    if relations is not None:
        stale = stale.filter(relations)
    return stale.update(
        claim_on=Subquery(Claim.objects.filter(pk=OuterRef("claim_id")).values("claimed_on")[:1]),
        target_on=Subquery(Claim.objects.filter(pk=OuterRef("target_id")).values("claimed_on")[:1]),
    )


# ``relation_dates_sync`` for the relations touching some claims, on PostgreSQL: written once (the
# ORM's UPDATE with two subqueries took longer to build and compile than to run, on every write).
DATES_SYNC_SQL = """
    UPDATE claims_relation r SET claim_on = c.claimed_on, target_on = t.claimed_on
    FROM claims_claim c, claims_claim t
    WHERE c.id = r.claim_id AND t.id = r.target_id
      AND (r.claim_id = ANY(%(ids)s::bigint[]) OR r.target_id = ANY(%(ids)s::bigint[]))
      AND (r.claim_on IS DISTINCT FROM c.claimed_on OR r.target_on IS DISTINCT FROM t.claimed_on)
"""


def relation_dates_sync_touching(claim_ids: Iterable[int]) -> int:
    """``relation_dates_sync`` for the relations touching these claims. Returns how many were written."""
    ids = sorted({int(pk) for pk in claim_ids})
    if not ids:
        return 0
    if connection.vendor != "postgresql":
        return relation_dates_sync(Q(claim_id__in=ids) | Q(target_id__in=ids))
    with connection.cursor() as cursor:
        cursor.execute(DATES_SYNC_SQL, {"ids": ids})
        return cursor.rowcount


# The relations touching some claims (compiled once: core/statements.py).
TOUCHING = Statement(
    lambda ids: Relation.objects.filter(Q(claim_id__any_of=ids) | Q(target_id__any_of=ids)).values_list(
        "id", "claim_id", "target_id", "stance", "origin"
    )
)


# Groups per statement when reading the claims that could pair with some others (an OR of this many
# terms stays well inside SQLite's expression depth, 1,000).
WINDOW_GROUPS_PER_READ = 200


def window_candidates(focus: Iterable[auto_relations.PropositionFacts]) -> list[auto_relations.PropositionFacts]:
    """The claims rule 7 could pair with these: of the same group (a place's control claims, a
    subject's casualties at a place), with an event window that meets the span of these claims'
    windows in that group. Only those, not the group's every claim: a group's history grows with the
    database, and rule 7 compares only claims whose windows overlap, so a batch's read stays the size
    of the batch's own stretch of time (``auto_relations.compute`` then pairs exactly)."""
    spans: dict[tuple[object, ...], tuple[date, date]] = {}
    for facts in focus:
        key = auto_relations.group_key(facts)
        if key is None or facts.window is None:
            continue
        start, end = facts.window
        seen = spans.get(key)
        spans[key] = (min(seen[0], start), max(seen[1], end)) if seen else (start, end)
    if connection.vendor == "postgresql":
        return _window_candidates_postgresql(spans)
    return _window_candidates_orm(spans)


def _window_candidates_orm(spans: dict[tuple[object, ...], tuple[date, date]]) -> list:
    terms = []
    for key, (start, end) in spans.items():
        group = (
            Q(kind=Claim.Kind.CONTROL, location_id=key[1])
            if key[0] == Claim.Kind.CONTROL
            else Q(kind=Claim.Kind.CASUALTIES, subject_id=key[1], location_id=key[2])
        )
        meets = Q(event_end__gte=start) | Q(event_end__isnull=True, event_start__gte=start)
        terms.append(group & Q(event_start__lte=end) & meets)
    found: list[auto_relations.PropositionFacts] = []
    for first in range(0, len(terms), WINDOW_GROUPS_PER_READ):
        found.extend(proposition_facts(reduce(or_, terms[first : first + WINDOW_GROUPS_PER_READ])))
    return found


WINDOW_CANDIDATES_SQL = """
    SELECT c.id FROM unnest(%s::varchar[], %s::bigint[], %s::bigint[], %s::date[], %s::date[])
        AS g(kind, location_id, subject_id, start, finish)
    JOIN claims_claim c ON c.location_id = g.location_id AND c.kind = g.kind
        AND c.event_start <= g.finish AND COALESCE(c.event_end, c.event_start) >= g.start
        AND (g.subject_id IS NULL OR c.subject_id = g.subject_id)
"""


def _window_candidates_postgresql(spans: dict[tuple[object, ...], tuple[date, date]]) -> list:
    if not spans:
        return []
    keys = list(spans)
    params = [
        [key[0] for key in keys],
        [key[1] if key[0] == Claim.Kind.CONTROL else key[2] for key in keys],
        [None if key[0] == Claim.Kind.CONTROL else key[1] for key in keys],
        [spans[key][0] for key in keys],
        [spans[key][1] for key in keys],
    ]
    return proposition_facts(Q(pk__in=RawSQL(WINDOW_CANDIDATES_SQL, params)))


def auto_relations_refresh(claim_ids: Iterable[int], *, among_only: bool = False) -> set[int]:
    """Bring the automatic relations touching these claims in line with rule 7.

    ``among_only``: only the automatic relations between two of these claims. That is all a write of
    an editor's relation can change: rule 7 decides each pair from the two claims alone, and an
    editor's relation covers the automatic one of its own pair (the claims themselves, and so every
    other pair, are as they were). It spares reading every claim that could pair with these.

    Returns the ids of claims at either end of a relation that was added or removed.
    """
    ids = set(claim_ids)
    if not ids:
        return set()
    focus = propositions_of(ids)
    candidates = {f.id: f for f in focus}
    if not among_only:
        for facts in window_candidates(focus):
            candidates[facts.id] = facts
    desired = auto_relations.compute(candidates.values(), focus=ids)

    existing: dict[auto_relations.AutoRelation, int] = {}
    editor: set[auto_relations.AutoRelation] = set()
    for pk, c, t, s, origin in TOUCHING.rows(ids):
        if among_only and not (c in ids and t in ids):
            continue  # a pair with a claim outside: not this refresh's (nor in ``desired``)
        if origin == Relation.Origin.AUTO:
            existing[(c, t, s)] = pk
        else:
            editor.add((c, t, s))

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
    relation_dates_sync_touching(ids)
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
        if connection.vendor == "postgresql":
            store = _store_flags_postgresql if len(batch) >= SET_WRITE_THRESHOLD else _store_few_flags_postgresql
            batch_changes = store(results, now)
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
                or claim.grade != result.grade
            ):
                changes[claim.pk] = FlagChange(
                    claim.status,
                    result.status,
                    (claim.contested, claim.corroborated, claim.unverified),
                    (result.contested, result.corroborated, result.unverified),
                    claim.grade,
                    result.grade,
                    claim.reasons,
                    reasons,
                )
                claim.status = result.status
                claim.contested = result.contested
                claim.corroborated = result.corroborated
                claim.unverified = result.unverified
                claim.reasons = reasons
                claim.grade = result.grade
                claim.updated_at = now
                dirty.append(claim)
        if dirty:
            Claim.objects.bulk_update(dirty, [*DERIVED, "updated_at"])
            changed_ids.update(c.pk for c in dirty)
        done += len(batch)
        if progress:
            progress(done, len(ids))
    if changes:
        _record_flag_changes(changes, now)
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
            f"{'t' if result.corroborated else 'f'}\t{'t' if result.unverified else 'f'}\t{reasons}\t{result.grade}\n"
        )
    buffer.seek(0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS fogwatch_new_flags (id bigint PRIMARY KEY, status varchar(12), "
            "contested boolean, corroborated boolean, unverified boolean, reasons jsonb, grade varchar(2))"
            " ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE fogwatch_new_flags")
        cursor.cursor.copy_expert("COPY fogwatch_new_flags FROM STDIN", buffer)
        # Without statistics the planner guessed the table's size and joined it to every claim by a
        # hash of the whole table (983 ms a batch at 1,000,000 claims); counted, it looks each up (87 ms).
        cursor.execute("ANALYZE fogwatch_new_flags")
        cursor.execute(STORE_FLAGS_SQL.format(new="SELECT * FROM fogwatch_new_flags"), [now])
        rows = cursor.fetchall()
        cursor.execute("TRUNCATE fogwatch_new_flags")
    return {row[0]: _flag_change(row) for row in rows}


# The new flags (``n``: id, status, the three flags, reasons, grade) written where they differ from the
# stored ones (jsonb compares reasons by value), returning the old values for the listeners.
STORE_FLAGS_SQL = """
    WITH n AS ({new}), old AS (
        SELECT c.id, c.status, c.contested, c.corroborated, c.unverified, c.grade, c.reasons
        FROM claims_claim c JOIN n ON n.id = c.id
        WHERE (c.status, c.contested, c.corroborated, c.unverified, c.reasons, c.grade)
              IS DISTINCT FROM (n.status, n.contested, n.corroborated, n.unverified, n.reasons, n.grade)
        FOR UPDATE OF c
    )
    UPDATE claims_claim c
    SET status = n.status, contested = n.contested, corroborated = n.corroborated,
        unverified = n.unverified, reasons = n.reasons, grade = n.grade, updated_at = %s
    FROM n, old
    WHERE c.id = n.id AND old.id = n.id
    RETURNING c.id, old.status, n.status, old.contested, old.corroborated, old.unverified,
              n.contested, n.corroborated, n.unverified, old.grade, n.grade, old.reasons, n.reasons
"""
# A few claims' flags (a write's recompute): the values sent as arrays, no temporary table, and not the
# ORM's read and CASE-per-column UPDATE, which took longer to build than to run.
FEW_FLAGS_SQL = STORE_FLAGS_SQL.format(
    new="SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::boolean[], %s::boolean[], %s::boolean[],"
    " %s::jsonb[], %s::varchar[]) AS n(id, status, contested, corroborated, unverified, reasons, grade)"
)


def _store_few_flags_postgresql(results: dict[int, flags.Flags], now: datetime) -> dict[int, FlagChange]:
    """``_store_flags_postgresql`` for a few claims: one UPDATE, the values sent as arrays."""
    if not results:
        return {}
    items = list(results.items())
    columns: list[list[Any]] = [
        [claim_id for claim_id, _ in items],
        [result.status for _, result in items],
        [result.contested for _, result in items],
        [result.corroborated for _, result in items],
        [result.unverified for _, result in items],
        [json.dumps(result.reasons_as_dicts(), ensure_ascii=False) for _, result in items],
        [result.grade for _, result in items],
    ]
    with connection.cursor() as cursor:
        cursor.execute(FEW_FLAGS_SQL, [*columns, now])
        rows = cursor.fetchall()
    return {row[0]: _flag_change(row) for row in rows}


def _flag_change(row: Sequence) -> FlagChange:
    """A FlagChange from a RETURNING row: id, old and new status, old and new flags (three each), old
    and new grade, old and new reasons (jsonb, read as lists)."""
    return FlagChange(row[1], row[2], tuple(row[3:6]), tuple(row[6:9]), row[9], row[10], _json(row[11]), _json(row[12]))


def _json(value: object) -> list:
    if isinstance(value, str):
        return json.loads(value)
    return list(value) if isinstance(value, list | tuple) else []


def _reasons_json(result: flags.Flags) -> str:
    """The reasons as a jsonb value in a line of COPY's text format (backslashes doubled)."""
    return json.dumps(result.reasons_as_dicts(), ensure_ascii=False).replace("\\", "\\\\")


UNRELATED_SQL = """
    CREATE TEMPORARY TABLE fogwatch_unrelated ON COMMIT DROP AS
    SELECT c.id, c.claimant_id, COALESCE(c.spokesperson_id, 0) AS spokesperson_key, c.verdict,
           COALESCE(c.verdict_on, DATE '0001-01-01') AS verdict_on_key,
           COALESCE(b.best, 'F') AS reliability_key
    FROM claims_claim c
    -- The best reliability of each claim's sources, aggregated once (a hash join, not a subquery per claim).
    LEFT JOIN (SELECT ci.claim_id, min(s.reliability) AS best FROM claims_citation ci
               JOIN sources_report r ON r.id = ci.report_id JOIN sources_source s ON s.id = r.source_id
               GROUP BY ci.claim_id) b ON b.claim_id = c.id
    WHERE NOT EXISTS (SELECT 1 FROM claims_relation r WHERE r.target_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM claims_relation r WHERE r.claim_id = c.id AND r.stance = 'contradicts')
"""
UNRELATED_UPDATE_SQL = """
    WITH old AS (
        SELECT c.id, c.status, c.contested, c.corroborated, c.unverified, c.grade, c.reasons,
               g.status AS new_status, g.contested AS new_contested, g.corroborated AS new_corroborated,
               g.unverified AS new_unverified, g.reasons AS new_reasons, g.grade AS new_grade
        FROM fogwatch_unrelated u
        JOIN fogwatch_group_flags g USING (claimant_id, spokesperson_key, verdict, verdict_on_key, reliability_key)
        JOIN claims_claim c ON c.id = u.id
        WHERE (c.status, c.contested, c.corroborated, c.unverified, c.reasons, c.grade)
              IS DISTINCT FROM (g.status, g.contested, g.corroborated, g.unverified, g.reasons, g.grade)
        FOR UPDATE OF c
    )
    UPDATE claims_claim c
    SET status = old.new_status, contested = old.new_contested, corroborated = old.new_corroborated,
        unverified = old.new_unverified, reasons = old.new_reasons, grade = old.new_grade, updated_at = %s
    FROM old
    WHERE c.id = old.id
    RETURNING c.id, old.status, old.new_status, old.contested, old.corroborated, old.unverified,
              old.new_contested, old.new_corroborated, old.new_unverified, old.grade, old.new_grade,
              old.reasons, old.new_reasons
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
            "SELECT min(id), claimant_id, spokesperson_key, verdict, verdict_on_key, reliability_key, count(*)"
            " FROM fogwatch_unrelated GROUP BY claimant_id, spokesperson_key, verdict, verdict_on_key, reliability_key"
        )
        groups = cursor.fetchall()
        representatives = [row[0] for row in groups]
        results = flags.evaluate(representatives, claim_facts(representatives), [])
        buffer = io.StringIO()
        for representative, claimant_id, spokesperson_key, verdict, verdict_on_key, reliability, _count in groups:
            result = results[representative]
            buffer.write(
                f"{claimant_id}\t{spokesperson_key}\t{verdict}\t{verdict_on_key.isoformat()}\t{reliability}\t"
                f"{result.status}\t{'t' if result.contested else 'f'}\t{'t' if result.corroborated else 'f'}\t"
                f"{'t' if result.unverified else 'f'}\t{_reasons_json(result)}\t{result.grade}\n"
            )
        buffer.seek(0)
        cursor.execute(
            "CREATE TEMPORARY TABLE fogwatch_group_flags (claimant_id bigint, spokesperson_key bigint, verdict"
            " varchar(10), verdict_on_key date, reliability_key varchar(1), status varchar(12), contested boolean,"
            " corroborated boolean, unverified boolean, reasons jsonb, grade varchar(2)) ON COMMIT DROP"
        )
        cursor.cursor.copy_expert("COPY fogwatch_group_flags FROM STDIN", buffer)
        cursor.execute(UNRELATED_UPDATE_SQL, [now])
        changes = {row[0]: _flag_change(row) for row in cursor.fetchall()}
        cursor.execute(
            "SELECT c.id FROM claims_claim c WHERE NOT EXISTS (SELECT 1 FROM fogwatch_unrelated u WHERE u.id = c.id)"
            " ORDER BY c.id"
        )
        others = [row[0] for row in cursor.fetchall()]
        cursor.execute("DROP TABLE fogwatch_unrelated, fogwatch_group_flags")
    return sum(row[6] for row in groups), others, changes


def claims_recompute_all(
    *, progress: ProgressCallback | None = None, refresh_auto: bool = True, why: str = "Full recompute"
) -> dict[str, int]:
    """Refresh every automatic relation and recompute every claim's flags. Returns counts.

    On PostgreSQL the claims no relation touches (most of them) are recomputed set-wise by group
    (``_recompute_unrelated_postgresql``) and only the others one by one. The changes are recorded
    in the flag history as caused by a full recompute (``why``), unless a caller named a cause."""
    with causes.recording(causes.Cause(causes.RECOMPUTE, None, why)):
        return _recompute_all(progress=progress, refresh_auto=refresh_auto)


def _recompute_all(*, progress: ProgressCallback | None, refresh_auto: bool) -> dict[str, int]:
    added_removed = auto_relations_refresh_all() if refresh_auto else 0
    if connection.vendor != "postgresql":
        all_ids = list(Claim.objects.values_list("pk", flat=True).order_by("pk"))
        changed = claims_recompute(all_ids, progress=progress)
        return {"claims": len(all_ids), "changed": len(changed), "auto_relations_changed": added_removed}
    now = timezone.now()
    unrelated, others, changes = _recompute_unrelated_postgresql(now)
    total = unrelated + len(others)
    if changes:
        _record_flag_changes(changes, now)
        _announce_flag_changes(changes)
    if progress:
        progress(unrelated, total)

    def offset(done: int, _total: int) -> None:
        if progress:
            progress(unrelated + done, total)

    changed = claims_recompute(others, progress=offset)
    return {"claims": total, "changed": len(changes) + len(changed), "auto_relations_changed": added_removed}


# Listeners told of claims whose flags, status or reasons changed (webhooks subscribe here), with


def _state(status: str, flag_values: tuple[bool, ...], grade: str, reasons: list | None) -> dict[str, object]:
    contested, corroborated, unverified = flag_values
    return {
        "status": status,
        "contested": contested,
        "corroborated": corroborated,
        "unverified": unverified,
        "grade": grade,
        "reasons": reasons or [],
    }


def _record_flag_changes(changes: dict[int, FlagChange], now: datetime) -> None:
    """The flag history: one ``FlagChangeRecord`` per changed claim, from the changes the recompute's
    UPDATEs returned, in one ``bulk_create`` (no query per claim), with the cause the writing
    service named (``claims.causes``). A claim the cause itself created has no old state, and took
    effect the day it was made (``Cause.created_on`` of a bulk import)."""
    cause = causes.current()
    effective = cause.on or timezone.localdate(now)
    made_on = cause.created_on or {}
    rows = []
    for claim_id, change in changes.items():
        created = cause.created == claim_id or claim_id in made_on
        old = None if created else _state(change.old_status, change.old_flags, change.old_grade, change.old_reasons)
        new = _state(change.new_status, change.new_flags, change.new_grade, change.new_reasons)
        rows.append((claim_id, old, new, made_on.get(claim_id, effective)))
    if len(rows) >= SET_WRITE_THRESHOLD and connection.vendor == "postgresql":
        _copy_flag_changes(rows, cause, now)
        return
    FlagChangeRecord.objects.bulk_create(
        [
            FlagChangeRecord(
                claim_id=claim_id,
                at=now,
                effective_on=on,
                old=old,
                new=new,
                cause=cause.kind,
                cause_id=cause.object_id,
                cause_text=cause.text[:500],
            )
            for claim_id, old, new, on in rows
        ],
        batch_size=5000,
    )


def _copy_text(value: str) -> str:
    """A value in a line of COPY's text format."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_flag_changes(rows: list, cause: causes.Cause, now: datetime) -> None:
    """Many records at once (a full recompute that changed many claims): one COPY."""
    at = now.isoformat()
    fixed = "\t".join(
        [
            cause.kind,
            "\\N" if cause.object_id is None else str(cause.object_id),
            _copy_text(cause.text[:500]),
        ]
    )
    buffer = io.StringIO()
    for claim_id, old, new, on in rows:
        old_text = "\\N" if old is None else _copy_text(json.dumps(old, ensure_ascii=False))
        new_text = _copy_text(json.dumps(new, ensure_ascii=False))
        buffer.write(f"{claim_id}\t{old_text}\t{new_text}\t{at}\t{on}\t{fixed}\n")
    buffer.seek(0)
    table = FlagChangeRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} (claim_id, old, new, at, effective_on, cause, cause_id, cause_text) FROM STDIN", buffer
        )


def record_flag_changes(changes: dict[int, FlagChange]) -> None:
    """Record these changes in the flag history and tell the listeners, as a recompute does for those
    it writes (for a writer that wrote the flags itself)."""
    _record_flag_changes(changes, timezone.now())
    _announce_flag_changes(changes)


def _announce_flag_changes(changes: dict[int, FlagChange]) -> None:
    events.flags_changed.send(sender=Claim, changes=changes)


def _settle(claim_ids: Iterable[int], *, extra: Iterable[int] = (), among_only: bool = False) -> set[int]:
    """After a write: refresh automatic relations (``among_only``: those between these claims, after a
    write of a relation between them), then recompute every affected claim."""
    ids = set(claim_ids)
    touched = auto_relations_refresh(ids, among_only=among_only)
    return claims_recompute(affected_ids(ids | touched | set(extra)))
