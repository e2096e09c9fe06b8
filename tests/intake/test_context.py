"""The reader among many conflicts: a name shared by several entities, a common-noun alias ("the army") of
another conflict's body, a surname inside someone else's full name, an agency that reports who holds a
place. No database: the gazetteer is built here."""

from __future__ import annotations

from datetime import date

from intake.reader import Entity, Gazetteer, read

A, L = "actor", "location"
ENDF, ETHIOPIA, SAF, RSF, SALEH, NRF, UN = range(1, 8)
SUDAN, RUFAA, WAD_MADANI, AFGHANISTAN, PANJSHIR = range(101, 106)

GAZETTEER = Gazetteer(
    [
        Entity(A, ETHIOPIA, "ethiopia", "Government of Ethiopia", ("Ethiopian government",), None, "government"),
        Entity(A, ENDF, "endf", "Ethiopian National Defence Force", ("ENDF", "the army"), ETHIOPIA, "armed_group"),
        Entity(A, SAF, "saf", "Sudanese Armed Forces", ("SAF", "Sudanese army", "the army"), None, "armed_group"),
        Entity(A, RSF, "rsf", "Rapid Support Forces", ("RSF",), None, "armed_group"),
        Entity(A, NRF, "nrf", "National Resistance Front", ("NRF",), None, "armed_group"),
        Entity(A, SALEH, "amrullah-saleh", "Amrullah Saleh", ("Saleh",), NRF, "person"),
        Entity(A, UN, "un", "United Nations", ("UN",), None, "organization"),
        Entity(L, SUDAN, "sudan", "Sudan", (), None, "country"),
        Entity(L, RUFAA, "rufaa", "Rufaa", (), SUDAN, "town"),
        Entity(L, WAD_MADANI, "wad-madani", "Wad Madani", (), SUDAN, "town"),
        Entity(L, AFGHANISTAN, "afghanistan", "Afghanistan", (), None, "country"),
        Entity(L, PANJSHIR, "panjshir", "Panjshir", (), AFGHANISTAN, "province"),
    ]
)
DAY = date(2023, 12, 19)


def drafts(text: str):
    return read(text, gazetteer=GAZETTEER, published_at=DAY, language="en").drafts


def test_a_shared_alias_goes_to_the_body_the_article_names():
    found = drafts(
        "The Sudanese army has fought the RSF since April. The army said on Sunday that it had struck RSF "
        "positions near the town of Rufaa, killing at least 40 fighters."
    )
    assert found and {d.claimant for d in found} == {SAF}


def test_a_common_noun_alias_of_another_conflict_is_not_read_as_its_body():
    found = drafts("The army said on Sunday that its fighters had captured the town of Rufaa.")
    assert all(d.claimant != ENDF and d.claimant != SAF for d in found)


def test_a_surname_inside_another_full_name_is_someone_else():
    found = drafts("Ali Abdallah Saleh said his fighters had captured Panjshir.")
    assert all(d.claimant not in (SALEH, NRF) for d in found)


def test_a_surname_after_a_title_is_the_person():
    found = drafts("Vice President Saleh said the resistance had retaken Panjshir.")
    assert [d.claimant for d in found] == [NRF]


def test_an_organisation_reports_who_holds_a_place_and_holds_none():
    found = drafts("The UN said on Monday that Wad Madani had been captured.")
    assert all(d.subject != UN for d in found)


def test_what_a_capture_would_mean_is_no_claim_that_it_happened():
    assert drafts("The United Nations said the fall of Wad Madani would cut one of the last supply routes.") == []
