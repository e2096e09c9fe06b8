"""A quote in its language beside its translation, in real Chromium: a right-to-left original (Pashto,
Dari) runs right to left, its English translation left to right; the Panjshir example's Shattal claim
shows the Taliban's words as RT reported them, with the example editor's Dari translation."""

import io

from django.core.management import call_command
from playwright.sync_api import expect

from claims.models import Claim
from devdata.articles import PANJSHIR_2021
from devdata.examples import SHATTAL_QUOTE
from tests.factories import ActorFactory, ClaimFactory, ReportFactory

PASHTO = "موږ د پنجشیر دروازه ونیوله"  # "We took the gate of Panjshir", as an editor wrote it for this test
ENGLISH = "We took the gate of Panjshir"


def direction(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).direction")


def test_a_pashto_quote_runs_right_to_left_beside_its_english_translation(page):
    report = ReportFactory(title="The gate of Panjshir")
    claim = ClaimFactory(
        claimant=ActorFactory(name="Taliban"),
        summary="The Taliban say they took the gate of Panjshir.",
        quote=PASHTO,
        language="ps",
        translation=ENGLISH,
        translated_by="machine:example-engine",
        citations=[{"report": report, "quote": PASHTO, "language": "ps"}],
    )
    page.goto(f"/claims/{claim.pk}/")
    facts = page.locator("section[aria-labelledby=facts-h]")
    original = facts.locator(".quote-original blockquote")
    translation = facts.locator(".quote-translation blockquote")
    expect(original).to_have_text(PASHTO)
    expect(translation).to_have_text(ENGLISH)
    assert (original.get_attribute("lang"), original.get_attribute("dir")) == ("ps", "rtl")
    assert (translation.get_attribute("lang"), translation.get_attribute("dir")) == ("en", "ltr")
    assert direction(original) == "rtl" and direction(translation) == "ltr"
    # Beside each other: the same row, the original first.
    left, right = original.bounding_box(), translation.bounding_box()
    assert abs(left["y"] - right["y"]) < 30 and left["x"] < right["x"]
    expect(facts.locator(".quote-translation figcaption")).to_contain_text("machine translation (example-engine)")
    # The citation's quote (no translation) runs right to left too, on the claim page and the report page.
    cited = page.locator(".chain .citation blockquote")
    expect(cited).to_have_text(PASHTO)
    assert direction(cited) == "rtl"
    page.goto(f"/reports/{report.pk}/")
    quoted = page.locator(".cited blockquote")
    expect(quoted).to_have_text(PASHTO)
    assert direction(quoted) == "rtl"


def test_the_example_shattal_claim_shows_the_taliban_words_and_a_dari_translation(page):
    call_command("load_example", "panjshir-2021", stdout=io.StringIO())
    shattal = Claim.objects.get(summary__startswith="The Taliban took the town of Shattal")
    page.goto(f"/claims/{shattal.pk}/")
    for scope in ("section[aria-labelledby=facts-h]", ".chain .citation"):
        block = page.locator(scope)
        original = block.locator(".quote-original blockquote")
        dari = block.locator(".quote-translation blockquote")
        expect(original).to_have_text(SHATTAL_QUOTE["quote"])
        expect(dari).to_have_text(SHATTAL_QUOTE["translation"])
        assert (original.get_attribute("lang"), original.get_attribute("dir"), direction(original)) == (
            "en",
            "ltr",
            "ltr",
        )
        assert (dari.get_attribute("lang"), dari.get_attribute("dir"), direction(dari)) == ("prs", "rtl", "rtl")
        expect(block.locator(".quote-translation figcaption")).to_contain_text("(prs) by Fogwatch example editor")
    # The quote is the article's own words, not invented ones.
    assert SHATTAL_QUOTE["quote"] in PANJSHIR_2021["text"]
