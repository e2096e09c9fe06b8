"""The Admiralty grade as a pure function (claims.flags): every (reliability, state) pair, no database."""

from datetime import date

import pytest

from claims import flags

# (status, counting verdict) -> the credibility digit, the first rule that applies.
STATES = [
    ("retracted", "", 6),
    ("retracted", "confirmed", 6),
    ("superseded", "", 6),
    ("superseded", "false", 6),
    ("confirmed", "confirmed", 1),
    ("refuted", "false", 5),
    ("contested", "unlikely", 5),
    ("corroborated", "unlikely", 5),
    ("unverified", "unlikely", 5),
    ("contested", "", 4),
    ("contested", "likely", 4),
    ("contested", "unproven", 4),
    ("corroborated", "", 2),
    ("corroborated", "likely", 2),
    ("unverified", "", 3),
    ("unverified", "unproven", 3),
]
# The source grade as given -> the letter the claim gets: anything off the scale is F.
RELIABILITIES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E"), ("F", "F"), (None, "F"), ("", "F")]


@pytest.mark.parametrize(("reliability", "letter"), RELIABILITIES, ids=[f"rel-{r!s}" for r, _ in RELIABILITIES])
@pytest.mark.parametrize(("status", "verdict", "digit"), STATES, ids=[f"{s}-{v or 'none'}" for s, v, _ in STATES])
def test_grade_of_every_reliability_and_state(reliability, letter, status, verdict, digit):
    assert flags.grade(reliability, status, verdict) == f"{letter}{digit}"


def test_the_best_source_gives_the_letter_and_f_never_better():
    assert flags.best_reliability(["C", "A", "F"]) == "A"
    assert flags.best_reliability(["F", "E"]) == "E"
    assert flags.best_reliability(["F", "F"]) == "F"
    assert flags.best_reliability([]) == "F"
    assert flags.best_reliability([None]) == "F"


def _facts(pk, claimant, reliability="F", **more):
    return flags.ClaimFacts(
        id=pk, claimant_id=claimant, bloc_id=claimant, claimed_on=date(2021, 9, pk), reliability=reliability, **more
    )


def test_evaluate_grades_each_claim_by_its_state_on_the_date():
    claims = {
        1: _facts(1, 10, "B"),
        2: _facts(2, 20, "A"),  # denies 1 on 2 September
        3: _facts(3, 10, "C", verdict="unlikely", verdict_on=date(2021, 9, 5)),
    }
    relations = [flags.RelationFacts(2, 1, "denies")]

    now = flags.evaluate([1, 2, 3], claims, relations)
    assert {pk: f.grade for pk, f in now.items()} == {1: "B4", 2: "A3", 3: "C5"}

    then = flags.evaluate([1, 2, 3], claims, relations, as_of=date(2021, 9, 1))
    assert {pk: f.grade for pk, f in then.items()} == {1: "B3"}  # not yet denied; 2 and 3 not yet made
    before_verdict = flags.evaluate([3], claims, relations, as_of=date(2021, 9, 4))
    assert before_verdict[3].grade == "C3"


def test_grades_matching_combines_the_list_and_the_maximum():
    assert flags.grades_matching(None, None) is None
    assert flags.grades_matching(["A1", "B4"], 2) == {"A1"}
    assert flags.grades_matching(None, "1") == {f"{letter}1" for letter in "ABCDEF"}


def test_grade_explanation_names_the_best_source_and_the_cause():
    reasons = [{"code": "denied_by", "text": "Denied by National Resistance Front on 2021-09-03"}]
    letter, digit = flags.grade_explanation("B4", "Reuters", reasons)
    assert letter == "B: best source Reuters, usually reliable"
    assert digit == "4: doubtful (Denied by National Resistance Front on 2021-09-03)"
    assert flags.grade_explanation("F3", "", [])[0] == "F: reliability cannot be judged (no source citing it is graded)"
