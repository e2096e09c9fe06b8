"""The README's screenshots, taken by the browser so they show the pages as they are now.

Each test loads the Panjshir example, checks on a page what a reader of the README would look
for, then saves a full-page PNG (at most ``MAX_HEIGHT`` px tall) to ``docs/screenshots/``,
overwriting the one before. Every request not to the live server is aborted; the maps use no tile
server (FOGWATCH_TILE_URL empty, the default) and draw the offline basemap, which Fogwatch serves.
"""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from claims.models import Claim, FlagChangeRecord

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTH, HEIGHT = 1280, 900
PHONE_WIDTH, PHONE_HEIGHT = 390, 844
MAX_HEIGHT = 2000
PHONE_MAX_HEIGHT = 1500

# Sequences reset: the claim numbers in the pictures stay the same from run to run.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, reset_sequences=True)]


@pytest.fixture
def desktop(page, settings):
    """The browser page (tests/support/browser.py: offline) at a fixed desktop size, maps on the
    offline basemap."""
    settings.FOGWATCH_TILE_URL = ""
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    return page


@pytest.fixture
def phone(page):
    """The same browser page at a phone's size."""
    page.set_viewport_size({"width": PHONE_WIDTH, "height": PHONE_HEIGHT})
    return page


def save(page: Page, name: str, max_height: int = MAX_HEIGHT) -> Path:
    """A full-page PNG at the page's width, clipped to ``max_height`` px, in docs/screenshots/ (made if missing)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    height = page.evaluate("document.documentElement.scrollHeight")
    clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": min(height, max_height)}
    page.screenshot(path=str(path), full_page=True, clip=clip, animations="disabled", caret="hide")
    return path


def test_overview_screenshot_shows_status_counts_and_recent_claims(desktop, panjshir):
    desktop.goto("/")
    expect(desktop.locator("h1")).to_have_text("Overview")
    counts = desktop.locator(".status-counts")
    for status, label in Claim.Status.choices:
        n = Claim.objects.filter(status=status).count()
        name = f"{n} {label.lower()} claim{'' if n == 1 else 's'}"
        expect(counts.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(counts.get_by_role("link", name="3 contested claims", exact=True)).to_be_visible()
    expect(desktop.locator("svg.week-chart")).to_be_visible()
    recent = desktop.locator("section[aria-labelledby=contested-h]")
    expect(recent.get_by_role("link", name=panjshir["taliban-shattal"].summary)).to_be_visible()
    expect(recent.locator("td.claim-cell")).to_have_count(3)
    expect(desktop.locator("section[aria-labelledby=newest-h] td.claim-cell").first).to_be_visible()
    assert save(desktop, "overview").stat().st_size > 0


def test_overview_phone_screenshot_shows_the_counts_and_the_whole_chart(phone, panjshir):
    phone.goto("/")
    expect(phone.get_by_role("link", name="3 contested claims", exact=True)).to_be_visible()
    chart = phone.locator("svg.week-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("g.bar")).to_have_count(3)
    assert chart.bounding_box()["x"] + chart.bounding_box()["width"] <= PHONE_WIDTH
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert save(phone, "overview-phone", PHONE_MAX_HEIGHT).stat().st_size > 0


def test_contested_claim_screenshot_shows_the_badge_and_the_nrf_denial(desktop, panjshir):
    shattal = panjshir["taliban-shattal"]
    # The page lists its history: dated as the example's day, the picture is the same on every run.
    Claim.history.all().update(history_date=datetime(2021, 9, 3, 12, 0, tzinfo=UTC))
    FlagChangeRecord.objects.update(at=datetime(2021, 9, 3, 12, 0, tzinfo=UTC))
    desktop.goto(f"/claims/{shattal.pk}/")
    expect(desktop.locator("h1")).to_have_text(shattal.summary)
    expect(desktop.locator(".status-box .badge")).to_have_text("Contested")
    expect(
        desktop.locator(".status-box .reasons").get_by_role(
            "link", name="Denied by National Resistance Front (Fahim Dashti) on 2021-09-03"
        )
    ).to_be_visible()
    expect(desktop.locator(".timeline")).to_contain_text(panjshir["nrf-denial"].summary)
    expect(desktop.locator(".facts").get_by_role("link", name="Shattal")).to_be_visible()
    # The grade with why, and the flag history: unverified on 2 Sep, contested on 3 Sep by the denial.
    expect(desktop.locator(".grade-box")).to_contain_text("Grade: C4")
    expect(desktop.locator(".grade-box")).to_contain_text("C: best source RT, fairly reliable; 4: doubtful")
    flag_changes = desktop.locator("li.history-flags")
    expect(flag_changes).to_have_count(2)
    expect(flag_changes.nth(0)).to_contain_text("3 Sep 2021")
    expect(flag_changes.nth(0)).to_contain_text("Denial by National Resistance Front (Fahim Dashti) on 2021-09-03")
    expect(flag_changes.nth(1)).to_contain_text("2 Sep 2021")
    expect(flag_changes.nth(1)).to_contain_text("Unverified")
    assert save(desktop, "claim-contested").stat().st_size > 0


def test_place_screenshot_shows_the_map_and_the_control_timeline(desktop, panjshir):
    desktop.goto("/locations/panjshir/")
    expect(desktop.locator("h1")).to_contain_text("Panjshir")
    expect(desktop.locator("#map")).to_be_visible()
    expect(desktop.locator("#map path.fw-marker")).to_have_count(1)
    expect(desktop.locator("#map .fw-label")).to_have_text("Panjshir")
    # Wait for the basemap (provinces and their names), so the picture shows the settled map.
    expect(desktop.locator("#map")).to_have_attribute("data-basemap", "ready")
    expect(desktop.locator('#map path.fw-admin1[data-name="Panjshir"]')).to_have_count(1)
    expect(desktop.locator("#map-status")).to_be_hidden()
    timeline = desktop.locator("svg.control-svg")
    expect(timeline).to_be_visible()
    expect(timeline.locator("g.band")).to_have_attribute("data-bloc", "Afghan resistance")
    expect(desktop.locator("table.intervals tbody tr")).to_have_count(1)
    expect(desktop.locator("section[aria-labelledby=claims-h] h2")).to_have_text(re.compile(r"Claims about Panjshir"))
    assert save(desktop, "place").stat().st_size > 0


def test_map_screenshot_shows_the_places_coloured_by_contested_share(desktop, panjshir):
    desktop.goto("/map/?conflict=taliban-nrf-panjshir-2021")
    expect(desktop.locator("h1")).to_have_text("Map of claims")
    holder = desktop.locator("#map")
    expect(holder).to_have_attribute("data-basemap", "ready")
    expect(holder).to_have_attribute("data-markers", "5")
    expect(desktop.locator('#map .fw-place[data-place="panjshir"]')).to_have_class(re.compile(r"fw-place-some"))
    expect(desktop.locator('#map .fw-place[data-place="shattal"]')).to_have_class(re.compile(r"fw-place-most"))
    expect(desktop.locator("#map .fw-cluster")).to_have_text("6")
    expect(desktop.locator("#map .fw-admin1-label", has_text="Baghlan")).to_have_count(1)
    expect(desktop.locator("table.map-places tbody tr")).to_have_count(5)
    desktop.wait_for_timeout(300)  # the cluster's fade-in
    assert save(desktop, "map").stat().st_size > 0
