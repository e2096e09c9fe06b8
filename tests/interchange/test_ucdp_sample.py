"""UCDP GED import of the shared 700-row sample: counts, hand-checked rows, faulty rows, re-import.

The sample is imported once for the module (see ``imported``); the small-file cases are in test_ucdp.py.
"""

from datetime import date

import pytest
from django.db import transaction
from django.db.models import Max

from actors.models import Actor
from claims.models import Citation, Claim
from interchange.importers.ucdp import import_ucdp
from locations.models import Location
from sources.models import Report, Source
from tests.support.interchange import UCDP_SAMPLE, sample_rows

# The sample's rows where low ≤ best ≤ high does not hold: (line, UCDP id, low, best, high).
FAULTY = [
    (201, 381442, 12, 12, 11),
    (205, 192827, 7, 6, 7),
    (609, 162326, 3, 2, 2),
    (678, 299515, 9, 10, 9),
    (721, 193150, 4, 4, 3),
]


# The sample is imported once per test process: under pytest-xdist (--dist loadgroup) the module's tests
# share a worker instead of importing it in each.
pytestmark = pytest.mark.xdist_group("ucdp_sample")


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker):
    """The sample imported once for the module (it takes a while); rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        summary = import_ucdp(str(UCDP_SAMPLE))
        yield summary
        transaction.set_rollback(True)


def expected_claim_count() -> int:
    """Worked out from the CSV independently of the importer: one event claim per row, plus a
    casualties claim per side with deaths (civilian deaths of one-sided violence count once)."""
    _, rows = sample_rows()
    total = 0
    for row in rows:
        total += 1
        total += int(row["deaths_a"]) > 0
        civilians = int(row["deaths_civilians"])
        if row["side_b"] == "Civilians":
            civilians += int(row["deaths_b"])
        else:
            total += int(row["deaths_b"]) > 0
        total += civilians > 0
    return total


def names_up(location: Location) -> list[str]:
    by_id = Location.objects.in_bulk(location.path_ids)
    return [by_id[i].name for i in location.path_ids]


@pytest.mark.django_db
def test_the_sample_imports_every_row_with_the_expected_counts(imported):
    assert imported.rows == 700
    assert imported.created == expected_claim_count() == Claim.objects.filter(external_id__startswith="ucdp:").count()
    assert imported.skipped == 0
    # Every event is there, each claim cited.
    assert Claim.objects.filter(external_id__endswith=":event").count() == 700
    assert not Claim.objects.filter(citations__isnull=True).exists()
    assert Actor.objects.filter(name="Government of Afghanistan", kind="government", is_party=True).exists()
    assert Actor.objects.filter(name="Taleban", kind="armed_group").exists()


@pytest.mark.django_db
def test_a_row_with_an_outlet_and_a_named_original_is_attributed_to_the_original(imported):
    # id 300192: Laghman, "Selab army corps" via Bakhtar News Agency, 6–8 August 2019, 2 Taleban killed.
    event = Claim.objects.get(external_id="ucdp:300192:event")
    assert event.claimant.name == "Selab army corps"
    assert [c.report.source.name for c in event.citations.all()] == ["Bakhtar News Agency"]
    report = event.citations.get().report
    assert report.published_at.date() == date(2019, 8, 8)
    assert report.title.startswith("Taliban Key Commander Killed in Laghman")
    assert names_up(event.location) == ["Afghanistan", "Laghman", "Mihtarlam", "Mihtarlam"]
    assert [loc.kind for loc in Location.objects.filter(pk__in=event.location.path_ids).order_by("path")] == [
        "country",
        "province",
        "district",
        "town",
    ]
    assert (event.location.latitude, event.location.longitude) == (34.663769, 70.20739)
    assert event.location_precision == "ucdp_where_prec:1"
    assert (event.event_start, event.event_end, event.date_precision) == (date(2019, 8, 6), date(2019, 8, 8), "week")
    assert event.claimed_on == date(2019, 8, 8)
    assert (event.count_min, event.count_max) == (2, 2)
    losses = Claim.objects.get(external_id="ucdp:300192:b")
    assert (losses.kind, losses.subject.name, losses.count_min, losses.count_max) == ("casualties", "Taleban", 2, 2)
    assert not Claim.objects.filter(external_id="ucdp:300192:a").exists()


@pytest.mark.django_db
def test_a_panjshir_row_with_two_outlets_cites_both_and_sits_on_the_province(imported):
    # id 447368: UNAMA, via Hasht e Subh Daily and Mohammad Natiq on Twitter; where_prec 4 (province only).
    event = Claim.objects.get(external_id="ucdp:447368:event")
    assert event.claimant.name == "UNAMA"
    assert sorted(c.report.source.name for c in event.citations.all()) == [
        "Hasht e Subh Daily",
        "Mohammad Natiq on Twitter",
    ]
    assert Source.objects.get(name="Mohammad Natiq on Twitter").kind == "social_media"
    assert names_up(event.location) == ["Afghanistan", "Panjsher"]
    assert "Panjsher province" in event.location.aliases
    assert event.location_precision == "ucdp_where_prec:4"
    assert (event.event_start, event.event_end) == (date(2022, 9, 12), date(2022, 9, 14))
    nrf = Claim.objects.get(external_id="ucdp:447368:b")
    assert (nrf.subject.name, nrf.count_min, nrf.count_max) == ("NRF", 10, 10)


@pytest.mark.django_db
def test_several_originals_make_the_first_the_claimant_and_name_the_others(imported):
    _, rows = sample_rows()
    row = next(r for r in rows if r["source_original"] == "SOHR; VDC")
    event = Claim.objects.get(external_id=f"ucdp:{row['id']}:event")
    assert event.claimant.name == "SOHR"
    assert event.summary.endswith("according to SOHR and VDC.")


@pytest.mark.django_db
def test_generic_officials_are_qualified_by_country_and_sit_in_the_government_bloc(imported):
    police = Actor.objects.get(name="Provincial Governor (Afghanistan)")
    assert police.kind == "government"
    assert police.parent.name == "Government of Afghanistan"


@pytest.mark.django_db
def test_one_sided_violence_is_an_attack_by_side_a_with_civilian_casualties(imported):
    _, rows = sample_rows()
    row = next(r for r in rows if r["type_of_violence"] == "3" and int(r["deaths_civilians"]) > 0)
    event = Claim.objects.get(external_id=f"ucdp:{row['id']}:event")
    assert (event.kind, event.subject.name) == ("attack", row["side_a"])
    civilians = Claim.objects.get(external_id=f"ucdp:{row['id']}:civilians")
    assert civilians.subject.name == "Civilians"
    assert civilians.count_min == int(row["deaths_civilians"]) + int(row["deaths_b"])


@pytest.mark.django_db
def test_rows_breaking_low_best_high_are_reported_by_line_and_kept_with_a_consistent_range(imported):
    reported = {(p.line, p.key) for p in imported.problems}
    assert reported == {(line, f"UCDP id {uid}") for line, uid, *_ in FAULTY}
    assert all("low ≤ best ≤ high" in p.reason and p.action.startswith("kept") for p in imported.problems)
    assert imported.kept_with_fixes == 5
    for _, uid, low, best, high in FAULTY:
        event = Claim.objects.get(external_id=f"ucdp:{uid}:event")
        assert (event.count_min, event.count_max) == (min(low, best, high), max(low, best, high))


@pytest.mark.django_db
def test_reimporting_the_sample_changes_nothing(imported):
    counts = {m: m.objects.count() for m in (Claim, Citation, Actor, Location, Source, Report)}
    history = Claim.history.count()
    last_update = Claim.objects.aggregate(last=Max("updated_at"))["last"]
    again = import_ucdp(str(UCDP_SAMPLE))
    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert again.unchanged == imported.created
    assert {m: m.objects.count() for m in counts} == counts
    assert Claim.history.count() == history
    assert Claim.objects.aggregate(last=Max("updated_at"))["last"] == last_update
