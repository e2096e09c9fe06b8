"""The pages on a phone (390 × 844) in Chromium: nothing wider than the screen, charts that fit with
their labels readable, the data tables beside them saying the same, the claim list's filters
folded. The checks of what sticks out are in tests/support/layout.py; the browser fixtures in
tests/support/browser.py.
"""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from claims.models import Claim
from tests.factories import ActorFactory, ClaimFactory, LocationFactory, ReportFactory
from tests.support.browser import new_page
from tests.support.layout import assert_fits_the_screen, overlapping, shown_boxes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LONG_URL = "https://news.example.org/" + "panjshir-" * 12 + "/" + "x" * 90
LONG_WORD = "Antidisestablishmentarianism" * 5


@pytest.fixture
def phone(browser, live_server, offline_tiles):
    page = new_page(browser, live_server, **PHONE)
    yield page
    page.context.close()


def box(page: Page, selector: str) -> dict:
    return page.locator(selector).first.evaluate(
        "(el) => { const b = el.getBoundingClientRect();"
        " return {left: b.left, right: b.right, top: b.top, bottom: b.bottom}; }"
    )


def assert_chart_fits(page: Page, svg: str, last_mark: str) -> None:
    """The SVG no wider than the screen; its last bar or band inside it, in view; its shown labels
    inside it, at a readable size, none drawn over another."""
    width = page.evaluate("window.innerWidth")
    chart = box(page, svg)
    assert chart["left"] >= 0 and chart["right"] <= width, chart
    marks = shown_boxes(page, f"{svg} {last_mark}")
    assert marks, f"no {last_mark} in {svg}"
    last = max(marks, key=lambda b: b["right"])
    assert chart["left"] <= last["left"] < last["right"] <= chart["right"] + 0.5, (last, chart)
    labels = shown_boxes(page, f"{svg} text")
    outside = [b["text"] for b in labels if b["right"] > chart["right"] + 0.5 or b["left"] < chart["left"] - 0.5]
    assert not outside, f"labels cut off at the edge of {svg}: {outside}"
    assert not overlapping(labels), f"labels drawn over each other in {svg}: {overlapping(labels)}"
    sizes = page.locator(f"{svg} text").evaluate_all(
        "(els) => els.map((el) => parseFloat(getComputedStyle(el).fontSize))"
    )
    assert min(sizes) >= 11, sizes


# -- the overview ----------------------------------------------------------------------------------


def week_bars(page: Page) -> dict[str, dict]:
    """The chart's bars: {week: {"total": n, status: n, ...}}."""
    return page.locator("svg.week-chart g.bar").evaluate_all(
        """(bars) => Object.fromEntries(bars.map((bar) => [bar.dataset.week, Object.assign(
            {total: Number(bar.dataset.total)},
            Object.fromEntries([...bar.querySelectorAll('rect')].map(
                (rect) => [rect.dataset.status, Number(rect.dataset.n)])))]))"""
    )


def week_table(page: Page) -> dict[str, dict]:
    """The chart's table: {week: {"total": n, status: n, ...}}, zero counts left out."""
    return page.locator("table.week-table").evaluate(
        """(table) => {
            const heads = [...table.querySelectorAll('thead th')].slice(1)
                .map((th) => th.textContent.trim().toLowerCase());
            return Object.fromEntries([...table.querySelectorAll('tbody tr')].map((tr) => {
                const cells = [...tr.querySelectorAll('td')].map((td) => Number(td.textContent.trim()));
                const row = {};
                heads.forEach((head, i) => {
                    if (head === 'total') row.total = cells[i];
                    else if (cells[i]) row[head] = cells[i];
                });
                return [tr.dataset.week, row];
            }));
        }"""
    )


def test_the_overview_fits_a_phone_with_its_chart_and_table(phone, panjshir):
    phone.goto("/")
    assert_fits_the_screen(phone)
    assert_chart_fits(phone, "svg.week-chart", "g.bar rect")
    # Three weeks, each labelled, each total above its bar.
    expect(phone.locator("svg.week-chart g.bar")).to_have_count(3)
    assert [b["text"] for b in shown_boxes(phone, "svg.week-chart text.bar-total")] == ["3", "11"]

    phone.get_by_text("Chart data as a table").click()
    expect(phone.locator("table.week-table")).to_be_visible()
    assert_fits_the_screen(phone)
    bars = week_bars(phone)
    assert week_table(phone) == {week: dict(bar) for week, bar in bars.items()}
    assert sum(bar["total"] for bar in bars.values()) == Claim.objects.count()
    assert bars["2021-08-30"]["contested"] == 3


def test_half_a_year_of_weeks_thins_the_labels_on_a_phone_and_keeps_them_on_a_desktop(phone, page, db):
    first, report = date(2021, 1, 4), ReportFactory(url=None)
    for week in range(26):
        for _ in range(1 + week % 3):
            ClaimFactory(claimed_on=first + timedelta(weeks=week), citations=[{"report": report}])
    phone.goto("/")
    assert_fits_the_screen(phone)
    assert_chart_fits(phone, "svg.week-chart", "g.bar rect")
    phone_labels = [b["text"] for b in shown_boxes(phone, "svg.week-chart text.tick:not(.bar-total)")]
    assert shown_boxes(phone, "svg.week-chart text.bar-total") == []  # 26 totals do not fit a phone: in the table

    page.goto("/")
    assert_chart_fits(page, "svg.week-chart", "g.bar rect")
    desktop_labels = [b["text"] for b in shown_boxes(page, "svg.week-chart text.tick:not(.bar-total)")]
    assert len(shown_boxes(page, "svg.week-chart text.bar-total")) == 26
    # The count axis (its top and 0) and the week labels: fewer on the phone, the first week on both.
    assert "4 Jan" in phone_labels and set(phone_labels) < set(desktop_labels)
    assert len([t for t in phone_labels if " " in t]) <= 4 < len([t for t in desktop_labels if " " in t])

    page.get_by_text("Chart data as a table").click()
    assert week_table(page) == week_bars(page)


# -- the claim list --------------------------------------------------------------------------------


def test_the_claim_list_fits_a_phone_with_its_filters_folded_above_the_results(phone, panjshir):
    report = ReportFactory(url=None)
    for i in range(55):  # more than a page, some long
        summary = f"Claim {i} about {LONG_WORD}" if i % 10 == 0 else f"Claim number {i} was made."
        ClaimFactory(summary=summary, citations=[{"report": report}])
    phone.goto("/claims/")
    fold = phone.locator("details.filters-fold")
    expect(fold).not_to_have_attribute("open", "")
    expect(fold.locator("> summary")).to_have_text("Filters · none active")
    expect(phone.locator("#id_q")).to_be_hidden()
    expect(phone.locator("td.claim-cell")).to_have_count(50)
    # Folded, the filters take one line above the results.
    assert box(phone, "details.filters-fold")["bottom"] < box(phone, ".result-count")["top"]
    assert box(phone, "details.filters-fold summary")["bottom"] - box(phone, "h1")["top"] < 120
    assert_fits_the_screen(phone)

    phone.goto("/claims/?location=panjshir&status=contested&status=unverified&ordering=claimed_on")
    summary = fold.locator("> summary")
    expect(summary).to_contain_text("2 active")  # the order is no filter
    expect(summary).to_contain_text("Location")
    expect(summary).to_contain_text("Status")
    summary.click()
    expect(fold).to_have_attribute("open", "")
    expect(phone.locator("#id_location")).to_have_value("panjshir")
    assert_fits_the_screen(phone)
    phone.get_by_label("Search", exact=True).fill("passes")
    phone.get_by_role("button", name="Apply filters").click()
    expect(phone).to_have_url(re.compile(r"/claims/\?q=passes&"))
    expect(phone.locator("td.claim-cell")).to_have_count(1)
    expect(fold).not_to_have_attribute("open", "")  # folded again over the new results
    expect(fold.locator("> summary")).to_contain_text("3 active")


def test_the_filters_stay_open_on_a_phone_while_one_is_in_error(phone, db):
    phone.goto("/claims/?kind=bogus&location=atlantis")
    expect(phone.locator("details.filters-fold")).to_have_attribute("open", "")
    expect(phone.locator(".form-errors")).to_be_visible()
    expect(phone.locator("#id_location")).to_be_visible()
    assert_fits_the_screen(phone)


def test_the_filters_are_open_on_a_desktop_with_no_fold_to_click(page, db):
    page.goto("/claims/")
    expect(page.locator("details.filters-fold")).to_have_attribute("open", "")
    expect(page.locator("details.filters-fold > summary")).to_be_hidden()
    expect(page.locator("#id_q")).to_be_visible()


def test_a_phone_turned_sideways_opens_the_filters(phone, db):
    phone.goto("/claims/")
    expect(phone.locator("#id_q")).to_be_hidden()
    phone.set_viewport_size({"width": 844, "height": 390})
    expect(phone.locator("details.filters-fold")).to_have_attribute("open", "")
    expect(phone.locator("#id_q")).to_be_visible()


# -- one claim -------------------------------------------------------------------------------------


def test_a_contested_claim_with_reasons_citations_and_responses_fits_a_phone(phone, panjshir):
    capture = panjshir["taliban-capture"]
    phone.goto(f"/claims/{capture.pk}/")
    expect(phone.locator(".status-box .reasons li")).to_have_count(len(capture.reasons))
    expect(phone.locator(".chain .citation").first).to_be_visible()
    expect(phone.locator(".timeline .tl-item")).to_have_count(3)
    assert_fits_the_screen(phone)


def test_a_claim_with_a_long_unbroken_address_fits_a_phone(phone, db):
    report = ReportFactory(title=f"Report at {LONG_URL}", url=LONG_URL)
    claim = ClaimFactory(
        summary=f"{LONG_WORD} said at {LONG_URL}",
        quote=f"Quoted: {LONG_URL} {LONG_WORD}",
        citations=[{"report": report, "quote": f"Cited from {LONG_URL}"}],
    )
    phone.goto(f"/claims/{claim.pk}/")
    expect(phone.locator("h1")).to_contain_text(LONG_WORD)
    assert_fits_the_screen(phone)
    # The words break inside the column rather than run under the edge of it.
    main = box(phone, "main")
    for selector in ("h1", "blockquote.quote", ".chain .citation"):
        assert box(phone, selector)["right"] <= main["right"], selector
    for url in ("/claims/", f"/reports/{report.pk}/", "/"):
        phone.goto(url)
        assert_fits_the_screen(phone)


# -- a place ---------------------------------------------------------------------------------------


def band_days(page: Page) -> dict[str, set[date]]:
    """The chart's bands: {bloc: the days drawn}."""
    bands = page.locator("svg.control-svg g.band").evaluate_all(
        """(bands) => bands.map((band) => [band.dataset.bloc,
            [...band.querySelectorAll('rect')].map((r) => [r.dataset.start, r.dataset.end])])"""
    )
    return {bloc: days_of(spans) for bloc, spans in bands}


def table_days(page: Page, contested_only: bool = False) -> dict[str, set[date]]:
    """The interval table: {bloc: the days it is claimed in control}."""
    rows = page.locator("table.intervals tbody tr" + (".row-contested" if contested_only else "")).evaluate_all(
        "(rows) => rows.map((tr) => [tr.dataset.start, tr.dataset.end, tr.cells[2].textContent])"
    )
    days: dict[str, set[date]] = {}
    for start, end, names in rows:
        for name in names.split(", "):
            days.setdefault(name, set()).update(days_of([(start, end)]))
    return days


def days_of(spans) -> set[date]:
    days = set()
    for start, end in spans:
        day, last = date.fromisoformat(start), date.fromisoformat(end)
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


@pytest.fixture
def crossroads(db):
    """A place held by turns over half a year, by a bloc with a long name and another, often both at once."""
    town = LocationFactory(name="Crossroads", slug="crossroads", latitude=35.2, longitude=69.3)
    red = ActorFactory(name="Revolutionary Front for the Liberation of the Northern Valleys")
    blue = ActorFactory(name="Blue")
    report = ReportFactory(url=None)
    first = date(2021, 1, 1)
    for i in range(24):
        holder = blue if i % 3 == 0 else red
        ClaimFactory(
            claimant=holder,
            kind="control",
            subject=holder,
            location=town,
            event_start=first + timedelta(days=7 * i),
            event_end=first + timedelta(days=7 * i + 8),
            citations=[{"report": report}],
        )
    return town


def test_a_place_with_a_control_timeline_fits_a_phone(phone, crossroads):
    phone.goto("/locations/crossroads/?start=2021-01-01&end=2021-06-19")  # the whole half year
    expect(phone.locator("svg.control-svg g.band")).to_have_count(2)
    expect(phone.locator("svg.control-svg rect.contested-mark").first).to_be_attached()
    assert_fits_the_screen(phone)
    assert_chart_fits(phone, "svg.control-svg", "g.band rect")
    # The bloc names sit above the bands, cut short when long; the dates under them thinned out.
    names = [b["text"] for b in shown_boxes(phone, "svg.control-svg .band-label")]
    assert names == ["Blue", "Revolutionary Front for the Lib…"]
    ticks = [b["text"] for b in shown_boxes(phone, "svg.control-svg text.tick")]
    assert ticks[0] == "1 Jan 2021" and ticks[-1] == "19 Jun 2021" and 3 <= len(ticks) <= 4

    # The table under the chart says the same: each bloc's days, and the contested ones.
    drawn = band_days(phone)
    assert drawn == {
        "Blue": table_days(phone)["Blue"],
        "Revolutionary Front for the Liberation of the Northern Valleys": table_days(phone)[
            "Revolutionary Front for the Liberation of the Northern Valleys"
        ],
    }
    contested = phone.locator("svg.control-svg rect.contested-mark").evaluate_all(
        "(rects) => rects.map((r) => [r.dataset.start, r.dataset.end])"
    )
    assert days_of(contested) == set().union(*table_days(phone, contested_only=True).values())
    assert box(phone, "table.intervals")["top"] > box(phone, "svg.control-svg")["bottom"]


def test_the_panjshir_page_fits_a_phone(phone, panjshir):
    phone.goto("/locations/panjshir/")
    expect(phone.locator("#map path.fw-marker")).to_have_count(1)
    assert_fits_the_screen(phone)
    assert_chart_fits(phone, "svg.control-svg", "g.band rect")
    assert band_days(phone) == table_days(phone) == {"Afghan resistance": {date(2021, 9, 3)}}


# -- the header ------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [390, 320])
def test_the_header_wraps_into_two_rows_on_a_phone(browser, live_server, offline_tiles, editor, width):
    page = new_page(browser, live_server, width=width, height=700)
    try:
        page.goto("/admin/login/?next=/")
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill("editor-pass-123")
        page.get_by_role("button", name="Log in").click()
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Intake")).to_be_visible()  # six links, the most there are
        assert_fits_the_screen(page)
        brand, search = box(page, ".brand"), box(page, ".site-search input")
        assert brand["top"] < search["bottom"] and search["top"] < brand["bottom"]  # one row
        assert search["right"] - search["left"] >= 100  # room to type
        for link in nav.get_by_role("link").all():  # below the brand, whole
            expect(link).to_be_in_viewport(ratio=1)
            assert link.bounding_box()["y"] >= brand["bottom"]
        page.get_by_role("searchbox", name="Search claims").fill("kilometer")
        page.get_by_role("button", name="Search").click()
        expect(page).to_have_url(re.compile(r"/claims/\?q=kilometer$"))
    finally:
        page.context.close()
