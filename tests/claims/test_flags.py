"""The flag rules (DESIGN.md rules 1–6, 8, 9) over plain data: no database.

Claim 1 is the claim under test unless a case says otherwise. Blocs: TAL (the Taliban),
RES (the resistance: the NRF and the Republic), WIRE (Reuters, independent of both).
"""

from datetime import date

import pytest

from claims.flags import ClaimFacts, RelationFacts, evaluate

TAL, RES, WIRE = 1, 2, 3
MUJAHID, DASHTI = "Zabihullah Mujahid", "Fahim Dashti"
NAMES = {TAL: "Taliban", RES: "National Resistance Front", WIRE: "Reuters"}


def claim(
    id: int,
    bloc: int,
    day: int = 2,
    *,
    actor: int | None = None,
    verdict: str = "",
    verdict_on: date | None = None,
    spokesperson: str = "",
    name: str | None = None,
) -> ClaimFacts:
    """A claim by an actor of ``bloc`` made on September ``day``, 2021."""
    return ClaimFacts(
        id=id,
        claimant_id=actor if actor is not None else bloc * 10,
        bloc_id=bloc,
        claimed_on=date(2021, 9, day),
        claimant_name=name if name is not None else NAMES[bloc],
        spokesperson_name=spokesperson,
        verdict=verdict,
        verdict_on=verdict_on,
    )


def rel(claim_id: int, target_id: int, stance: str) -> RelationFacts:
    return RelationFacts(claim_id, target_id, stance)


def flags_of(claims, relations=(), *, as_of=None, target=1):
    result = evaluate([target], {c.id: c for c in claims}, list(relations), as_of=as_of)
    return result.get(target)


def codes(result) -> list[str]:
    return [reason.code for reason in result.reasons]


# (id, claims, relations, status, contested, corroborated, unverified, reason codes) for claim 1
CASES = [
    ("alone", [claim(1, TAL)], [], "unverified", False, False, True, ["no_independent_support"]),
    (
        "denied_by_independent",
        [claim(1, TAL), claim(2, RES, 3)],
        [rel(2, 1, "denies")],
        "contested",
        True,
        False,
        True,
        ["denied_by", "no_independent_support"],
    ),
    (
        "contradicted_by_independent",
        [claim(1, TAL), claim(2, RES, 3)],
        [rel(2, 1, "contradicts")],
        "contested",
        True,
        False,
        True,
        ["contradicted_by", "no_independent_support"],
    ),
    (
        "contradicting_an_independent_claim_contests_it_too",
        [claim(1, TAL), claim(2, RES, 1)],
        [rel(1, 2, "contradicts")],
        "contested",
        True,
        False,
        True,
        ["contradicted_by", "no_independent_support"],
    ),
    (
        "supported_by_independent",
        [claim(1, TAL), claim(2, WIRE, 3)],
        [rel(2, 1, "supports")],
        "corroborated",
        False,
        True,
        False,
        ["supported_by"],
    ),
    (
        "contested_beats_corroborated",
        [claim(1, TAL), claim(2, RES, 3), claim(3, WIRE, 3)],
        [rel(2, 1, "denies"), rel(3, 1, "supports")],
        "contested",
        True,
        True,
        False,
        ["denied_by", "supported_by"],
    ),
    (
        "denial_from_same_bloc_is_an_echo",
        [claim(1, RES, actor=21), claim(2, RES, 3, actor=22)],
        [rel(2, 1, "denies")],
        "unverified",
        False,
        False,
        True,
        ["no_independent_support"],
    ),
    (
        "support_from_same_bloc_is_an_echo",
        [claim(1, RES, actor=21), claim(2, RES, 3, actor=22)],
        [rel(2, 1, "supports")],
        "unverified",
        False,
        False,
        True,
        ["no_independent_support"],
    ),
    (
        "contradiction_within_a_bloc_counts_neither_way",
        [claim(1, RES, actor=21), claim(2, RES, 3, actor=22), claim(3, RES, 1, actor=23)],
        [rel(2, 1, "contradicts"), rel(1, 3, "contradicts")],
        "unverified",
        False,
        False,
        True,
        ["no_independent_support"],
    ),
    (
        "retracted_by_own_bloc",
        [claim(1, TAL), claim(2, TAL, 4, actor=11)],
        [rel(2, 1, "retracts")],
        "retracted",
        False,
        False,
        True,
        ["retracted_by", "no_independent_support"],
    ),
    (
        "superseded_by_own_bloc",
        [claim(1, TAL), claim(2, TAL, 4)],
        [rel(2, 1, "supersedes")],
        "superseded",
        False,
        False,
        True,
        ["superseded_by", "no_independent_support"],
    ),
    (
        "retraction_from_another_bloc_counts_for_nothing",
        [claim(1, TAL), claim(2, RES, 4)],
        [rel(2, 1, "retracts"), rel(2, 1, "supersedes")],
        "unverified",
        False,
        False,
        True,
        ["no_independent_support"],
    ),
    (
        "retraction_counts_even_when_the_retracting_claim_is_itself_retracted",
        [claim(1, TAL), claim(2, TAL, 4), claim(3, TAL, 5)],
        [rel(2, 1, "retracts"), rel(3, 2, "retracts")],
        "retracted",
        False,
        False,
        True,
        ["retracted_by", "no_independent_support"],
    ),
    (
        "supersession_counts_even_when_the_superseding_claim_is_judged_false",
        [claim(1, TAL), claim(2, TAL, 4, verdict="false")],
        [rel(2, 1, "supersedes")],
        "superseded",
        False,
        False,
        True,
        ["superseded_by", "no_independent_support"],
    ),
    (
        "retracted_comes_before_superseded",
        [claim(1, TAL), claim(2, TAL, 4), claim(3, TAL, 5)],
        [rel(3, 1, "retracts"), rel(2, 1, "supersedes")],
        "retracted",
        False,
        False,
        True,
        ["retracted_by", "superseded_by", "no_independent_support"],
    ),
    (
        "superseded_comes_before_a_confirmed_verdict",
        [claim(1, TAL, verdict="confirmed"), claim(2, TAL, 4)],
        [rel(2, 1, "supersedes")],
        "superseded",
        False,
        False,
        False,
        ["superseded_by", "verdict"],
    ),
    (
        "verdict_confirmed_clears_unverified_and_beats_contested",
        [claim(1, TAL, verdict="confirmed"), claim(2, RES, 3)],
        [rel(2, 1, "denies")],
        "confirmed",
        True,
        False,
        False,
        ["verdict", "denied_by"],
    ),
    (
        "verdict_false_is_refuted_before_contested",
        [claim(1, TAL, verdict="false"), claim(2, RES, 3)],
        [rel(2, 1, "denies")],
        "refuted",
        True,
        False,
        True,
        ["verdict", "denied_by", "no_independent_support"],
    ),
    (
        "refuted_beats_corroborated",
        [claim(1, TAL, verdict="false"), claim(2, WIRE, 3)],
        [rel(2, 1, "supports")],
        "refuted",
        False,
        True,
        False,
        ["verdict", "supported_by"],
    ),
    *[
        (
            f"verdict_{verdict}_changes_no_flag",
            [claim(1, TAL, verdict=verdict), claim(2, RES, 3)],
            [rel(2, 1, "denies")],
            "contested",
            True,
            False,
            True,
            ["denied_by", "no_independent_support"],
        )
        for verdict in ("likely", "unproven", "unlikely")
    ],
    (
        "denial_by_a_retracted_claim_counts_for_nothing",
        [claim(1, TAL), claim(2, RES, 3, actor=21), claim(3, RES, 4, actor=22)],
        [rel(2, 1, "denies"), rel(3, 2, "retracts")],
        "unverified",
        False,
        False,
        True,
        ["no_independent_support"],
    ),
    (
        "support_by_a_superseded_claim_counts_for_nothing",
        [claim(1, TAL), claim(2, WIRE, 3), claim(3, WIRE, 4)],
        [rel(2, 1, "supports"), rel(3, 2, "supersedes")],
        "unverified",
        False,
        False,
        True,
        ["no_independent_support"],
    ),
    (
        "contradiction_by_a_claim_judged_false_counts_for_nothing",
        [claim(1, TAL), claim(2, RES, 3, verdict="false")],
        [rel(2, 1, "contradicts")],
        "unverified",
        False,
        False,
        True,
        ["no_independent_support"],
    ),
    (
        "contradicting_a_claim_judged_false_counts_for_nothing",
        [claim(1, TAL), claim(2, RES, 1, verdict="false")],
        [rel(1, 2, "contradicts")],
        "unverified",
        False,
        False,
        True,
        ["no_independent_support"],
    ),
    (
        "a_responder_retracted_from_another_bloc_still_counts",
        [claim(1, TAL), claim(2, RES, 3), claim(3, TAL, 4, actor=11)],
        [rel(2, 1, "denies"), rel(3, 2, "retracts")],
        "contested",
        True,
        False,
        True,
        ["denied_by", "no_independent_support"],
    ),
    (
        "a_retracted_claim_is_still_contested_by_independent_denials",
        [claim(1, TAL), claim(2, TAL, 4), claim(3, RES, 3)],
        [rel(2, 1, "retracts"), rel(3, 1, "denies")],
        "retracted",
        True,
        False,
        True,
        ["retracted_by", "denied_by", "no_independent_support"],
    ),
]


@pytest.mark.parametrize(
    "claims,relations,status,contested,corroborated,unverified,reason_codes",
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_flag_rules(claims, relations, status, contested, corroborated, unverified, reason_codes):
    result = flags_of(claims, relations)
    assert (result.status, result.contested, result.corroborated, result.unverified) == (
        status,
        contested,
        corroborated,
        unverified,
    )
    assert codes(result) == reason_codes


def test_retracted_and_superseded_flags_are_set():
    retracted = flags_of([claim(1, TAL), claim(2, TAL, 4)], [rel(2, 1, "retracts")])
    superseded = flags_of([claim(1, TAL), claim(2, TAL, 4)], [rel(2, 1, "supersedes")])
    assert (retracted.retracted, retracted.superseded) == (True, False)
    assert (superseded.retracted, superseded.superseded) == (False, True)


def test_one_contradiction_contests_both_claims():
    claims = {c.id: c for c in (claim(1, TAL), claim(2, RES, 3))}
    result = evaluate([1, 2], claims, [rel(2, 1, "contradicts")])
    assert result[1].contested and result[2].contested
    assert [r.claim for r in result[1].reasons if r.code == "contradicted_by"] == [2]
    assert [r.claim for r in result[2].reasons if r.code == "contradicted_by"] == [1]


def test_contradiction_recorded_both_ways_gives_one_reason():
    result = flags_of([claim(1, TAL), claim(2, RES, 3)], [rel(2, 1, "contradicts"), rel(1, 2, "contradicts")])
    assert codes(result) == ["contradicted_by", "no_independent_support"]


# --- reasons ------------------------------------------------------------------------------------


def test_denial_reason_names_the_claim_the_actor_the_day_and_the_spokesperson():
    result = flags_of(
        [claim(1, TAL, spokesperson=MUJAHID), claim(7, RES, 3, actor=21, spokesperson=DASHTI)],
        [rel(7, 1, "denies")],
    )
    assert result.reasons_as_dicts()[0] == {
        "code": "denied_by",
        "claim": 7,
        "actor": 21,
        "on": "2021-09-03",
        "text": "Denied by National Resistance Front (Fahim Dashti) on 2021-09-03",
    }


def test_reason_text_without_spokesperson_names_the_claimant_only():
    result = flags_of([claim(1, TAL), claim(2, WIRE, 3)], [rel(2, 1, "supports")])
    assert result.reasons_as_dicts() == [
        {
            "code": "supported_by",
            "claim": 2,
            "actor": 30,
            "on": "2021-09-03",
            "text": "Supported by Reuters on 2021-09-03",
        }
    ]


def test_retraction_and_supersession_reasons_read_as_sentences():
    result = flags_of(
        [claim(1, TAL), claim(2, TAL, 4), claim(3, TAL, 5)], [rel(2, 1, "retracts"), rel(3, 1, "supersedes")]
    )
    assert [r.text for r in result.reasons[:2]] == [
        "Retracted by Taliban on 2021-09-04",
        "Superseded by Taliban on 2021-09-05",
    ]


def test_contradiction_reason_names_the_other_claim():
    result = flags_of([claim(1, TAL), claim(2, RES, 3, spokesperson=DASHTI)], [rel(1, 2, "contradicts")])
    assert result.reasons_as_dicts()[0] == {
        "code": "contradicted_by",
        "claim": 2,
        "actor": 20,
        "on": "2021-09-03",
        "text": "Contradicted by National Resistance Front (Fahim Dashti) on 2021-09-03",
    }


def test_verdict_reason_is_given_for_confirmed_and_false_with_its_date():
    confirmed = flags_of([claim(1, TAL, verdict="confirmed", verdict_on=date(2021, 9, 10))])
    false = flags_of([claim(1, TAL, verdict="false")])
    assert confirmed.reasons_as_dicts() == [
        {
            "code": "verdict",
            "claim": None,
            "actor": None,
            "on": "2021-09-10",
            "text": "Editorial verdict on 2021-09-10: judged confirmed",
        }
    ]
    assert false.reasons_as_dicts()[0]["code"] == "verdict"
    assert "judged false" in false.reasons_as_dicts()[0]["text"]
    assert false.reasons_as_dicts()[0]["on"] is None


def test_no_independent_support_reason_names_the_claimant():
    result = flags_of([claim(1, TAL)])
    assert result.reasons_as_dicts() == [
        {
            "code": "no_independent_support",
            "claim": None,
            "actor": 10,
            "on": None,
            "text": "No claim by an actor independent of Taliban supports it",
        }
    ]


def test_reasons_follow_the_code_order_and_within_a_code_the_date():
    claims = [
        claim(1, TAL, verdict="false"),
        claim(2, TAL, 9, actor=11),  # supersedes
        claim(3, TAL, 8, actor=12),  # retracts
        claim(4, RES, 6, actor=21),  # denies, later
        claim(5, WIRE, 4),  # denies, earlier
        claim(6, RES, 5, actor=22),  # contradicts
        claim(7, WIRE, 3, actor=31),  # supports
    ]
    relations = [
        rel(7, 1, "supports"),
        rel(6, 1, "contradicts"),
        rel(4, 1, "denies"),
        rel(5, 1, "denies"),
        rel(2, 1, "supersedes"),
        rel(3, 1, "retracts"),
    ]
    result = flags_of(claims, relations)
    assert [(r.code, r.claim) for r in result.reasons] == [
        ("retracted_by", 3),
        ("superseded_by", 2),
        ("verdict", None),
        ("denied_by", 5),
        ("denied_by", 4),
        ("contradicted_by", 6),
        ("supported_by", 7),
    ]
    assert result.status == "retracted"


def test_echoes_give_no_reason():
    result = flags_of(
        [claim(1, RES, actor=21), claim(2, RES, 3, actor=22), claim(3, RES, 3, actor=23)],
        [rel(2, 1, "supports"), rel(3, 1, "denies")],
    )
    assert codes(result) == ["no_independent_support"]


# --- as of a date (rule 9) ----------------------------------------------------------------------

DENIAL = ([claim(1, TAL, 2), claim(2, RES, 3, spokesperson=DASHTI)], [rel(2, 1, "denies")])


@pytest.mark.parametrize(
    "as_of,contested,status",
    [
        pytest.param(date(2021, 9, 2), False, "unverified", id="the_day_before_the_denial"),
        pytest.param(date(2021, 9, 3), True, "contested", id="the_day_of_the_denial"),
        pytest.param(date(2021, 9, 30), True, "contested", id="after_the_denial"),
        pytest.param(None, True, "contested", id="no_date"),
    ],
)
def test_as_of_counts_only_claims_made_by_then(as_of, contested, status):
    result = flags_of(*DENIAL, as_of=as_of)
    assert (result.contested, result.status) == (contested, status)


def test_as_of_before_the_claim_was_made_leaves_it_out():
    claims = {c.id: c for c in DENIAL[0]}
    assert evaluate([1, 2], claims, DENIAL[1], as_of=date(2021, 9, 2)).keys() == {1}
    assert evaluate([1, 2], claims, DENIAL[1], as_of=date(2021, 9, 1)) == {}


@pytest.mark.parametrize(
    "verdict_on,as_of,status,unverified",
    [
        pytest.param(date(2021, 9, 5), date(2021, 9, 4), "unverified", True, id="verdict_given_after_the_date"),
        pytest.param(date(2021, 9, 5), date(2021, 9, 5), "confirmed", False, id="verdict_given_on_the_date"),
        pytest.param(date(2021, 9, 5), date(2021, 9, 20), "confirmed", False, id="verdict_given_before_the_date"),
        pytest.param(None, date(2021, 9, 20), "unverified", True, id="undated_verdict_not_counted_as_of_a_date"),
        pytest.param(None, None, "confirmed", False, id="undated_verdict_counted_without_a_date"),
    ],
)
def test_as_of_counts_only_verdicts_given_by_then(verdict_on, as_of, status, unverified):
    result = flags_of([claim(1, TAL, verdict="confirmed", verdict_on=verdict_on)], as_of=as_of)
    assert (result.status, result.unverified) == (status, unverified)
    assert ("verdict" in codes(result)) == (status == "confirmed")


def test_as_of_a_responder_judged_false_later_still_counted():
    claims = [claim(1, TAL), claim(2, RES, 3, verdict="false", verdict_on=date(2021, 9, 10))]
    assert flags_of(claims, [rel(2, 1, "denies")], as_of=date(2021, 9, 5)).contested is True
    assert flags_of(claims, [rel(2, 1, "denies")], as_of=date(2021, 9, 10)).contested is False
    assert flags_of(claims, [rel(2, 1, "denies")]).contested is False


def test_as_of_a_denial_retracted_later_still_counted():
    claims = [claim(1, TAL), claim(2, RES, 3, actor=21), claim(3, RES, 6, actor=22)]
    relations = [rel(2, 1, "denies"), rel(3, 2, "retracts")]
    assert flags_of(claims, relations, as_of=date(2021, 9, 5)).contested is True
    assert flags_of(claims, relations, as_of=date(2021, 9, 6)).contested is False


def test_as_of_a_retraction_made_later_is_left_out():
    claims = [claim(1, TAL), claim(2, TAL, 6)]
    assert flags_of(claims, [rel(2, 1, "retracts")], as_of=date(2021, 9, 5)).status == "unverified"
    assert flags_of(claims, [rel(2, 1, "retracts")], as_of=date(2021, 9, 6)).status == "retracted"


def test_as_of_a_support_made_later_is_left_out():
    claims = [claim(1, TAL), claim(2, WIRE, 8)]
    early = flags_of(claims, [rel(2, 1, "supports")], as_of=date(2021, 9, 7))
    assert (early.corroborated, early.unverified, codes(early)) == (False, True, ["no_independent_support"])
