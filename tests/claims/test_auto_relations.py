"""Automatic relations (DESIGN.md rule 7) over plain data: no database.

Blocs: TAL (1), RES (2), WIRE (3). Actors: the Taliban 10, the NRF 20, the Republic 21 (same
bloc as the NRF), Reuters 30. Places: Shattal 100, Panjshir 200.
"""

from datetime import date

import pytest

from claims.auto_relations import PropositionFacts, compute

TAL, RES, WIRE = 1, 2, 3
TALIBAN, NRF, REPUBLIC, REUTERS = 10, 20, 21, 30
BLOC_OF = {TALIBAN: TAL, NRF: RES, REPUBLIC: RES, REUTERS: WIRE}
SHATTAL, PANJSHIR = 100, 200


def d(day: int, month: int = 9) -> date:
    return date(2021, month, day)


SEP1, SEP2, SEP3 = d(1), d(2), d(3)


def control(id, claimant_bloc, subject, *, start=SEP2, end=None, place=SHATTAL, claimed=SEP3):
    return PropositionFacts(
        id=id,
        kind="control",
        claimed_on=claimed,
        claimant_bloc_id=claimant_bloc,
        subject_id=subject,
        subject_bloc_id=BLOC_OF[subject] if subject else None,
        location_id=place,
        event_start=start,
        event_end=end,
    )


def casualties(id, claimant_bloc, subject, low, high, *, start=SEP1, end=SEP3, place=PANJSHIR, claimed=SEP3, unit=""):
    return PropositionFacts(
        id=id,
        kind="casualties",
        claimed_on=claimed,
        claimant_bloc_id=claimant_bloc,
        subject_id=subject,
        subject_bloc_id=BLOC_OF[subject] if subject else None,
        location_id=place,
        event_start=start,
        event_end=end,
        count_min=low,
        count_max=high,
        count_unit=unit,
    )


# --- control --------------------------------------------------------------------------------------


def test_control_claims_with_subjects_in_different_blocs_contradict_later_to_earlier():
    taliban_hold = control(1, TAL, TALIBAN, claimed=d(2))
    nrf_hold = control(2, RES, NRF, claimed=d(3))
    assert compute([taliban_hold, nrf_hold]) == {(2, 1, "contradicts")}


def test_later_claim_is_the_responder_whatever_the_ids():
    later = control(1, TAL, TALIBAN, claimed=d(5))
    earlier = control(2, RES, NRF, claimed=d(3))
    assert compute([later, earlier]) == {(1, 2, "contradicts")}


def test_claims_made_the_same_day_break_the_tie_by_id():
    assert compute([control(5, TAL, TALIBAN), control(9, RES, NRF)]) == {(9, 5, "contradicts")}


def test_control_claims_with_subjects_in_one_bloc_support_each_other_both_ways():
    nrf_says_republic_holds = control(1, RES, REPUBLIC)
    reuters_says_nrf_holds = control(2, WIRE, NRF)
    assert compute([nrf_says_republic_holds, reuters_says_nrf_holds]) == {(1, 2, "supports"), (2, 1, "supports")}


@pytest.mark.parametrize(
    "a,b",
    [
        pytest.param(control(1, RES, NRF), control(2, RES, TALIBAN), id="contradicting_subjects"),
        pytest.param(control(1, RES, NRF), control(2, RES, REPUBLIC), id="agreeing_subjects"),
    ],
)
def test_claimants_of_one_bloc_relate_to_nothing(a, b):
    assert compute([a, b]) == set()


@pytest.mark.parametrize(
    "a,b,related",
    [
        pytest.param(dict(start=d(1), end=d(2)), dict(start=d(2), end=d(5)), True, id="windows_touch_on_a_day"),
        pytest.param(dict(start=d(1), end=d(2)), dict(start=d(3), end=d(5)), False, id="windows_miss_by_a_day"),
        pytest.param(dict(start=d(1), end=d(30)), dict(start=d(10)), True, id="one_window_inside_the_other"),
        pytest.param(dict(start=d(2)), dict(start=d(1), end=d(2)), True, id="no_end_is_the_start_day_touching"),
        pytest.param(dict(start=d(1)), dict(start=d(2), end=d(5)), False, id="no_end_is_the_start_day_not_later"),
        pytest.param(dict(start=d(2)), dict(start=d(2)), True, id="same_single_day"),
        pytest.param(dict(start=None), dict(start=d(2)), False, id="no_event_start_gets_nothing"),
        pytest.param(dict(start=None), dict(start=None), False, id="neither_has_an_event_start"),
    ],
)
def test_control_windows_are_inclusive(a, b, related):
    result = compute([control(1, TAL, TALIBAN, **a), control(2, RES, NRF, **b)])
    assert result == ({(2, 1, "contradicts")} if related else set())


def test_control_claims_about_different_places_relate_to_nothing():
    assert compute([control(1, TAL, TALIBAN, place=SHATTAL), control(2, RES, NRF, place=PANJSHIR)]) == set()


def test_control_claim_without_a_subject_relates_to_nothing():
    assert compute([control(1, TAL, None), control(2, RES, NRF)]) == set()


def test_a_long_window_still_meets_a_claim_after_shorter_ones_ended():
    long = control(1, TAL, TALIBAN, start=d(1), end=d(30))
    short = control(2, WIRE, TALIBAN, start=d(2))
    late = control(3, RES, NRF, start=d(20))
    assert compute([long, short, late]) == {(1, 2, "supports"), (2, 1, "supports"), (3, 1, "contradicts")}


def test_control_and_casualties_claims_never_relate():
    assert compute([control(1, TAL, TALIBAN, place=PANJSHIR), casualties(2, RES, TALIBAN, 5, 5)]) == set()


# --- casualties -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a,b,contradict",
    [
        pytest.param((10, 20), (30, 40), True, id="disjoint_ranges"),
        pytest.param((30, 40), (10, 20), True, id="disjoint_ranges_other_order"),
        pytest.param((10, 20), (20, 30), False, id="ranges_touching_overlap"),
        pytest.param((10, 20), (15, 15), False, id="exact_figure_inside_range"),
        pytest.param((8, None), (100, 200), False, id="open_ended_at_least_overlaps_any_higher_range"),
        pytest.param((8, None), (2, 5), True, id="open_ended_at_least_above_a_lower_range"),
        pytest.param((None, 5), (8, None), True, id="at_most_five_against_at_least_eight"),
        pytest.param((None, 5), (0, 1), False, id="empty_min_counts_as_zero"),
        pytest.param((None, None), (1000, 1000), False, id="no_figures_overlap_everything"),
    ],
)
def test_casualties_contradict_when_count_ranges_do_not_overlap(a, b, contradict):
    result = compute([casualties(1, TAL, NRF, *a, claimed=d(2)), casualties(2, WIRE, NRF, *b, claimed=d(3))])
    assert result == ({(2, 1, "contradicts")} if contradict else set())


@pytest.mark.parametrize(
    "unit_a,unit_b,contradict",
    [
        pytest.param("killed", "killed", True, id="same_unit"),
        pytest.param("killed", "wounded", False, id="killed_vs_wounded"),
        pytest.param("wounded", "killed", False, id="wounded_vs_killed"),
        pytest.param("captured", "missing", False, id="captured_vs_missing"),
        pytest.param("killed", "killed_or_wounded", False, id="killed_vs_killed_or_wounded"),
        pytest.param("killed_or_wounded", "wounded", False, id="killed_or_wounded_vs_wounded"),
        pytest.param("killed_or_wounded", "killed_or_wounded", False, id="killed_or_wounded_twice"),
        pytest.param("other", "other", False, id="other_twice"),
        pytest.param("", "wounded", True, id="empty_vs_wounded"),
        pytest.param("killed", "", True, id="killed_vs_empty"),
        pytest.param("", "killed_or_wounded", True, id="empty_vs_killed_or_wounded"),
        pytest.param("", "other", True, id="empty_vs_other"),
        pytest.param("", "", True, id="both_empty"),
        pytest.param("vehicles", "vehicles", True, id="vehicles_twice"),
    ],
)
def test_disjoint_casualty_counts_contradict_only_when_they_count_the_same_thing(unit_a, unit_b, contradict):
    """12 killed against 40 wounded is no contradiction; 12 killed against 40 killed is."""
    result = compute(
        [
            casualties(1, TAL, NRF, 12, 12, claimed=d(2), unit=unit_a),
            casualties(2, WIRE, NRF, 40, 40, claimed=d(3), unit=unit_b),
        ]
    )
    assert result == ({(2, 1, "contradicts")} if contradict else set())


def test_casualties_about_different_subjects_relate_to_nothing():
    assert compute([casualties(1, TAL, NRF, 10, 20), casualties(2, WIRE, REPUBLIC, 50, 60)]) == set()


def test_casualties_about_different_places_relate_to_nothing():
    a = casualties(1, TAL, NRF, 10, 20, place=PANJSHIR)
    b = casualties(2, WIRE, NRF, 50, 60, place=SHATTAL)
    assert compute([a, b]) == set()


def test_casualties_without_a_place_relate_to_nothing():
    assert compute([casualties(1, TAL, NRF, 10, 20, place=None), casualties(2, WIRE, NRF, 50, 60, place=None)]) == set()


def test_casualties_from_one_bloc_relate_to_nothing():
    assert compute([casualties(1, RES, TALIBAN, 10, 20), casualties(2, RES, TALIBAN, 50, 60)]) == set()


@pytest.mark.parametrize(
    "a,b,contradict",
    [
        pytest.param(dict(start=d(1), end=d(3)), dict(start=d(3), end=d(4)), True, id="windows_touch"),
        pytest.param(dict(start=d(1), end=d(3)), dict(start=d(4), end=d(6)), False, id="windows_miss_by_a_day"),
        pytest.param(dict(start=d(3), end=None), dict(start=d(4), end=None), False, id="single_days_apart"),
        pytest.param(dict(start=None, end=None), dict(start=d(1)), False, id="no_event_start"),
    ],
)
def test_casualties_windows_are_inclusive(a, b, contradict):
    result = compute([casualties(1, TAL, NRF, 10, 20, **a), casualties(2, WIRE, NRF, 50, 60, **b)])
    assert result == ({(2, 1, "contradicts")} if contradict else set())


# --- focus ----------------------------------------------------------------------------------------


def test_focus_limits_the_result_to_pairs_touching_the_focused_claims():
    claims = [control(1, TAL, TALIBAN, claimed=d(2)), control(2, RES, NRF, claimed=d(3)), control(3, WIRE, NRF)]
    everything = compute(claims)
    assert everything == {
        (2, 1, "contradicts"),
        (3, 1, "contradicts"),
        (2, 3, "supports"),
        (3, 2, "supports"),
    }
    assert compute(claims, focus=[1]) == {(2, 1, "contradicts"), (3, 1, "contradicts")}
    assert compute(claims, focus={3}) == {(3, 1, "contradicts"), (2, 3, "supports"), (3, 2, "supports")}
    assert compute(claims, focus=[]) == set()
