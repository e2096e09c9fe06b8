"""The editors' admin in real Chromium (Debian's /usr/bin/chromium driven by Playwright)."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}


def test_the_claim_list_shows_each_summary_on_a_line_or_two_on_a_laptop(browser, live_server, panjshir, editor):
    page = new_page(browser, live_server, **LAPTOP)
    page.goto("/admin/login/?next=/admin/claims/claim/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("editor-pass-123")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/claims/claim/$"))

    cells = page.locator("#result_list td.field-summary_short")
    expect(cells.first).to_be_visible()
    lines = cells.evaluate_all(
        """cells => cells.map(cell => {
            const style = getComputedStyle(cell);
            const height = cell.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
            return Math.round(height / parseFloat(style.lineHeight));
        })"""
    )
    widths = cells.evaluate_all("cells => cells.map(cell => cell.getBoundingClientRect().width)")

    assert len(lines) == len(panjshir)
    assert max(lines) <= 2, lines  # a summary (at most 100 characters shown) reads as a sentence
    assert min(widths) >= 400, widths
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0  # no sideways scroll
    page.context.close()
