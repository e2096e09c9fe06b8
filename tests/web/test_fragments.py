"""The claim list's and the place page's cached parts (web/views/fragments.py): served from the cache
while the data stays the same, rendered anew after any write."""

import re
from datetime import date

import pytest
from django.db import connection
from django.utils.html import escape

from claims.models import Claim
from claims.services import relation_create
from tests.factories import ActorFactory, ClaimFactory, LocationFactory, SourceFactory
from tests.support.queries import queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def version_cache(settings):
    assert connection.vendor == "postgresql"  # the data version is PostgreSQL's
    settings.FOGWATCH_VERSION_CACHE_SECONDS = 600


def test_the_claim_list_is_served_from_the_cache_until_a_write(client, panjshir):
    url = "/claims/?status=contested"
    capture = panjshir["taliban-capture"]
    html = client.get(url).content.decode()
    assert escape(capture.summary) in html
    first = queries_for(client, url + "&page=1")
    again = queries_for(client, url + "&page=1")
    assert again < first  # the rows, the flags and the form come from the cache

    # A write by a plain UPDATE (no service, no signal): the trigger changes the version.
    Claim.objects.filter(pk=capture.pk).update(summary="The Taliban now say they took the whole valley.")
    html = client.get(url).content.decode()
    assert "The Taliban now say they took the whole valley." in html
    assert escape(capture.summary) not in html


def test_a_claim_that_becomes_contested_joins_the_cached_list(client, db):
    red, blue = ActorFactory(name="Red"), ActorFactory(name="Blue")
    town = LocationFactory(name="Ford")
    claim = ClaimFactory(claimant=red, summary="Red crossed the ford.", location=town)
    url = "/claims/?status=contested"
    assert "Red crossed the ford." not in client.get(url).content.decode()
    client.get(url)  # cached
    denial = ClaimFactory(claimant=blue, summary="Nobody crossed the ford.", location=town)
    relation_create(claim=denial, target=claim, stance="denies")
    html = client.get(url).content.decode()
    assert "Red crossed the ford." in html


def test_the_filter_form_follows_new_places(client, panjshir):
    url = "/claims/?status=contested"
    assert "new-outpost" not in client.get(url).content.decode()
    LocationFactory(name="New outpost", slug="new-outpost")
    assert '<option value="new-outpost">New outpost</option>' in client.get(url).content.decode()


def test_the_place_page_is_served_from_the_cache_until_a_write(client, db):
    town = LocationFactory(name="Hilltop", slug="hilltop")
    red, blue = ActorFactory(name="Red"), ActorFactory(name="Blue")
    ClaimFactory(claimant=red, kind="control", subject=red, location=town, event_start=date(2021, 9, 1))
    html = client.get("/locations/hilltop/").content.decode()
    assert html.count('<g class="band"') == 1
    first = queries_for(client, "/locations/hilltop/?start=2021-08-01&end=2021-09-30")
    again = queries_for(client, "/locations/hilltop/?start=2021-08-01&end=2021-09-30")
    assert again < first  # the timeline and the claims come from the cache

    ClaimFactory(
        claimant=blue,
        kind="control",
        subject=blue,
        location=town,
        event_start=date(2021, 9, 1),
        summary="Blue holds it.",
    )
    html = client.get("/locations/hilltop/?start=2021-08-01&end=2021-09-30").content.decode()
    assert html.count('<g class="band"') == 2
    assert 'class="contested-mark"' in html
    assert "Blue holds it." in html


def test_the_cached_place_page_keeps_each_query_apart(client, db):
    town = LocationFactory(name="Hilltop", slug="hilltop")
    red = ActorFactory(name="Red")
    ClaimFactory(claimant=red, kind="control", subject=red, location=town, event_start=date(2021, 9, 1))
    one = client.get("/locations/hilltop/?conflict=a&start=2021-08-01&end=2021-09-30").content.decode()
    other = client.get("/locations/hilltop/?conflict=b&start=2021-08-01&end=2021-09-30").content.decode()
    assert 'name="conflict" value="a"' in one and 'name="conflict" value="b"' in other
    bad = client.get("/locations/hilltop/?start=2021-09-30&end=2021-08-01")
    assert bad.status_code == 400 and "is before the start" in bad.content.decode()


def test_the_claim_list_keeps_each_query_apart_and_its_count_with_it(client, db):
    red = ActorFactory(name="Red")
    for n in range(3):
        ClaimFactory(claimant=red, summary=f"Red said thing {n}.", claimed_on=date(2021, 9, 1 + n))
    everything = client.get("/claims/").content.decode()
    early = client.get("/claims/?claimed_before=2021-09-01").content.decode()
    assert "3 claims" in everything and "Red said thing 2." in everything
    assert "1 claim<" in early and "Red said thing 2." not in early
    assert "3 claims" in client.get("/claims/").content.decode()  # from the cache: still its own


@pytest.mark.parametrize(
    ("url", "made", "shown"),
    [
        ("/actors/", lambda: ActorFactory(name="Zeta Brigade"), "Zeta Brigade"),
        ("/locations/", lambda: LocationFactory(name="Zeta Ridge"), "Zeta Ridge"),
        ("/sources/", lambda: SourceFactory(name="Zeta Wire"), "Zeta Wire"),
    ],
)
def test_a_list_page_is_served_from_the_cache_until_a_write(client, db, url, made, shown):
    ActorFactory(name="Alpha Front")
    LocationFactory(name="Alpha Hill")
    SourceFactory(name="Alpha News")
    client.get(url)
    first = queries_for(client, url + "?page=1")
    again = queries_for(client, url + "?page=1")
    assert again < first  # the count, the rows and their claim counts come from the cache
    html = client.get(url).content.decode()
    assert shown not in html
    before = _result_count(html)
    made()
    html = client.get(url).content.decode()
    assert shown in html
    assert _result_count(html) == before + 1  # the count follows the write too


def _result_count(html: str) -> int:
    match = re.search(r'class="result-count" role="status">(\d+) ', html)
    assert match, html
    return int(match.group(1))


def test_a_list_page_keeps_each_search_and_page_apart(client, db, settings):
    settings.FOGWATCH_PAGE_SIZE = 2
    for name in ("Alpha Front", "Beta Front", "Gamma Front"):
        ActorFactory(name=name)
    first = client.get("/actors/?q=front").content.decode()
    second = client.get("/actors/?q=front&page=2").content.decode()
    beta = client.get("/actors/?q=beta").content.decode()
    assert "Alpha Front" in first and "Gamma Front" not in first and "Page 1 of 2" in first
    assert "Gamma Front" in second and "Alpha Front" not in second and "Page 2 of 2" in second
    assert "Beta Front" in beta and "Alpha Front" not in beta and "1 actor matching" in beta
    # The pagination's links carry the query of the request they were rendered for.
    assert 'href="?q=front&amp;page=2"' in first
