"""The claim list's and the place page's cached parts (web/views/fragments.py): served from the cache
while the data stays the same, rendered anew after any write."""

from datetime import date

import pytest
from django.db import connection
from django.utils.html import escape

from claims.models import Claim
from claims.services import relation_create
from tests.factories import ActorFactory, ClaimFactory, LocationFactory
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
