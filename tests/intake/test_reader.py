"""The reader on single sentences: claim words by kind, counts, dates, spokespeople, denials, unknown names,
names in other scripts. No database: the gazetteer is built here."""

from __future__ import annotations

from datetime import date

import pytest

from intake.reader import Entity, Gazetteer, find_names, read

A, L = "actor", "location"
TALIBAN, MUJAHID, NRF, DASHTI, MOD, RUSSIA, KONASHENKOV, UAF, UKRAINE, REUTERS, REDA, TPLF = range(1, 13)
AFGHANISTAN, PANJSHIR, SOLEDAR, BAKHMUT, DONETSK, DESSIE, KOMBOLCHA = range(101, 108)

GAZETTEER = Gazetteer(
    [
        Entity(A, TALIBAN, "taliban", "Taliban", ("Taleban", "Талибан", "طالبان"), None, "armed_group"),
        Entity(A, MUJAHID, "zabihullah-mujahid", "Zabihullah Mujahid", ("Mujahid",), TALIBAN, "person"),
        Entity(A, NRF, "nrf", "National Resistance Front", ("NRF",), None, "armed_group"),
        Entity(A, DASHTI, "fahim-dashti", "Fahim Dashti", ("Dashti",), NRF, "person"),
        Entity(
            A,
            MOD,
            "russian-mod",
            "Russian Defence Ministry",
            ("Defence Ministry", "Минобороны России"),
            RUSSIA,
            "government",
        ),
        Entity(A, RUSSIA, "russia", "Russian Federation", ("Russia", "Moscow", "Россия"), None, "government"),
        Entity(A, KONASHENKOV, "igor-konashenkov", "Igor Konashenkov", ("Konashenkov",), MOD, "person"),
        Entity(
            A,
            UAF,
            "ukraine-armed-forces",
            "Armed Forces of Ukraine",
            ("Ukrainian military", "ЗСУ"),
            UKRAINE,
            "armed_group",
        ),
        Entity(A, UKRAINE, "ukraine", "Ukraine", ("Kyiv",), None, "government"),
        Entity(A, REUTERS, "reuters", "Reuters", (), None, "media"),
        Entity(A, REDA, "getachew-reda", "Getachew Reda", ("Reda",), None, "person"),
        Entity(A, TPLF, "tplf", "Tigray People's Liberation Front", ("TPLF",), None, "armed_group"),
        Entity(L, AFGHANISTAN, "afghanistan", "Afghanistan", (), None, "country"),
        Entity(L, PANJSHIR, "panjshir", "Panjshir", ("Panjshir valley", "Панджшер", "پنجشیر"), AFGHANISTAN, "province"),
        Entity(L, SOLEDAR, "soledar", "Soledar", ("Соледар",), DONETSK, "town"),
        Entity(L, BAKHMUT, "bakhmut", "Bakhmut", ("Бахмут", "Artemovsk"), DONETSK, "town"),
        Entity(L, DONETSK, "donetsk-oblast", "Donetsk region", ("Donetsk oblast",), None, "province"),
        Entity(L, DESSIE, "dessie", "Dessie", (), None, "town"),
        Entity(L, KOMBOLCHA, "kombolcha", "Kombolcha", (), None, "town"),
    ]
)
FRIDAY = date(2023, 1, 13)


def drafts(text: str, published: date = FRIDAY):
    return read(text, gazetteer=GAZETTEER, published_at=published, language="en").drafts


def only(text: str, published: date = FRIDAY):
    found = drafts(text, published)
    assert len(found) == 1, [(d.kind, d.summary) for d in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "kind", "claimant", "location"),
    [
        ("The Taliban said on Thursday that its fighters had captured Panjshir.", "control", TALIBAN, PANJSHIR),
        ("The Russian Defence Ministry said its forces had taken control of Soledar.", "control", MOD, SOLEDAR),
        ("The Russian Defence Ministry said Soledar had fallen.", "control", MOD, SOLEDAR),
        ("Russia said its troops had liberated Bakhmut.", "control", RUSSIA, BAKHMUT),
        ("The Ukrainian military said its units had recaptured Soledar.", "control", UAF, SOLEDAR),
        ("Reuters reported that Soledar was under the control of Russian forces.", "control", REUTERS, SOLEDAR),
        ("The NRF claimed it was still in full control of Panjshir.", "control", NRF, PANJSHIR),
        ("The Defence Ministry said 50 Ukrainian soldiers were killed near Soledar.", "casualties", MOD, SOLEDAR),
        ("The Ukrainian military said Russian forces suffered heavy losses in Bakhmut.", "casualties", UAF, BAKHMUT),
        ("The Ukrainian military said Russian forces shelled Bakhmut on Monday.", "attack", UAF, BAKHMUT),
        ("The Defence Ministry said its aircraft struck Ukrainian positions in Soledar.", "attack", MOD, SOLEDAR),
        ("Russia said its artillery destroyed a Ukrainian depot in Bakhmut.", "attack", RUSSIA, BAKHMUT),
        ("The Taliban said its fighters advanced towards Panjshir.", "advance", TALIBAN, PANJSHIR),
        ("The Taliban said its fighters had entered the Panjshir valley.", "advance", TALIBAN, PANJSHIR),
        ("Russia said its troops were pushing towards Bakhmut.", "advance", RUSSIA, BAKHMUT),
        ("The Taliban claimed responsibility for the attack on Panjshir.", "attack", TALIBAN, PANJSHIR),
        ("Russia accused Kyiv of shelling Bakhmut on Monday.", "attack", RUSSIA, BAKHMUT),
        (
            "Troops took control of Soledar, the ministry said. The Defence Ministry gave no figures.",
            "control",
            MOD,
            SOLEDAR,
        ),
    ],
)
def test_claim_words_by_kind(text, kind, claimant, location):
    draft = only(text)
    assert (draft.kind, draft.claimant, draft.location) == (kind, claimant, location)


@pytest.mark.parametrize(
    "text",
    [
        "The Taliban launched an operation to take Panjshir, Reuters reported.",  # wished for, not claimed
        "The Taliban demanded that their flag be raised over Panjshir.",
        "Fighting continued in Soledar on Thursday.",  # nobody claims it
        "The Taliban did not comment on the losses.",
    ],
)
def test_no_claim(text):
    assert drafts(text) == []


@pytest.mark.parametrize(
    ("words", "low", "high"),
    [
        ("eleven", 11, 11),
        ("50", 50, 50),
        ("1,200", 1200, 1200),
        ("twenty-five", 25, 25),
        ("about 700", 700, 700),
        ("at least eight", 8, None),
        ("more than 100", 100, None),
        ("dozens of", 24, None),
        ("thousands of", 1000, None),
        ("up to 200", None, 200),
    ],
)
def test_counts(words, low, high):
    draft = only(f"The Russian Defence Ministry said {words} Ukrainian soldiers were killed in Soledar.")
    assert (draft.kind, draft.count_min, draft.count_max) == ("casualties", low, high)


def test_heavy_losses_have_no_count():
    draft = only("The Russian Defence Ministry said Ukrainian forces suffered heavy losses in Soledar.")
    assert (draft.kind, draft.count_min, draft.count_max) == ("casualties", None, None)


def test_distances_and_years_are_not_counts():
    draft = only("In 2022 the Russian Defence Ministry said its forces had captured Soledar, 20 kilometres away.")
    assert (draft.count_min, draft.count_max) == (None, None)


@pytest.mark.parametrize(
    ("when", "start", "end", "precision"),
    [
        ("on Thursday", date(2023, 1, 12), None, "day"),
        ("on Friday", date(2023, 1, 13), None, "day"),  # the day of publication
        ("on 31 August", date(2022, 8, 31), None, "day"),
        ("on August 31", date(2022, 8, 31), None, "day"),
        ("yesterday", date(2023, 1, 12), None, "day"),
        ("last week", date(2023, 1, 2), date(2023, 1, 8), "week"),
        ("last month", date(2022, 12, 1), date(2022, 12, 31), "month"),
    ],
)
def test_dates_relative_to_publication(when, start, end, precision):
    draft = only(f"The Russian Defence Ministry said its forces had captured Soledar {when}.")
    assert (draft.event_start, draft.event_end, draft.date_precision) == (start, end, precision)


def test_a_window_of_days():
    draft = only(
        "The Russian Defence Ministry said 700 Ukrainian servicemen were killed in Soledar in the last three days."
    )
    assert (draft.event_start, draft.event_end) == (date(2023, 1, 10), date(2023, 1, 12))


@pytest.mark.parametrize(
    ("text", "claimant", "spokesperson"),
    [
        ("Russian Defence Ministry spokesman Igor Konashenkov said the troops had captured Soledar.", MOD, KONASHENKOV),
        ("Getachew Reda, a spokesman for the TPLF, said its fighters had captured Dessie.", TPLF, REDA),
        ("The TPLF met on Sunday. Its spokesman Getachew Reda said its fighters had captured Dessie.", TPLF, REDA),
        ("Its fighters captured Panjshir, according to spokesman Zabihullah Mujahid.", TALIBAN, MUJAHID),
        ("Mujahid said the fighters had captured Panjshir.", TALIBAN, MUJAHID),
        ("Mujahid spoke on Thursday. He said the fighters had captured Panjshir.", TALIBAN, MUJAHID),
    ],
)
def test_spokesperson_speaks_for_a_body(text, claimant, spokesperson):
    draft = only(text)
    assert (draft.claimant, draft.spokesperson) == (claimant, spokesperson)


def test_denial_in_the_same_article():
    found = drafts(
        "The Taliban said its fighters had captured Panjshir. The NRF denied that the Taliban had taken the valley."
    )
    claim, denial = found
    assert (denial.kind, denial.claimant, denial.location) == ("statement", NRF, PANJSHIR)
    assert denial.responds_to == [{"draft": claim.index, "stance": "denies"}]
    assert denial.targets_elsewhere == []


def test_negated_claim_is_a_denial():
    found = drafts('The Taliban said it had entered Panjshir. "They did not advance even a kilometer," Dashti said.')
    assert [d.kind for d in found] == ["advance", "statement"]
    assert found[1].claimant == NRF and found[1].responds_to == [{"draft": 0, "stance": "denies"}]


def test_denial_of_a_claim_not_in_the_article():
    denial = only("The NRF denied that the Taliban had captured Panjshir.")
    assert denial.kind == "statement" and denial.responds_to == []
    assert denial.targets_elsewhere == [
        {"stance": "denies", "claimant": TALIBAN, "kind": "control", "location": PANJSHIR, "subject": TALIBAN}
    ]


def test_rejecting_the_claim_points_back():
    claim, denial = drafts("Russia said its forces had captured Soledar. The Ukrainian military rejected the claim.")
    assert denial.responds_to == [{"draft": claim.index, "stance": "denies"}] and denial.location == SOLEDAR


def test_confirmation_supports():
    claim, support = drafts(
        "The Taliban said its fighters had captured Panjshir. The NRF confirmed that it had withdrawn from Panjshir."
    )
    assert support.responds_to == [{"draft": claim.index, "stance": "supports"}]


def test_counter_claim_of_control_is_its_own_draft():
    found = drafts(
        "The Taliban said it had captured Panjshir. The NRF denied the Taliban made any advances into the valley "
        "and claimed they were still in full control of Panjshir."
    )
    assert [(d.kind, d.claimant) for d in found] == [("control", TALIBAN), ("statement", NRF), ("control", NRF)]


def test_both_sides_claim():
    found = drafts(
        "The Taliban said it had captured Panjshir. The NRF said it still held Panjshir. "
        "Both sides claimed to have inflicted heavy losses on their enemies."
    )
    losses = [d for d in found if d.kind == "casualties"]
    assert {(d.claimant, d.subject) for d in losses} == {(TALIBAN, NRF), (NRF, TALIBAN)}


def test_unknown_names():
    reading = read(
        "Fighting continued near the village of Klishchiivka, the Eastern Group of Forces said. "
        "Ukrainian commander Oleksandr Syrskyi said the town of Soledar was still held.",
        gazetteer=GAZETTEER,
        published_at=FRIDAY,
        language="en",
    )
    found = {(u.text, u.guess) for u in reading.unknown}
    assert {("Klishchiivka", "location"), ("Eastern Group of Forces", "actor"), ("Oleksandr Syrskyi", "actor")} <= found
    assert not {u.text for u in reading.unknown} & {"Soledar", "Fighting", "Ukrainian"}
    for unknown in reading.unknown:
        assert reading_text(unknown) == unknown.text


def reading_text(unknown):
    text = (
        "Fighting continued near the village of Klishchiivka, the Eastern Group of Forces said. "
        "Ukrainian commander Oleksandr Syrskyi said the town of Soledar was still held."
    )
    return text[unknown.start : unknown.end]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Талибан заявил, что его бойцы вошли в Панджшер.", "ru", {TALIBAN, PANJSHIR}),
        ("Минобороны России сообщило о взятии Соледара и боях у Бахмута.", "ru", {MOD, SOLEDAR, BAKHMUT}),
        ("طالبان ادعا کردند که پنجشیر را تصرف کرده اند", "fa", {TALIBAN, PANJSHIR}),
        ("The Taleban said they had entered Artemovsk.", "en", {TALIBAN, BAKHMUT}),
    ],
)
def test_names_in_any_script(text, language, expected):
    assert {e.id for _, _, e in find_names(text, gazetteer=GAZETTEER, language=language)} == expected


def test_language_is_detected():
    reading = read("Талибан заявил, что его бойцы вошли в Панджшер.", gazetteer=GAZETTEER)
    assert reading.language == "ru"


def test_evidence_offsets_are_the_quote():
    text = (
        "The Russian Defence Ministry said on Friday that its forces had completed the capture of Soledar.\n\n"
        "Ministry spokesman Igor Konashenkov said about 700 Ukrainian servicemen had been killed there. "
        "The Ukrainian military rejected the claim."
    )
    found = drafts(text)
    assert len(found) == 3
    for draft in found:
        assert text[draft.evidence[0] : draft.evidence[1]] == draft.quote and draft.quote
        assert draft.summary and 0 < draft.confidence <= 1 and draft.notes


def test_a_language_is_a_lexicon_file():
    """Russian is lexicon/ru.json and nothing else: stems for inflected words, names found through their
    inflections (Бахмута), dates by dateparser in Russian."""
    found = read(
        "Минобороны России заявило в четверг, что российские войска освободили Соледар. "
        "По словам Минобороны России, около 700 военнослужащих ЗСУ были убиты у Бахмута. "
        "ЗСУ опровергли это заявление.",
        gazetteer=GAZETTEER,
        published_at=FRIDAY,
    )
    assert found.language == "ru"
    control, casualties, denial = found.drafts
    assert (control.kind, control.claimant, control.location, control.event_start) == (
        "control",
        MOD,
        SOLEDAR,
        date(2023, 1, 12),
    )
    assert (casualties.kind, casualties.location, casualties.count_min, casualties.count_max) == (
        "casualties",
        BAKHMUT,
        700,
        700,
    )
    assert denial.claimant == UAF and denial.responds_to == [{"draft": casualties.index, "stance": "denies"}]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  \n\n ",
        "Taliban",
        '"',
        "“unclosed quote, said the Taliban",
        "De Al the",
        "said denied confirmed",
        "At least",
    ],
)
def test_odd_texts_read_without_error(text):
    reading = read(text, gazetteer=GAZETTEER, published_at=None, language=None)
    for draft in reading.drafts:
        assert text[draft.evidence[0] : draft.evidence[1]] == draft.quote
