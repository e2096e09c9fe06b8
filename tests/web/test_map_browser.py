"""The map of claims and the place map in Chromium with the network blocked: the offline basemap
(land, borders, provinces, names) is drawn from Fogwatch's own static files, markers are coloured by
the share of contested claims, and a popup leads to the filtered claim list.

Every request to another host than the live server is aborted (tests/support/browser.py), and each
test asserts that none was even tried: with FOGWATCH_TILE_URL empty, the map asks nobody else."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import outside_requests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFLICT = "taliban-nrf-panjshir-2021"


@pytest.fixture
def offline(page, settings):
    """The default: no tile server, the offline basemap only."""
    settings.FOGWATCH_TILE_URL = ""
    return page


def expect_basemap(page: Page, label: str = "") -> None:
    """Land and borders (countries), Afghanistan's outline, its provinces, and names."""
    holder = page.locator("#map")
    expect(holder).to_have_attribute("data-basemap", "ready")
    pane = page.locator("#map .leaflet-fw-basemap-pane")
    assert pane.locator("path.fw-country").count() > 200
    afghanistan = pane.locator('path.fw-country[data-name="Afghanistan"]')
    expect(afghanistan).to_have_count(1)
    # Drawn (Leaflet clips a shape to the view: zoomed in on a province, the country fills it).
    assert (afghanistan.get_attribute("d") or "").count("L") >= 3
    provinces = pane.locator('path.fw-admin1[data-country="Afghanistan"]')
    assert provinces.count() >= 30
    for name in ("Baghlan", "Panjshir"):
        province = pane.locator(f'path.fw-admin1[data-country="Afghanistan"][data-name="{name}"]')
        assert (province.get_attribute("d") or "").count("L") >= 3, name
    if label:  # a province's name, written on the map
        expect(page.locator("#map .fw-admin1-label", has_text=label)).to_have_count(1)


def test_the_map_shows_the_basemap_and_markers_coloured_by_contested_share(offline, panjshir):
    page = offline
    page.goto("/map/")
    expect(page.locator("h1")).to_have_text("Map of claims")
    expect(page.locator("#map")).to_have_attribute("data-markers", "5")
    expect_basemap(page, label="Baghlan")
    # Panjshir: 2 of its 7 claims contested; Shattal: its one claim contested.
    panjshir_marker = page.locator('#map .fw-place[data-place="panjshir"]')
    expect(panjshir_marker).to_have_class(re.compile(r"\bfw-place-some\b"))
    expect(panjshir_marker).to_have_text("7")
    expect(page.locator('#map .fw-place[data-place="shattal"]')).to_have_class(re.compile(r"\bfw-place-most\b"))
    # The three districts of Baghlan lie close together: one cluster of their 6 claims, none contested.
    cluster = page.locator("#map .fw-cluster")
    expect(cluster).to_have_count(1)
    expect(cluster).to_have_text("6")
    expect(cluster).to_have_class(re.compile(r"\bfw-place-none\b"))
    cluster.click()  # zooms in until they part
    expect(page.locator('#map .fw-place[data-place="banu"]')).to_have_class(re.compile(r"\bfw-place-none\b"))
    expect(page.locator('#map .fw-place[data-place="deh-salah"]')).to_be_visible()

    # Zoomed out, the whole of Afghanistan's outline is on the map, with its provinces.
    afghanistan = page.locator('#map path.fw-country[data-name="Afghanistan"]')
    frame = page.locator("#map").bounding_box()
    for _ in range(8):
        country = afghanistan.bounding_box()
        if country and country["width"] < frame["width"] - 40 and country["height"] < frame["height"] - 40:
            break
        page.get_by_role("button", name="Zoom out").click()
        page.wait_for_timeout(400)
    expect(page.locator("#map")).to_have_attribute("data-zoom", re.compile(r"^[4-7]$"))
    outline = afghanistan.get_attribute("d") or ""
    assert outline.count("L") > 100, outline
    country = afghanistan.bounding_box()
    assert country and frame and country["width"] > 60 and country["height"] > 40
    assert frame["x"] < country["x"] and country["x"] + country["width"] < frame["x"] + frame["width"]
    assert frame["y"] < country["y"] and country["y"] + country["height"] < frame["y"] + frame["height"]
    provinces = page.locator('#map path.fw-admin1[data-country="Afghanistan"]')
    assert sum(1 for d in provinces.evaluate_all("ps => ps.map(p => p.getAttribute('d'))") if d and "L" in d) >= 30
    expect(page.locator("#map .fw-country-label", has_text="Afghanistan")).to_have_count(1)
    assert outside_requests(page) == []


def test_a_popup_leads_to_the_filtered_list_keeping_the_filters(offline, panjshir):
    page = offline
    page.goto(f"/map/?conflict={CONFLICT}&kind=control")
    expect(page.locator("#map")).to_have_attribute("data-basemap", "ready")
    shattal = page.locator('#map .fw-place[data-place="shattal"]')
    expect(shattal).to_have_class(re.compile(r"\bfw-place-most\b"))
    shattal.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Shattal")
    expect(popup).to_contain_text("1 claim, 1 contested")
    popup.get_by_role("link", name="List these claims").click()
    expect(page).to_have_url(re.compile(rf"/claims/\?conflict={CONFLICT}&kind=control&location=shattal$"))
    rows = page.locator("td.claim-cell")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(panjshir["taliban-shattal"].summary)
    expect(page.locator("#id_conflict")).to_have_value(CONFLICT)
    expect(page.locator("#id_kind")).to_have_value("control")
    expect(page.locator("#id_location")).to_have_value("shattal")
    # The header's Map link keeps the conflict.
    page.get_by_role("link", name="Map", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/map/\?conflict={CONFLICT}$"))
    expect(page.locator("#map")).to_have_attribute("data-markers", "5")
    assert outside_requests(page) == []


def test_the_panjshir_popup_lists_its_seven_claims(offline, panjshir):
    page = offline
    page.goto(f"/map/?conflict={CONFLICT}")
    page.locator('#map .fw-place[data-place="panjshir"]').click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("7 claims, 2 contested")
    popup.get_by_role("link", name="List these claims").click()
    expect(page).to_have_url(re.compile(rf"/claims/\?conflict={CONFLICT}&location=panjshir$"))
    expect(page.locator("td.claim-cell")).to_have_count(7)
    expect(page.locator("table.claims tbody tr", has_not_text="Panjshir")).to_have_count(0)
    assert outside_requests(page) == []


def test_the_place_page_map_draws_the_offline_basemap(offline, panjshir):
    page = offline
    page.goto("/locations/baghlan/")
    expect(page.locator("#map path.fw-marker")).to_have_count(4)
    expect_basemap(page)
    expect(page.locator("#map-status")).to_be_hidden()
    assert outside_requests(page) == []


def test_with_a_tile_server_that_cannot_be_reached_the_basemap_is_drawn(page, panjshir):
    # The page fixture points FOGWATCH_TILE_URL at an unreachable host: tiles fail, the basemap stands in.
    page.goto("/locations/baghlan/")
    expect(page.locator("#map-status")).to_contain_text("Map tiles could not load")
    expect_basemap(page)
    assert outside_requests(page) and all(url.startswith("https://tiles.invalid/") for url in outside_requests(page))


def test_no_javascript_still_lists_every_place(browser, live_server, panjshir, settings):
    settings.FOGWATCH_TILE_URL = ""
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
    )
    page = context.new_page()
    try:
        page.goto("/map/")
        rows = page.locator("table.map-places tbody tr")
        expect(rows).to_have_count(5)
        expect(rows.first).to_contain_text("Panjshir")
        page.locator("table.map-places").get_by_role("link", name="7", exact=True).click()
        expect(page).to_have_url(re.compile(r"/claims/\?location=panjshir$"))
    finally:
        context.close()
