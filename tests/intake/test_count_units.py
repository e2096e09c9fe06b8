"""The reader says what a count counts (``count_unit``) from the word by the number."""

from __future__ import annotations

import pytest

from intake.reader import read
from tests.intake.test_reader import GAZETTEER


def counted(text: str) -> tuple[int | None, str]:
    (draft,) = read(text, gazetteer=GAZETTEER, language="en").drafts
    return draft.count_min, draft.count_unit


@pytest.mark.parametrize(
    ("text", "count", "unit"),
    [
        ("The Russian Defence Ministry said 12 Ukrainian soldiers were killed in Soledar.", 12, "killed"),
        ("The Russian Defence Ministry said 40 Ukrainian soldiers were wounded in Soledar.", 40, "wounded"),
        (
            "The Russian Defence Ministry said 30 Ukrainian soldiers were killed or wounded in Soledar.",
            30,
            "killed_or_wounded",
        ),
        ("The Taliban said they had captured 11 positions in Panjshir.", 11, "positions"),
        ("The Taliban said they had captured 3 villages in Panjshir.", 3, "villages"),
    ],
)
def test_the_word_by_the_number_is_the_unit(text, count, unit):
    assert counted(text) == (count, unit)


def test_the_outcome_before_the_number_counts_too():
    text = "The Russian Defence Ministry said a strike on Soledar killed 12 Ukrainian soldiers."
    assert counted(text) == (12, "killed")


def test_the_first_of_two_counts_keeps_its_own_unit():
    text = "The Russian Defence Ministry said 12 Ukrainian soldiers were killed and 30 wounded in Soledar."
    assert counted(text) == (12, "killed")


def test_a_count_without_a_unit_word_has_none():
    assert counted("The Russian Defence Ministry said its forces attacked Soledar with 30 drones.") == (30, "")
