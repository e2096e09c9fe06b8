"""The pages in real Chromium (Debian's /usr/bin/chromium driven by Playwright), against a live server.

Nothing leaves the machine: every request not to the live server (map tiles included) is
aborted, which is also how the map is proven to work when tiles cannot load. Screenshots of
every page land in ``test-artifacts/`` (git-ignored). The browser fixtures are in tests/support/browser.py.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.factories import ClaimFactory, LocationFactory, ReportFactory, SourceFactory
from tests.support.browser import new_page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_follows_a_contested_claim_to_its_denial_and_the_place(page, panjshir):
    capture, denial = panjshir["taliban-capture"], panjshir["nrf-denial"]
    page.goto("/")
    page.get_by_role("link", name="3 contested claims").click()
    expect(page).to_have_url(re.compile(r"/claims/\?status=contested$"))
    expect(page.locator("td.claim-cell")).to_have_count(3)

    page.get_by_label("Location").fill("panjshir")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/claims/\?location=panjshir&status=contested$"))
    expect(page.locator("td.claim-cell")).to_have_count(2)
    expect(page.get_by_role("checkbox", name="Contested")).to_be_checked()

    page.get_by_role("link", name=capture.summary).click()
    expect(page).to_have_url(re.compile(rf"/claims/{capture.pk}/$"))
    expect(page.locator(".status-box .badge")).to_have_text("Contested")
    reason = page.locator(".status-box .reasons").get_by_role(
        "link", name="Denied by National Resistance Front (Fahim Dashti) on 2021-09-03"
    )
    expect(reason).to_be_visible()

    reason.click()
    expect(page).to_have_url(re.compile(rf"/claims/{denial.pk}/$"))
    expect(page.locator("h1")).to_have_text(denial.summary)

    page.locator(".facts").get_by_role("link", name="Panjshir").click()
    expect(page).to_have_url(re.compile(r"/locations/panjshir/$"))
    expect(page.locator("#map path.fw-marker")).to_have_count(1)
    expect(page.locator("#map")).to_have_attribute("data-markers", "1")
    expect(page.locator("#map-status")).to_contain_text("Map tiles could not load")
    expect(page.locator("svg.control-svg g.band")).to_have_count(1)
    expect(page.locator("svg.control-svg g.band")).to_have_attribute("data-bloc", "Afghan resistance")


def pick(page: Page, select_id: str, search: str, option_text: str) -> None:
    """Choose in one of the admin's autocomplete (select2) fields."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-container--open .select2-results__option", has_text=option_text).first.click()


def test_editor_adds_report_claim_and_denial_in_the_admin(page, panjshir, editor):
    editor.is_staff = True  # an editor works in the admin: staff, with the editors group's permissions only
    editor.save(update_fields=["is_staff"])
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("editor-pass-123")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#user-tools")).to_contain_text("editor")

    page.goto("/admin/sources/report/add/")
    pick(page, "id_source", "Reuters", "Reuters")
    page.locator("#id_title").fill("Taliban say fighters reached Rukha")
    page.locator("#id_url").fill("https://news.example.org/rukha")
    page.locator("#id_published_at_0").fill("2021-09-02")
    page.locator("#id_published_at_1").fill("18:00:00")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto("/admin/claims/claim/add/")
    pick(page, "id_claimant", "Taliban", "Taliban")
    page.locator("#id_claimed_on").fill("2021-09-02")
    page.locator("#id_kind").select_option("advance")
    page.locator("#id_summary").fill("Taliban fighters reached the Rukha district centre.")
    page.locator("#id_quote").fill("Our fighters are in Rukha.")
    pick(page, "id_subject", "Taliban", "Taliban")
    pick(page, "id_location", "Panjshir", "Panjshir")
    pick(page, "id_citations-0-report", "Rukha", "Taliban say fighters reached Rukha")
    page.locator("#id_citations-0-quote").fill("Our fighters are in Rukha, the spokesman said.")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    from claims.models import Claim

    claim = Claim.objects.get(summary="Taliban fighters reached the Rukha district centre.")
    assert claim.status == "unverified"

    page.goto("/admin/claims/relation/add/")
    denial = panjshir["nrf-denial"]
    pick(page, "id_claim", "denies any Taliban advance", denial.summary[:40])
    pick(page, "id_target", "Rukha", "Rukha")
    page.locator("#id_stance").select_option("denies")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(f"/claims/{claim.pk}/")
    expect(page.locator(".status-box .badge")).to_have_text("Contested")
    expect(
        page.locator(".status-box .reasons").get_by_role(
            "link", name="Denied by National Resistance Front (Fahim Dashti) on 2021-09-03"
        )
    ).to_be_visible()
    expect(page.locator(".chain")).to_contain_text("Our fighters are in Rukha, the spokesman said.")
    expect(page.locator(".chain")).to_contain_text("Taliban say fighters reached Rukha")


def test_keyboard_reaches_the_content_and_the_filters(page, panjshir):
    page.goto("/claims/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_q")).to_be_focused()  # the first filter follows the heading
    page.keyboard.type("kilometer")
    page.keyboard.press("Enter")  # submits the filter form
    expect(page).to_have_url(re.compile(r"/claims/\?q=kilometer$"))
    expect(page.locator("td.claim-cell")).to_have_count(1)
    # A visible focus ring on links.
    page.locator("td.claim-cell a").first.focus()
    ring = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()"
    )
    assert ring[0] != "none" and ring[1] != "0px", ring


PAYLOAD = '<script>window.__pwned = 1; alert("script")</script><img src=x onerror="window.__pwned = 2; alert(\'img\')">'


def test_payloads_in_quotes_render_as_text_and_run_nothing(page, db):
    place = LocationFactory(name=f"Place {PAYLOAD}", slug="payload-place", latitude=35.0, longitude=69.0)
    source = SourceFactory(name=f"Outlet {PAYLOAD}", slug="payload-outlet")
    report = ReportFactory(source=source, title=f"Report {PAYLOAD}")
    claim = ClaimFactory(
        summary=f"Summary {PAYLOAD}",
        quote=f"Quote {PAYLOAD}",
        location=place,
        citations=[{"report": report, "quote": f"Cited {PAYLOAD}"}],
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    pages = ("/", "/claims/", f"/claims/{claim.pk}/", "/map/", "/locations/payload-place/", "/sources/payload-outlet/")
    for url in pages:
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None, url
    page.goto(f"/claims/{claim.pk}/")
    expect(page.locator("blockquote.quote").first).to_have_text(f"Quote {PAYLOAD}")
    expect(page.locator("h1")).to_have_text(f"Summary {PAYLOAD}")
    assert page.locator("img[src=x]").count() == 0
    page.goto("/map/")  # the popup names the place as text
    page.locator("#map .fw-place").first.click()
    expect(page.locator(".leaflet-popup-content .fw-popup-place")).to_have_text(f"Place {PAYLOAD}")
    assert page.evaluate("window.__pwned") is None
    page.goto("/locations/payload-place/")
    page.locator("#map path.fw-marker").first.hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text(f"Place {PAYLOAD}")
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []


SCREENS = [
    ("overview", "/"),
    ("claim-list", "/claims/?status=contested&location=panjshir"),
    ("claim-list-errors", "/claims/?kind=bogus&location=atlantis"),
    ("claim-detail", "/claims/{capture}/"),
    ("claim-detail-as-of", "/claims/{capture}/?as_of=2021-09-02"),
    ("map", "/map/"),
    ("map-errors", "/map/?kind=bogus"),
    ("location", "/locations/panjshir/"),
    ("location-province-tree", "/locations/baghlan/"),
    ("actor", "/actors/nrf/"),
    ("actors", "/actors/"),
    ("actors-searched", "/actors/?q=resistance"),
    ("places", "/locations/"),
    ("places-searched", "/locations/?q=a&conflict=taliban-nrf-panjshir-2021"),
    ("source", "/sources/reuters/"),
    ("sources", "/sources/"),
    ("report", "/reports/{report}/"),
]


@pytest.mark.parametrize(("width", "label"), [(1280, "desktop"), (390, "phone")])
def test_screenshots_of_every_page(browser, live_server, offline_tiles, panjshir, width, label):
    ARTIFACTS.mkdir(exist_ok=True)
    report = panjshir["taliban-capture"].citations.first().report
    page = new_page(browser, live_server, width=width)
    try:
        for name, url in SCREENS:
            response = page.goto(url.format(capture=panjshir["taliban-capture"].pk, report=report.pk))
            assert response.status in (200, 400), url
            page.wait_for_load_state("load")
            # No horizontal scrolling of the page itself at phone width (wide tables scroll in their box).
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{url} overflows by {overflow}px at {width}px"
            page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
    finally:
        page.context.close()
