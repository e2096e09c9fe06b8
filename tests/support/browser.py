"""Fixtures of the browser tests: Debian's Chromium (/usr/bin/chromium) driven by Playwright against a live server.

Nothing leaves the machine: every request not to the live server (map tiles included) is aborted.
"""

import os

import pytest
from django.db import connections
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(transactional_db):
    """A fresh Chromium per test, started after the test database is set up (and closed before it is
    flushed): Playwright's sync API switches greenlets, and Django's per-context connections must not
    straddle that."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install Debian's chromium (make browser-deps).")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself (fixtures, assertions) are still synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            yield browser
            browser.close()
            # ORM calls made while Playwright ran opened connections in its context: close them here,
            # or the test database cannot be dropped at the end of the run.
            connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


_OUTSIDE: dict[int, list[str]] = {}


def outside_requests(page: Page) -> list[str]:
    """The requests this page tried to send to another host than the live server (all aborted)."""
    return _OUTSIDE[id(page)]


@pytest.fixture
def offline_tiles(settings):
    settings.FOGWATCH_TILE_URL = "https://tiles.invalid/{z}/{x}/{y}.png"


def new_page(browser, live_server, width: int = 1280, height: int = 900) -> Page:
    """A page whose requests to any host but the live server are aborted; their URLs are kept in
    ``outside_requests(page)``."""
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url)
    outside: list[str] = []

    def route(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    _OUTSIDE[id(page)] = outside
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def page(browser, live_server, offline_tiles):
    page = new_page(browser, live_server)
    yield page
    page.context.close()
