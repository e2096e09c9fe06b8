"""The Content-Security-Policy holds on every page type: Chromium reports no violation (no inline
script, no image, style, font or request from elsewhere) on the analysts' pages, the maps (with a
tile server set, whose images the map pages allow), the API docs, the admin, intake and the health
page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.support.browser import new_page
from tests.web.test_browser import SCREENS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (event) {
  var where = event.sourceFile + ":" + event.lineNumber;
  window.__csp.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline") + " at " + where);
});
"""


def watched(browser, live_server) -> tuple[Page, list[str]]:
    page = new_page(browser, live_server)
    console: list[str] = []
    page.on(
        "console",
        lambda message: console.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.add_init_script(RECORD_VIOLATIONS)
    return page, console


def visit(page: Page, url: str, problems: list[str], console: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status in (200, 400), f"{url} answered {response and response.status}"
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0], url
    page.wait_for_load_state("networkidle")
    seen = page.evaluate("window.__csp") + console
    problems.extend(f"{url}: {v}" for v in seen)
    console.clear()


def test_no_analysts_page_breaks_the_policy(browser, live_server, panjshir, settings):
    settings.FOGWATCH_TILE_URL = "https://{s}.tiles.invalid/{z}/{x}/{y}.png"  # allowed on the maps only
    report = panjshir["taliban-capture"].citations.first().report
    page, console = watched(browser, live_server)
    problems: list[str] = []
    try:
        for _, url in SCREENS:
            visit(page, url.format(capture=panjshir["taliban-capture"].pk, report=report.pk), problems, console)
        visit(page, "/api/v1/docs/", problems, console)
        assert page.locator(".swagger-ui").count() == 1  # the docs page drew itself under the policy
        visit(page, "/claims/?q=Shotul", problems, console)
        visit(page, "/login/?next=/claims/", problems, console)
        assert page.locator("form.login-form input[name=password]").count() == 1
        visit(page, "/health/", problems, console)  # the health page, as an anonymous browser sees it
        assert "Fogwatch is healthy" in page.content()
    finally:
        page.context.close()
    assert problems == []


def test_the_map_pages_allow_the_tile_server_and_nothing_else(browser, live_server, panjshir, settings):
    settings.FOGWATCH_TILE_URL = "https://{s}.tiles.invalid/{z}/{x}/{y}.png"
    page, _ = watched(browser, live_server)
    try:
        on_map = page.goto("/map/").headers["content-security-policy"]
        on_list = page.goto("/claims/").headers["content-security-policy"]
    finally:
        page.context.close()
    assert re.search(r"img-src [^;]*https://\*\.tiles\.invalid", on_map)
    assert "tiles.invalid" not in on_list


def test_the_admin_and_intake_work_under_the_policy(browser, live_server, panjshir, editor):
    page, console = watched(browser, live_server)
    problems: list[str] = []
    try:
        page.goto("/admin/login/?next=/admin/")
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill("editor-pass-123")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/admin/$"))
        claim = panjshir["taliban-capture"].pk
        for url in (
            "/admin/",
            "/admin/claims/claim/",
            "/admin/claims/claim/add/",
            f"/admin/claims/claim/{claim}/change/",
            f"/admin/claims/claim/{claim}/history/",
            "/admin/locations/location/",
            "/admin/claims/conflict/add/",
            "/admin/import/",
            "/intake/",
            "/health/",  # with each check's row, for staff
        ):
            visit(page, url, problems, console)
        # The claim form's autocomplete (select2, from Django's own static files) still opens.
        page.goto("/admin/claims/claim/add/")
        page.locator("#id_claimant").locator("xpath=..").locator(".select2-selection").click()
        page.locator(".select2-search__field").fill("Tal")
        page.locator(".select2-results__option", has_text="Taliban").first.wait_for()
        problems.extend(page.evaluate("window.__csp") + console)
    finally:
        page.context.close()
    assert problems == []
