"""The site's icon: every page names the SVG, /favicon.ico leads to it (to its hashed name once
collectstatic has run), and a browser gets an image from both."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_svg_by_a_temporary_redirect(client):
    response = client.get("/favicon.ico")
    # Temporary: after collectstatic the SVG's address carries its hash, which changes with the icon.
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"


def test_after_collectstatic_the_pages_and_the_redirect_name_the_hashed_icon(client, settings, tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "paths": {"favicon.svg": "favicon.0123456789ab.svg"}, "hash": "x"})
    )
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "core.storage.StaticFilesStorage"}}
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.0123456789ab.svg" type="image/svg+xml">' in html
    assert client.get("/favicon.ico")["Location"] == "/static/favicon.0123456789ab.svg"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_browser_draws_the_icon_named_by_the_page_and_the_one_at_favicon_ico(browser, live_server):
    # A context of its own: the usual one (tests/support/browser.py) intercepts every request to keep
    # them local, and Chromium aborts intercepted redirects. The overview asks for nothing elsewhere.
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto("/")
        icon = page.evaluate(
            """async () => {
                const link = document.querySelector('link[rel="icon"]');
                const draw = async (src) => {
                    const image = new Image();
                    image.src = src;
                    await image.decode();
                    return image.naturalWidth > 0 && image.naturalHeight > 0;
                };
                const named = await fetch(link.href);
                const ico = await fetch('/favicon.ico');
                return {
                    type: link.type, path: new URL(link.href).pathname,
                    status: named.status, contentType: named.headers.get('content-type'),
                    icoPath: new URL(ico.url).pathname, icoStatus: ico.status, redirected: ico.redirected,
                    drawn: await draw(link.href), icoDrawn: await draw('/favicon.ico'),
                };
            }"""
        )
    finally:
        context.close()
    assert (icon["type"], icon["path"]) == ("image/svg+xml", "/static/favicon.svg")
    assert (icon["status"], icon["contentType"]) == (200, "image/svg+xml")
    assert (icon["icoPath"], icon["icoStatus"], icon["redirected"]) == ("/static/favicon.svg", 200, True)
    assert icon["drawn"] and icon["icoDrawn"]  # images the browser can draw
