"""The place page's control timeline in real Chromium: moving its window through time."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.factories import ActorFactory, ClaimFactory, LocationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hilltop(transactional_db):
    """Red claims Hilltop in June 2021, Blue in September 2021."""
    town = LocationFactory(name="Hilltop", slug="hilltop", latitude=34.5, longitude=69.2)
    red, blue = ActorFactory(name="Red"), ActorFactory(name="Blue")
    ClaimFactory(
        claimant=red,
        kind="control",
        subject=red,
        location=town,
        summary="Red holds Hilltop in June.",
        event_start=date(2021, 6, 1),
        event_end=date(2021, 6, 30),
    )
    ClaimFactory(
        claimant=blue,
        kind="control",
        subject=blue,
        location=town,
        summary="Blue holds Hilltop in September.",
        event_start=date(2021, 9, 1),
        event_end=date(2021, 9, 30),
    )
    return town


def test_earlier_moves_the_control_timeline_back_in_time(page, hilltop):
    page.goto("/locations/hilltop/?conflict=hills")
    window = page.locator(".window-current")
    control = page.locator("section[aria-labelledby=control-h]")
    expect(window).to_have_text("3 Jul 2021 – 30 Sep 2021 (90 days)")
    expect(page.locator("svg.control-svg g.band")).to_have_count(1)
    expect(page.locator("svg.control-svg g.band")).to_have_attribute("data-bloc", "Blue")
    expect(control.get_by_role("link", name="Blue holds Hilltop in September.")).to_be_visible()

    page.get_by_role("link", name="‹ Earlier").click()
    expect(page).to_have_url(re.compile(r"/locations/hilltop/\?conflict=hills&start=2021-04-04&end=2021-07-02$"))
    expect(window).to_have_text("4 Apr 2021 – 2 Jul 2021 (90 days)")
    expect(page.locator("svg.control-svg g.band")).to_have_attribute("data-bloc", "Red")
    expect(control.get_by_role("link", name="Red holds Hilltop in June.")).to_be_visible()
    expect(control.get_by_role("link", name="Blue holds Hilltop in September.")).to_have_count(0)

    page.get_by_role("link", name="Later ›").click()
    expect(window).to_have_text("3 Jul 2021 – 30 Sep 2021 (90 days)")

    page.get_by_label("From", exact=True).fill("2021-06-20")
    page.get_by_label("to", exact=True).fill("2021-06-10")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("The end (10 Jun 2021) is before the start (20 Jun 2021).")
    expect(page).to_have_url(re.compile(r"conflict=hills"))
