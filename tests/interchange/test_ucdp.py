"""UCDP GED import of small files cut from the sample: strict mode, bad values, updates, broken files."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from actors.models import Actor
from claims.models import Claim, Conflict
from interchange.importers.base import ImportFileError
from interchange.importers.ucdp import import_ucdp, split_originals
from locations.models import Location
from tests.factories import ConflictFactory
from tests.support.interchange import rows_to_csv, sample_rows, sample_text

# ---------------------------------------------------------------------------------------------
# Small files cut from the sample
# ---------------------------------------------------------------------------------------------


def small_file(*ids: str, edit=None) -> bytes:
    header, rows = sample_rows()
    chosen = [dict(r) for r in rows if r["id"] in ids]
    if edit:
        edit(chosen)
    return rows_to_csv(header, chosen)


@pytest.mark.django_db
def test_strict_skips_a_row_breaking_the_range_and_reports_its_line():
    data = small_file("300192", "381442", "447368")
    summary = import_ucdp(data, strict=True)
    assert summary.rows == 3
    assert summary.skipped == 1
    (problem,) = summary.problems
    line = next(n for n, text in enumerate(data.decode().splitlines(), start=1) if text.startswith("381442,"))
    assert (problem.line, problem.key, problem.action) == (line, "UCDP id 381442", "skipped")
    assert "low 12, best 12, high 11" in problem.reason
    assert not Claim.objects.filter(external_id__startswith="ucdp:381442:").exists()
    assert Claim.objects.filter(external_id__startswith="ucdp:300192:").count() == 2


@pytest.mark.django_db
def test_a_row_with_unreadable_values_is_skipped_and_reported_without_stopping_the_run():
    def damage(rows):
        rows[0]["best"] = "many"
        rows[1]["date_end"] = "2019-02-30"
        rows[2]["latitude"] = "123.4"

    summary = import_ucdp(small_file("300192", "381442", "447368", "281121", edit=damage))
    assert summary.rows == 4
    assert summary.skipped == 3
    reasons = sorted(p.reason for p in summary.problems)
    assert any("best “many” is not a whole number" in r for r in reasons)
    assert any("date_end" in r for r in reasons)
    assert any("out of range" in r for r in reasons)
    assert Claim.objects.filter(external_id__startswith="ucdp:").count() == summary.created > 0


@pytest.mark.django_db
def test_a_changed_row_updates_its_claims_and_drops_a_part_no_longer_there():
    import_ucdp(small_file("300192"))
    before = Claim.objects.get(external_id="ucdp:300192:event")

    def change(rows):
        rows[0].update(deaths_b="0", deaths_a="2")

    summary = import_ucdp(small_file("300192", edit=change))
    assert (summary.created, summary.updated, summary.removed) == (1, 0, 1)
    assert summary.unchanged == 1
    assert Claim.objects.get(external_id="ucdp:300192:event").updated_at == before.updated_at
    assert Claim.objects.get(external_id="ucdp:300192:a").subject.name == "Government of Afghanistan"
    assert not Claim.objects.filter(external_id="ucdp:300192:b").exists()


@pytest.mark.django_db
def test_a_truncated_file_is_refused_and_nothing_is_written():
    text = sample_text()
    cut = text[: len(text) // 2]
    cut = cut[: cut.rfind(",") + 1]  # stop in the middle of a row
    with pytest.raises(ImportFileError, match="truncated"):
        import_ucdp(cut.encode())
    assert Claim.objects.count() == Actor.objects.count() == Location.objects.count() == 0


@pytest.mark.django_db
def test_a_file_cut_inside_a_quoted_field_is_refused():
    text = sample_text()
    cut = text[: text.index('"""SOHR,2014-08-29') + 10]
    with pytest.raises(ImportFileError, match="truncated or damaged"):
        import_ucdp(cut.encode())
    assert Claim.objects.count() == 0


@pytest.mark.django_db
def test_a_wrong_header_gives_a_clear_error_from_the_command(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text(sample_text().replace("side_a,", "actor_a,", 1), encoding="utf-8")
    with pytest.raises(CommandError, match="Wrong header for a UCDP GED file: it lacks side_a"):
        call_command("import_ucdp", str(path), stdout=io.StringIO())
    assert Claim.objects.count() == Actor.objects.count() == 0


@pytest.mark.django_db
def test_the_command_prints_a_summary_and_a_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "few.csv"
    path.write_bytes(small_file("300192", "381442"))
    out = io.StringIO()
    call_command("import_ucdp", str(path), "--dry-run", stdout=out)
    assert "2 rows read; claims 4 created" in out.getvalue()
    assert "dry run" in out.getvalue()
    assert "(UCDP id 381442): low ≤ best ≤ high does not hold" in out.getvalue()
    assert Claim.objects.count() == Actor.objects.count() == 0
    out = io.StringIO()
    call_command("import_ucdp", str(path), stdout=out)
    assert "rows [##############################] 2/2" in out.getvalue()
    assert Claim.objects.count() == 4


def test_originals_split_on_semicolons_and_short_comma_lists_only():
    assert split_originals("SOHR; VDC") == ["SOHR", "VDC"]
    assert split_originals("SOHR, VDC") == ["SOHR", "VDC"]
    assert split_originals("Fawad Aman, Deputy Spokesman of National Defense Ministry") == [
        "Fawad Aman, Deputy Spokesman of National Defense Ministry"
    ]
    assert split_originals("") == []


@pytest.mark.django_db
def test_ucdp_rows_map_onto_the_panjshir_example_actors_and_places(panjshir):
    from actors.models import Actor as ActorModel

    taliban = ActorModel.objects.get(slug="taliban")
    nrf = ActorModel.objects.get(slug="nrf")
    panjshir_place = Location.objects.get(slug="panjshir")
    import_ucdp(small_file("447368", "300192"))
    losses = Claim.objects.get(external_id="ucdp:447368:b")
    assert losses.subject == nrf  # UCDP "NRF" is the example's National Resistance Front (alias)
    assert losses.location == panjshir_place  # "Panjsher province" is the example's Panjshir (alias)
    assert Claim.objects.get(external_id="ucdp:300192:b").subject == taliban  # UCDP spells it "Taleban"


@pytest.mark.django_db
def test_an_imported_claim_in_a_conflicts_place_shows_under_the_conflict(api):
    import_ucdp(small_file("300192"))
    claims = Claim.objects.filter(external_id__startswith="ucdp:300192:").select_related("location")
    first = min(c.event_start or c.claimed_on for c in claims)
    country = Location.objects.get(pk=claims[0].location.path_ids[0])
    conflict = ConflictFactory(name="Imported", start=first, places=[country])
    later = ConflictFactory(name="Later", start=date(2099, 1, 1), places=[country])
    listed = {row["id"] for row in api.get("/api/v1/claims/", {"conflict": conflict.slug}).json()["results"]}
    assert listed == {c.pk for c in claims}
    assert api.get("/api/v1/claims/", {"conflict": later.slug}).json()["count"] == 0
    assert Conflict.objects.count() == 2  # the import wrote nothing to the conflicts: membership is computed
