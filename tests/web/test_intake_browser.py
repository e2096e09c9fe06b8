"""The intake page in Chromium: an editor pastes a short Reuters item (the Taliban say Panjshir is
taken; the NRF calls that false) and confirms its claims and the denial in at most 10 clicks; the
claim pages then show the flags the rules give."""

import re

import pytest
from playwright.sync_api import expect

from claims.models import Claim, Relation

pytestmark = pytest.mark.browser

REUTERS_ITEM = (
    "KABUL, Sept 6 (Reuters) - The Taliban said on Monday they had captured Panjshir province, the last "
    'holdout of resistance in Afghanistan. "Panjshir is now under the control of the Islamic Emirate," '
    "Taliban spokesman Zabihullah Mujahid said.\n\n"
    "The National Resistance Front rejected the claim as false and said its fighters still held strategic "
    "positions in the valley, NRF spokesman Fahim Dashti said."
)


class Clicks:
    """Counts the clicks an editor makes."""

    def __init__(self) -> None:
        self.n = 0

    def click(self, locator) -> None:
        self.n += 1
        locator.click()


def test_an_editor_goes_from_pasted_item_to_confirmed_claims_and_denial_in_ten_clicks(page, panjshir, editor):
    clicks = Clicks()
    before = set(Claim.objects.values_list("pk", flat=True))
    page.goto("/admin/login/?next=/intake/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("editor-pass-123")
    page.get_by_role("button", name="Log in").click()  # logging in is not part of the intake's clicks
    expect(page).to_have_url(re.compile(r"/intake/$"))

    clicks.click(page.get_by_label("Text"))
    page.get_by_label("Text").fill(REUTERS_ITEM)  # a paste
    page.get_by_label("Source").select_option(label="Reuters")
    clicks.n += 1  # choosing in a select is one click
    page.get_by_label("Published").fill("2021-09-06")  # typed
    clicks.click(page.get_by_role("button", name="Read the article"))

    expect(page.locator("h2#drafts-h")).to_contain_text("Draft claims")
    cards = page.locator("fieldset.draft-card")
    assert cards.count() >= 2
    expect(page.locator(".article-text mark").first).to_be_visible()
    # The drafts name the Taliban's capture and the NRF's denial of it; the editor checks and confirms.
    expect(page.locator("fieldset.draft-card", has_text="denies draft")).to_have_count(1)
    clicks.click(page.get_by_role("button", name="Confirm the ticked drafts"))

    expect(page.locator(".intake-state")).to_have_text("Confirmed")
    assert clicks.n <= 10, f"{clicks.n} clicks"

    made = Claim.objects.exclude(pk__in=before)
    capture = made.get(kind="control", claimant__slug="taliban")
    denial = made.get(claimant__slug="nrf", relations_made__target=capture)
    assert capture.location.slug == "panjshir" and capture.spokesperson.slug == "zabihullah-mujahid"
    assert Relation.objects.filter(claim=denial, target=capture, stance="denies").exists()

    clicks.click(page.locator(".notice a", has_text=capture.summary))
    expect(page.locator("h1")).to_contain_text(capture.summary)
    expect(page.locator(".status-box .badge")).to_have_text("Contested")
    expect(page.locator("#main")).to_contain_text("Denied by National Resistance Front")
