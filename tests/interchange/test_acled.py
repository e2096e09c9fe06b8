"""ACLED import: our own fixtures (ACLED's data may not be redistributed) in ACLED's current columns."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Max

from actors.models import Actor
from claims.models import Citation, Claim
from interchange.importers.acled import COLUMNS, import_acled
from interchange.importers.base import ImportFileError
from locations.models import Location
from sources.models import Report, Source
from tests.support.interchange import FIXTURES

pytestmark = pytest.mark.django_db
SAMPLE = FIXTURES / "acled_sample.csv"


def claim(key: str) -> Claim:
    return Claim.objects.get(external_id=f"acled:{key}")


def test_the_fixture_has_acleds_current_columns():
    assert SAMPLE.read_text().splitlines()[0].split(",") == list(COLUMNS)


def test_the_fixture_imports_with_the_sub_event_mappings():
    summary = import_acled(str(SAMPLE))
    assert (summary.rows, summary.created, summary.skipped) == (7, 8, 0)

    taken = claim("FWX0001:event")
    assert (taken.kind, taken.subject.name) == ("control", "Taliban")
    assert taken.claimant.name == "Fictional Afghan Wire"
    assert sorted(c.report.source.name for c in taken.citations.all()) == ["Example Radio", "Fictional Afghan Wire"]
    assert [loc.name for loc in Location.objects.filter(pk__in=taken.location.path_ids).order_by("path")] == [
        "Afghanistan",
        "Baghlan",
        "Andarab",
        "Banu",
    ]
    assert (taken.location.latitude, taken.location.longitude) == (35.6354, 69.266)
    assert (taken.location_precision, taken.date_precision) == ("acled_geo_precision:1", "day")
    assert (taken.count_min, taken.count_max) == (None, None)

    retaken = claim("FWX0002:event")
    assert (retaken.kind, retaken.subject.name, retaken.date_precision) == (
        "control",
        "National Resistance Front",
        "week",
    )
    assert retaken.location_id == taken.location_id
    # Independent claimants, subjects in different blocs, the same place and day: rule 7 contradicts both ways.
    assert claim("FWX0001:event").status == claim("FWX0002:event").status == "contested"

    clash = claim("FWX0003:event")
    assert (clash.kind, clash.subject.name, clash.count_min, clash.count_max) == ("attack", "Taliban", 8, 8)
    assert clash.location_precision == "acled_geo_precision:2"

    strike = claim("FWX0004:event")
    assert (strike.kind, strike.count_min) == ("attack", None)
    assert strike.claimant.name == "Armed Conflict Location & Event Data Project"  # no source: ACLED itself
    assert Actor.objects.get(name="Military Forces of Example").kind == "government"

    attack = claim("FWX0005:event")
    assert attack.kind == "attack"
    civilians = claim("FWX0005:civilians")
    assert (civilians.kind, civilians.subject.name, civilians.count_min) == ("casualties", "Civilians (Afghanistan)", 2)
    assert civilians.claimant.name == "Example Radio"

    protest = claim("FWX0006:event")
    assert (protest.kind, protest.subject) == ("statement", None)

    other = claim("FWX0007:event")
    assert (other.kind, other.subject.name, other.count_min, other.date_precision) == (
        "casualties",
        "National Resistance Front",
        5,
        "month",
    )
    assert Source.objects.get(name="Fictional Afghan Wire").reports.count() == 4


def test_reimporting_the_fixture_changes_nothing():
    import_acled(str(SAMPLE))
    counts = {m: m.objects.count() for m in (Claim, Citation, Actor, Location, Source, Report)}
    last = Claim.objects.aggregate(last=Max("updated_at"))["last"]
    again = import_acled(str(SAMPLE))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert {m: m.objects.count() for m in counts} == counts
    assert Claim.objects.aggregate(last=Max("updated_at"))["last"] == last


def test_rows_with_unreadable_values_are_reported_and_skipped():
    summary = import_acled(str(FIXTURES / "acled_damaged.csv"))
    assert (summary.rows, summary.skipped) == (3, 2)
    assert {p.line for p in summary.problems} == {2, 3}
    assert any("event_date" in p.reason for p in summary.problems)
    assert any("fatalities “several”" in p.reason for p in summary.problems)
    assert Claim.objects.filter(external_id__startswith="acled:FWX0005:").count() == 2


def test_a_ucdp_file_is_not_an_acled_file():
    from tests.support.interchange import UCDP_SAMPLE

    with pytest.raises(ImportFileError, match="Wrong header for a ACLED file: it lacks event_id_cnty"):
        import_acled(str(UCDP_SAMPLE))
    assert Claim.objects.count() == 0


def test_the_command_reports_and_refuses_a_truncated_file(tmp_path):
    out = io.StringIO()
    call_command("import_acled", str(SAMPLE), stdout=out)
    assert "7 rows read; claims 8 created" in out.getvalue()
    cut = tmp_path / "cut.csv"
    text = SAMPLE.read_text()
    cut.write_text(text[: text.index("FWX0004") + 40])
    with pytest.raises(CommandError, match="truncated"):
        call_command("import_acled", str(cut), stdout=io.StringIO())


def test_text_in_a_file_is_cleaned_like_any_write_and_a_nul_is_a_row_problem_not_a_crash():
    from tests.support.interchange import rows_to_csv

    reader = csv.DictReader(io.StringIO(SAMPLE.read_text(), newline=""))
    rows = list(reader)
    rows[0]["notes"] = "Taliban fighters \x00 entered Banu."
    for row in rows[1:]:
        row["actor1"] = "\u200b" + row["actor1"] + "\ufeff"
    summary = import_acled(rows_to_csv(list(reader.fieldnames or []), rows))
    assert summary.rows == 7
    assert [p.line for p in summary.problems] == [2], summary.problems
    assert "NUL" in summary.problems[0].reason
    assert not Actor.objects.filter(name__contains="\u200b").exists()
    assert not Claim.objects.filter(external_id__startswith=f"acled:{rows[0]['event_id_cnty']}:").exists()
