"""The reader says what a count counts (``count_unit``) from the word by the number."""

from __future__ import annotations

import pytest

from intake.reader import read
from intake.reader.units import Units
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


def counted_ru(text: str) -> tuple[int | None, str]:
    (draft,) = read(text, gazetteer=GAZETTEER, language="ru").drafts
    return draft.count_min, draft.count_unit


MOD_RU = "Минобороны России заявило, что"


@pytest.mark.parametrize(
    ("text", "count", "unit"),
    [
        pytest.param(f"{MOD_RU} 12 украинских военнослужащих были убиты в Соледаре.", 12, "killed", id="ubity"),
        pytest.param(f"{MOD_RU} 30 украинских военнослужащих погибли в Соледаре.", 30, "killed", id="pogibli"),
        pytest.param(f"{MOD_RU} в Соледаре ликвидированы 20 боевиков.", 20, "killed", id="likvidirovany"),
        pytest.param(f"{MOD_RU} 40 украинских военнослужащих были ранены в Соледаре.", 40, "wounded", id="raneny"),
        pytest.param(f"{MOD_RU} в Соледаре ранены 11 мирных жителей.", 11, "wounded", id="raneny_before"),
        pytest.param(
            f"{MOD_RU} 30 украинских военнослужащих убиты или ранены в Соледаре.",
            30,
            "killed_or_wounded",
            id="ubity_ili_raneny",
        ),
        pytest.param(
            f"{MOD_RU} 15 украинских военнослужащих погибли и ранены в Соледаре.",
            15,
            "killed_or_wounded",
            id="pogibli_i_raneny",
        ),
        pytest.param(f"{MOD_RU} 15 украинских военнослужащих взяты в плен в Соледаре.", 15, "captured", id="v_plen"),
        pytest.param(f"{MOD_RU} ВСУ потеряли в Соледаре 25 военнослужащих пленными.", 25, "captured", id="plennymi"),
        pytest.param(
            f"{MOD_RU} ВСУ потеряли в Соледаре 7 военнослужащих пропавшими без вести.", 7, "missing", id="bez_vesti"
        ),
        pytest.param(f"{MOD_RU} ВСУ потеряли в Соледаре 5 танков.", 5, "vehicles", id="tankov"),
        pytest.param(f"{MOD_RU} ВСУ потеряли в Соледаре 8 единиц техники.", 8, "vehicles", id="tekhniki"),
        pytest.param(f"{MOD_RU} ВСУ потеряли в Соледаре 3 позиции.", 3, "positions", id="pozicii"),
        pytest.param(f"{MOD_RU} ВСУ потеряли в Соледаре 40 человек.", 40, "", id="no_unit_word"),
    ],
)
def test_russian_words_by_the_number_give_the_unit(text, count, unit):
    assert counted_ru(text) == (count, unit)


@pytest.mark.parametrize(
    ("word", "unit"),
    [
        pytest.param("убитыми", "killed", id="stem_inflection"),
        pytest.param("Убиты", "killed", id="case_folded"),
        pytest.param("танкистов", "personnel", id="longer_stem_first"),
        pytest.param("танков", "vehicles", id="shorter_stem"),
        pytest.param("сёла", "villages", id="yo_reads_as_ye_exact"),
        pytest.param("погибшие", "killed", id="stem_participle"),
        pytest.param("tanks", "vehicles", id="exact_word"),
        pytest.param("ранее", "", id="not_a_prefix_of_the_stem"),
    ],
)
def test_a_unit_table_matches_exact_words_and_stems(word, unit):
    words = Units(
        {
            "tanks": "vehicles",
            "танк~": "vehicles",
            "танкист~": "personnel",
            "убит~": "killed",
            "погиб~": "killed",
            "ранен~": "wounded",
            "села": "villages",
        }
    )
    assert words.unit(word) == unit
