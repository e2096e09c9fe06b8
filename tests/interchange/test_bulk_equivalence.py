"""The bulk import (COPY, relations and flags settled once per batch) leaves exactly what the
one-by-one path leaves: the same claims with their flags, status and reasons, citations, reports,
sources, actors, places, relations (automatic ones included), history rows and search vectors —
whole tables compared, ids aside — on the UCDP sample and on generated UCDP data."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from claims.models import Claim, FlagChangeRecord, Relation
from devdata.ucdp import csv_bytes
from interchange.importers.ucdp import import_ucdp
from tests.support.interchange import UCDP_SAMPLE
from tests.support.tables import differences, snapshot

# The one-by-one path is the slow one (a recompute per claim): minutes on a loaded machine.
pytestmark = [pytest.mark.django_db, pytest.mark.timeout(900)]


class Rollback(Exception):
    pass


def imported(data: bytes, *, bulk: bool, strict: bool = False, twice: bool = False):
    """Import ``data`` in a savepoint, snapshot every table, roll back. Returns (summary, snapshot)."""
    result = {}
    try:
        with transaction.atomic():
            summary = import_ucdp(data, bulk=bulk, strict=strict)
            if twice:
                summary = import_ucdp(data, bulk=bulk, strict=strict)
            result["summary"], result["tables"] = summary, snapshot()
            assert_history_ends_at_the_flags()
            raise Rollback
    except Rollback:
        pass
    return result["summary"], result["tables"]


def assert_history_ends_at_the_flags():
    """Every claim the import made has one first state in the flag history (no old state, caused by
    the import), and its latest recorded state is the one it has: the bulk path writes most claims
    with their flags and records their first state itself."""
    made = Claim.objects.filter(external_id__isnull=False)
    records = {}
    for claim_id, old, new, cause in FlagChangeRecord.objects.order_by("id").values_list(
        "claim_id", "old", "new", "cause"
    ):
        records.setdefault(claim_id, []).append((old, new, cause))
    assert sum(1 for rows in records.values() for old, _, _ in rows if old is None) == made.count()
    for claim in made:
        firsts = [row for row in records[claim.pk] if row[0] is None]
        assert len(firsts) == 1 and firsts[0][2] == "import"
        latest = records[claim.pk][-1][1]
        assert (latest["status"], latest["grade"], latest["reasons"]) == (claim.status, claim.grade, claim.reasons)
        assert (latest["contested"], latest["corroborated"], latest["unverified"]) == (
            claim.contested,
            claim.corroborated,
            claim.unverified,
        )


def assert_same(data: bytes, **options):
    one_summary, one = imported(data, bulk=False, **options)
    bulk_summary, bulk = imported(data, bulk=True, **options)
    assert differences(one, bulk) == {}
    assert str(bulk_summary) == str(one_summary)
    return one_summary, one


def test_the_sample_bulk_and_one_by_one_leave_the_same_tables():
    summary, tables = assert_same(UCDP_SAMPLE.read_bytes())
    assert summary.created > 700  # at least one claim per event
    assert sum(tables["Claim"].values()) == summary.created
    assert sum(tables["history of Claim"].values()) == summary.created


def test_generated_events_bulk_and_one_by_one_leave_the_same_tables(settings):
    settings.FOGWATCH_IMPORT_BATCH = 150  # three batches: relations across batches too
    data = csv_bytes(400, seed=3)
    summary, tables = assert_same(data, strict=True)
    assert summary.rows == 400
    assert summary.skipped > 0  # --strict: the generated inconsistent rows are skipped alike
    # The generator retells some events with other tolls: automatic contradictions, contested claims.
    auto = [row for row in tables["Relation"] if dict(row)["origin"] == Relation.Origin.AUTO]
    assert len(auto) >= 5
    assert {dict(row)["status"] for row in tables["Claim"]} >= {"contested", "unverified"}


def test_a_re_import_in_bulk_changes_nothing(settings):
    settings.FOGWATCH_IMPORT_BATCH = 100
    data = csv_bytes(200, seed=5)
    summary, _ = assert_same(data, twice=True)
    assert summary.created == 0 and summary.updated == 0
    assert summary.unchanged > 200
    assert Claim.objects.count() == 0  # rolled back


def test_the_command_imports_in_bulk_with_a_progress_bar_and_one_by_one_on_request(tmp_path):
    path = tmp_path / "ged.csv"
    path.write_bytes(csv_bytes(60, seed=11))
    outputs = {}
    for flags in ([], ["--one-by-one"]):
        out = io.StringIO()
        try:
            with transaction.atomic():
                call_command("import_ucdp", str(path), *flags, stdout=out)
                outputs[bool(flags)] = (out.getvalue(), snapshot())
                raise Rollback
        except Rollback:
            pass
    bulk_text, bulk_tables = outputs[False]
    one_text, one_tables = outputs[True]
    assert "rows [" in bulk_text and "60/60" in bulk_text  # the progress bar (a plain line off a terminal)
    assert "UCDP GED: 60 rows read" in bulk_text
    summary = [line for line in bulk_text.splitlines() if line.startswith("UCDP GED:")]
    assert summary == [line for line in one_text.splitlines() if line.startswith("UCDP GED:")]
    assert differences(one_tables, bulk_tables) == {}


def test_text_with_backslashes_tabs_and_line_breaks_goes_through_copy_unchanged(settings):
    """COPY's text format escapes backslashes, tabs and line breaks (``core.bulk``): a batch written by
    COPY (more than 50 rows) keeps them as the one-by-one path's INSERTs do."""
    settings.FOGWATCH_IMPORT_BATCH = 100
    rows = list(csv.DictReader(io.StringIO(csv_bytes(80, seed=7).decode("utf-8"))))
    for number, row in enumerate(rows):
        row["where_description"] = f"{row['where_description']}\tnear C:\\temp \\N, not null — Ü\nline {number}"
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    _, tables = assert_same(out.getvalue().encode("utf-8"))
    values = list(_strings(tables))
    # The claims' summaries keep the backslashes (a literal \N is not NULL); tab and line break are
    # made spaces by the summary's own cleaning, alike on both paths.
    assert any("near C:\\temp \\N, not null — Ü line " in value for value in values)


def _strings(value):
    """Every text value in a snapshot, however deeply its rows nest them."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.items():
            yield from _strings(item)
    elif isinstance(value, (tuple, list, set, frozenset)):
        for item in value:
            yield from _strings(item)
