"""FOGWATCH_PUBLIC_READ=false closes every page to anonymous visitors (a redirect to the login, back to
the page afterwards); a logged-in analyst reads them all. The admin, static files, the favicon and the
health endpoints stay open (docker compose and load balancers probe those without a login)."""

from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from intake.services import intake_create

pytestmark = pytest.mark.django_db

EDITORS_ONLY = {"intake:start", "intake:detail", "intake:from_report"}
ACCOUNT = {"accounts:login", "accounts:logout"}  # logging in and out: not reads

# The root URLconf's own routes (outside the pages of web.urls, the API of config.api_urls and the admin):
# each always open, with what an anonymous visitor gets while reads are closed.
ROOT_ROUTES = {
    "favicon.ico": ("/favicon.ico", 302, "/static/"),
    "health/": ("/health/", 200, None),
    "health/ready/": ("/health/ready/", 200, None),
    # The admin's autocomplete, labelled by Fogwatch: the admin's own login guards it.
    "admin/autocomplete/": ("/admin/autocomplete/?app_label=claims&model_name=claim", 302, "/admin/login/"),
    "^admin/claims/(?P<model>webhooksubscription|webhookdelivery)/(?P<rest>.*)$": (
        "/admin/claims/webhooksubscription/",
        301,
        "/admin/notifications/webhooksubscription/",
    ),
}


def root_routes() -> set[str]:
    """The routes the root URLconf declares itself (not those it includes)."""
    return {str(entry.pattern) for entry in get_resolver("config.urls").url_patterns if isinstance(entry, URLPattern)}


def page_names() -> set[str]:
    """Every named page of ``web.urls``, as ``namespace:name``."""
    names = set()
    for entry in get_resolver("web.urls").url_patterns:
        assert isinstance(entry, URLResolver)
        for pattern in entry.url_patterns:
            assert isinstance(pattern, URLPattern)
            names.add(f"{entry.namespace}:{pattern.name}")
    return names


@pytest.fixture
def pages(panjshir, editor):
    claim = panjshir["taliban-capture"]
    report = claim.citations.first().report
    intake = intake_create(text="The Taliban said they took Shattal on Thursday.", user=editor)
    return {
        "claims:overview": "/",
        "claims:list": "/claims/?status=contested",
        "claims:detail": f"/claims/{claim.pk}/",
        "claims:map": "/map/?status=contested",
        "claims:map_data": "/map/data.json?status=contested",
        "actors:list": "/actors/",
        "actors:detail": f"/actors/{claim.claimant.slug}/",
        "locations:list": "/locations/",
        "locations:detail": f"/locations/{claim.location.slug}/",
        "sources:list": "/sources/",
        "sources:detail": f"/sources/{report.source.slug}/",
        "sources:report_detail": f"/reports/{report.pk}/",
        "intake:start": "/intake/",
        "intake:detail": f"/intake/{intake.pk}/",
        "intake:from_report": f"/intake/report/{report.pk}/",
        "accounts:login": "/login/",
        "accounts:logout": "/logout/",
    }


@pytest.fixture
def closed(settings):
    settings.FOGWATCH_PUBLIC_READ = False


def test_the_matrix_covers_every_page(pages):
    assert set(pages) == page_names()


def test_anonymous_visitors_are_sent_to_the_login_and_back(pages, closed, client):
    for name, path in pages.items():
        if name in ACCOUNT:
            continue
        response = client.get(path)
        assert response.status_code == 302, name
        assert response["Location"] == f"/login/?next={quote(path, safe='/')}", name


def test_unknown_pages_are_not_told_apart_from_known_ones(db, closed, client):
    response = client.get("/no/such/page/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


def test_an_analyst_without_staff_rights_logs_in_on_the_site_and_reads(pages, closed, client, analyst):
    """The admin's login takes staff only; the site's own takes every user."""
    assert not analyst.is_staff
    page = client.get("/login/?next=/claims/")
    assert page.status_code == 200 and 'name="password"' in page.content.decode()

    wrong = client.post("/login/", {"username": "analyst", "password": "nope", "next": "/claims/"})
    assert wrong.status_code == 200 and "correct username and password" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    right = client.post("/login/", {"username": "analyst", "password": "analyst-pass-123", "next": "/claims/"})
    assert right.status_code == 302 and right["Location"] == "/claims/"
    listing = client.get("/claims/")
    assert listing.status_code == 200 and "analyst" in listing.content.decode()  # the header names who is in

    assert client.post("/logout/")["Location"] == "/"
    assert client.get("/claims/")["Location"] == "/login/?next=/claims/"


def test_the_login_never_sends_anyone_to_another_site(db, client, analyst):
    response = client.post(
        "/login/", {"username": "analyst", "password": "analyst-pass-123", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_wrong_passwords_on_the_site_login_lock_it_like_the_admin(db, settings, client, analyst):
    settings.AXES_FAILURE_LIMIT = 3
    answers = [client.post("/login/", {"username": "analyst", "password": "nope"}).status_code for _ in range(4)]
    right = client.post("/login/", {"username": "analyst", "password": "analyst-pass-123"})
    assert answers[:2] == [200, 200] and answers[3] == 429
    assert right.status_code == 429 and int(right["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_a_logged_in_analyst_reads_every_page(pages, closed, client, analyst, editor):
    client.force_login(analyst)
    for name, path in pages.items():
        if name not in EDITORS_ONLY | ACCOUNT:
            response = client.get(path)
            assert response.status_code == 200, name
    client.force_login(editor)
    for name in EDITORS_ONLY:
        response = client.get(pages[name])
        assert response.status_code in (200, 302), name
        assert not response.get("Location", "").startswith("/login/"), name


def test_the_admin_login_static_files_and_favicon_stay_open(db, closed, client):
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/admin/")["Location"].startswith("/admin/login/")  # the admin's own login
    assert client.get("/favicon.ico")["Location"].startswith("/static/")
    assert not client.get("/static/css/fogwatch.css").get("Location", "").startswith("/admin/login/")


def test_pages_are_open_while_public_reading_is_on(pages, client):
    for name, path in pages.items():
        if name not in EDITORS_ONLY | {"accounts:logout"}:
            assert client.get(path).status_code == 200, name


def test_the_root_routes_matrix_covers_every_route_outside_the_pages_and_the_api():
    assert set(ROOT_ROUTES) == root_routes()


def test_the_root_routes_stay_open(db, closed, client):
    for route, (path, status, location) in ROOT_ROUTES.items():
        response = client.get(path)
        assert response.status_code == status, route
        if location:
            assert response["Location"].startswith(location), route


def test_the_health_endpoints_tell_anonymous_visitors_the_verdict_only(db, closed, client):
    for path in ("/health/", "/health/ready/"):
        assert client.get(path).json() == {"status": "ok"}, path
