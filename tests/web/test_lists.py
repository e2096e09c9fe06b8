"""The lists of places, actors and sources: word search, pages of 50, counts with the subtree (of
one conflict with ``?conflict=``), the tree context of a searched row, bad input, query counts."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection

from tests.factories import (
    ActorFactory,
    ClaimFactory,
    ConflictFactory,
    LocationFactory,
    ReportFactory,
    SourceFactory,
)
from tests.support.queries import queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(db):
    country = LocationFactory(name="Afghanistan", slug="afghanistan", kind="country")
    panjshir = LocationFactory(
        name="Panjshir", slug="panjshir", kind="province", parent=country, aliases=["Panjsher", "پنجشیر"]
    )
    return SimpleNamespace(
        country=country,
        panjshir=panjshir,
        shattal=LocationFactory(name="Shattal", slug="shattal", kind="village", parent=panjshir, aliases=["Shotul"]),
        bazarak=LocationFactory(name="Bazarak", slug="bazarak", kind="town", parent=panjshir),
        deh_salah=LocationFactory(name="Deh Salah", slug="deh-salah", kind="district", parent=country),
        kabul=LocationFactory(name="Kabul", slug="kabul", kind="province", parent=country, aliases=["Кабул"]),
    )


@pytest.fixture
def actors(db):
    resistance = ActorFactory(name="Afghan resistance", slug="afghan-resistance", kind="coalition")
    nrf = ActorFactory(name="National Resistance Front", slug="nrf", parent=resistance, aliases=["NRF", "جبهه مقاومت"])
    return SimpleNamespace(
        resistance=resistance,
        nrf=nrf,
        dashti=ActorFactory(name="Fahim Dashti", slug="fahim-dashti", kind="person", parent=nrf),
        taliban=ActorFactory(name="Taliban", slug="taliban", aliases=["Islamic Emirate of Afghanistan", "Талибан"]),
    )


def listed(html: str, prefix: str) -> list[str]:
    """The slugs of the rows of the list's table, in order (the first link of each row)."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [re.search(rf'href="{prefix}([^/"]+)/"', row).group(1) for row in body.split("<tr")[1:]]


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def row_of(html: str, slug: str, prefix: str) -> str:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return next(row for row in body.split("<tr")[1:] if f'href="{prefix}{slug}/"' in row.split("</td>", 1)[0])


# -- search --------------------------------------------------------------------------------------


def test_places_are_searched_by_name_in_any_case(client, places):
    assert listed(page(client, "/locations/?q=SHATTAL"), "/locations/") == ["shattal"]
    assert listed(page(client, "/locations/?q=bazar"), "/locations/") == ["bazarak"]


def test_places_are_searched_by_alias(client, places):
    assert listed(page(client, "/locations/?q=shotul"), "/locations/") == ["shattal"]
    assert listed(page(client, "/locations/?q=Panjsher"), "/locations/") == ["panjshir"]


def test_places_and_actors_are_searched_by_a_word_in_another_script(client, places, actors):
    assert listed(page(client, "/locations/?q=پنجشیر"), "/locations/") == ["panjshir"]
    assert listed(page(client, "/actors/?q=مقاومت"), "/actors/") == ["nrf"]
    assert listed(page(client, "/locations/?q=Кабул"), "/locations/") == ["kabul"]
    if connection.vendor == "postgresql":  # SQLite folds the case of ASCII letters only
        assert listed(page(client, "/locations/?q=кабул"), "/locations/") == ["kabul"]
        assert listed(page(client, "/actors/?q=ТАЛИБАН"), "/actors/") == ["taliban"]


def test_every_word_of_a_search_must_match(client, places, actors):
    assert listed(page(client, "/locations/?q=salah deh"), "/locations/") == ["deh-salah"]  # any order
    assert listed(page(client, "/locations/?q=deh  kabul"), "/locations/") == []  # each word, one place
    html = page(client, "/actors/?q=resistance front")
    assert listed(html, "/actors/") == ["nrf"]
    assert listed(page(client, "/actors/?q=islamic afghanistan"), "/actors/") == ["taliban"]  # both in one alias
    assert "No actors match." in page(client, "/actors/?q=resistance taliban")


def test_a_search_matches_the_text_of_an_alias_not_its_json(client, places):
    assert listed(page(client, '/locations/?q="'), "/locations/") == []
    assert listed(page(client, "/locations/?q=,"), "/locations/") == []


def test_sources_are_searched_by_every_word(client, db):
    SourceFactory(name="Reuters", slug="reuters", homepage="https://www.reuters.com/")
    SourceFactory(name="Reuters Afghanistan desk", slug="reuters-afghanistan")
    SourceFactory(name="Tolo News", slug="tolo")
    assert listed(page(client, "/sources/?q=reuters"), "/sources/") == ["reuters", "reuters-afghanistan"]
    assert listed(page(client, "/sources/?q=REUTERS desk"), "/sources/") == ["reuters-afghanistan"]
    assert listed(page(client, "/sources/?q=reuters.com"), "/sources/") == ["reuters"]


def test_a_searched_row_shows_its_chain_and_aliases(client, places, actors):
    html = page(client, "/locations/?q=shattal")
    row = row_of(html, "shattal", "/locations/")
    assert (
        '<span class="tree-context">— <a href="/locations/panjshir/">Panjshir</a>, '
        '<a href="/locations/afghanistan/">Afghanistan</a></span>' in row
    )
    assert "also Shotul" in row
    assert 'style="--depth: 0"' in row  # flat: no indentation
    row = row_of(page(client, "/actors/?q=dashti"), "fahim-dashti", "/actors/")
    assert "— <a" in row and ">National Resistance Front</a>, <a" in row and ">Afghan resistance</a>" in row


def test_the_tree_view_indents_and_names_no_chain_where_the_parent_is_on_the_page(client, places):
    html = page(client, "/locations/")
    assert listed(html, "/locations/")[0] == "afghanistan"
    row = row_of(html, "shattal", "/locations/")
    assert 'style="--depth: 2"' in row
    assert "tree-context" not in row


# -- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def many_villages(places):
    """60 villages in Panjshir: with the places of the fixture, two pages of every search for 'village'."""
    return [LocationFactory(name=f"Village {i:02d}", kind="village", parent=places.panjshir) for i in range(60)]


def test_pages_keep_the_search_and_the_conflict(client, places, many_villages):
    war = ConflictFactory(name="Panjshir war", slug="panjshir-war", places=[places.panjshir])
    first = page(client, "/locations/?q=village&conflict=panjshir-war")
    assert "60 places matching “village”, showing 1–50" in first  # Shattal is a village, but not by name
    assert len(listed(first, "/locations/")) == 50
    assert 'href="?q=village&amp;conflict=panjshir-war&amp;page=2" rel="next"' in first
    second = page(client, "/locations/?q=village&conflict=panjshir-war&page=2")
    assert len(listed(second, "/locations/")) == 10
    assert "showing 51–60" in second
    assert 'href="?q=village&amp;conflict=panjshir-war&amp;page=1" rel="prev"' in second
    assert set(listed(first, "/locations/")).isdisjoint(listed(second, "/locations/"))
    assert f'<option value="{war.slug}" selected>' in second
    assert '<input id="list-q" type="search" name="q" value="village"' in second


def test_a_page_out_of_range_shows_the_last_page_as_the_claim_list_does(client, places, many_villages):
    assert "Page 2 of 2" in page(client, "/locations/?page=999")
    assert "Page 2 of 2" in page(client, "/locations/?page=-1")
    assert "Page 1 of 2" in page(client, "/locations/?page=abc")
    assert "Page 2 of 2" in page(client, "/locations/?page=99999999999999999999999")
    # The claim list treats the same numbers the same way.
    for _ in range(51):
        ClaimFactory(location=places.shattal)
    assert "Page 2 of 2" in page(client, "/claims/?page=999")


def test_empty_fields_are_dropped_from_the_address(client, places):
    response = client.get("/locations/?q=&conflict=&kind=province")
    assert response.status_code == 302 and response["Location"] == "/locations/?kind=province"
    assert client.get("/actors/?q=")["Location"] == "/actors/"


def test_the_other_filters_of_the_api_work_on_the_page_and_ride_along_with_a_search(client, places):
    html = page(client, "/locations/?kind=province")
    assert set(listed(html, "/locations/")) == {"kabul", "panjshir"}
    assert '<input type="hidden" name="kind" value="province">' in html


# -- counts --------------------------------------------------------------------------------------


def test_a_province_counts_the_claims_about_its_villages(client, places):
    ClaimFactory(location=places.shattal)
    ClaimFactory(location=places.shattal)
    ClaimFactory(location=places.bazarak)
    ClaimFactory(location=places.panjshir)
    ClaimFactory(location=places.kabul)
    ClaimFactory(location=None)
    html = page(client, "/locations/")
    panjshir = row_of(html, "panjshir", "/locations/")
    assert '<a href="/claims/?location=panjshir">4</a></td><td class="num">1</td>' in panjshir
    country = row_of(html, "afghanistan", "/locations/")
    assert '<a href="/claims/?location=afghanistan">5</a></td><td class="num">0</td>' in country
    assert '<a href="/claims/?location=shattal">2</a></td><td class="num">2</td>' in row_of(
        html, "shattal", "/locations/"
    )
    assert '<td class="num">0</td><td class="num">0</td>' in row_of(html, "deh-salah", "/locations/")
    # The count is what the linked list shows.
    assert "4 claims" in page(client, "/claims/?location=panjshir")
    # A searched page counts the subtree too, though the places below are not on it.
    assert '<a href="/claims/?location=panjshir">4</a>' in page(client, "/locations/?q=panjshir")


def test_a_bloc_counts_the_claims_of_its_members(client, actors):
    ClaimFactory(claimant=actors.nrf)
    ClaimFactory(claimant=actors.nrf)
    ClaimFactory(claimant=actors.dashti)
    ClaimFactory(claimant=actors.taliban, subject=actors.resistance, kind="attack")
    html = page(client, "/actors/")
    assert '<a href="/claims/?claimant=afghan-resistance">3</a></td><td class="num">0</td>' in row_of(
        html, "afghan-resistance", "/actors/"
    )
    assert '<a href="/claims/?claimant=nrf">3</a></td><td class="num">2</td>' in row_of(html, "nrf", "/actors/")
    assert '<a href="/claims/?claimant=taliban">1</a></td><td class="num">1</td>' in row_of(html, "taliban", "/actors/")
    assert "3 claims" in page(client, "/claims/?claimant=afghan-resistance")
    assert '<a href="/claims/?claimant=afghan-resistance">3</a>' in page(client, "/actors/?q=afghan resistance")


def test_a_source_counts_each_claim_cited_from_it_once(client, db):
    wire = SourceFactory(name="Wire", slug="wire")
    other = SourceFactory(name="Other", slug="other")
    first, second = ReportFactory(source=wire), ReportFactory(source=wire)
    ClaimFactory(citations=[{"report": first}, {"report": second}])  # two of its reports, one claim
    ClaimFactory(citations=[{"report": first}])
    ClaimFactory(citations=[{"report": ReportFactory(source=other)}])
    html = page(client, "/sources/")
    assert '<td class="num">2</td><td class="num"><a href="/claims/?source=wire">2</a></td>' in row_of(
        html, "wire", "/sources/"
    )
    assert '<a href="/claims/?source=other">1</a>' in row_of(html, "other", "/sources/")
    assert "2 claims" in page(client, "/claims/?source=wire")


def test_a_conflict_scopes_the_counts_and_the_links(client, places, actors):
    war = ConflictFactory(name="Panjshir war", slug="panjshir-war", start=date(2021, 8, 15), places=[places.panjshir])
    ClaimFactory(claimant=actors.nrf, location=places.shattal, claimed_on=date(2021, 9, 2))  # in it
    ClaimFactory(claimant=actors.dashti, location=places.panjshir, claimed_on=date(2021, 9, 3))  # in it
    ClaimFactory(claimant=actors.nrf, location=places.shattal, claimed_on=date(2021, 7, 1))  # before it
    ClaimFactory(claimant=actors.nrf, location=places.kabul, claimed_on=date(2021, 9, 2))  # elsewhere
    source = SourceFactory(name="Wire", slug="wire")
    ClaimFactory(location=places.shattal, citations=[{"report": ReportFactory(source=source)}])  # in it
    ClaimFactory(location=places.kabul, citations=[{"report": ReportFactory(source=source)}])  # elsewhere

    html = page(client, "/locations/?conflict=panjshir-war")
    assert "Counting the claims of" in html and ">Panjshir war</a> only" in html
    assert '<a href="/claims/?location=afghanistan&amp;conflict=panjshir-war">3</a>' in html
    assert '<a href="/claims/?location=panjshir&amp;conflict=panjshir-war">3</a></td><td class="num">1</td>' in html
    assert "3 claims" in page(client, "/claims/?location=afghanistan&conflict=panjshir-war")
    assert '<a href="/locations/?conflict=panjshir-war"' in html  # the header keeps it
    unscoped = page(client, "/locations/")
    assert '<a href="/claims/?location=afghanistan">6</a>' in unscoped

    html = page(client, f"/actors/?conflict={war.pk}")  # by id too; links name it by slug
    assert '<a href="/claims/?claimant=afghan-resistance&amp;conflict=panjshir-war">2</a>' in html
    assert '<a href="/claims/?claimant=nrf&amp;conflict=panjshir-war">2</a></td><td class="num">1</td>' in html

    html = page(client, "/sources/?conflict=panjshir-war")
    assert '<a href="/claims/?source=wire&amp;conflict=panjshir-war">1</a>' in html


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/locations/", "/actors/", "/sources/"])
def test_bad_input_is_a_clear_400_never_a_500(client, places, path):
    html = page(client, f"{path}?q={'x' * 201}", status=400)
    assert "Search: Ensure this value has at most 200 characters (it has 201)." in html
    assert "<tbody>" not in html
    assert "Null characters are not allowed." in page(client, f"{path}?q=a%00b", status=400)
    assert "No conflict with the id or slug “atlantis”." in page(client, f"{path}?conflict=atlantis", status=400)
    assert page(client, f"{path}?q={'x' * 200}")  # the longest search allowed
    assert page(client, f"{path}?q=%25_%5C%27")  # LIKE's wildcards and quotes are plain text
    assert page(client, f"{path}?page=%00")


# -- query counts --------------------------------------------------------------------------------

LIST_URLS = [
    "/locations/",
    "/locations/?q=village",
    "/locations/?conflict=panjshir-war",
    "/locations/?q=village&conflict=panjshir-war&page=2",
    "/actors/",
    "/actors/?q=member",
    "/actors/?conflict=panjshir-war",
    "/sources/",
    "/sources/?q=outlet&conflict=panjshir-war",
]


def grow(places, actors, n: int) -> None:
    for i in range(n):
        village = LocationFactory(name=f"Village {i}", kind="village", parent=places.panjshir)
        member = ActorFactory(name=f"Member {i}", parent=actors.nrf if i % 2 else actors.taliban)
        report = ReportFactory(source=SourceFactory(name=f"Outlet {i}"))
        ClaimFactory(claimant=member, location=village, citations=[{"report": report}])


def test_list_pages_run_a_constant_number_of_queries(client, places, actors, settings):
    settings.FOGWATCH_VERSION_CACHE_SECONDS = 0  # every request computes its counts
    ConflictFactory(name="Panjshir war", slug="panjshir-war", places=[places.panjshir])
    grow(places, actors, 2)
    few = {url: queries_for(client, url) for url in LIST_URLS}
    grow(places, actors, 70)  # more than a page of each
    many = {url: queries_for(client, url) for url in LIST_URLS}
    assert many == few
    assert max(many.values()) <= 7


def test_the_counts_of_a_page_are_cached_under_the_data_version(client, places, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the data version is PostgreSQL's")
    settings.FOGWATCH_VERSION_CACHE_SECONDS = 600
    ClaimFactory(location=places.shattal)
    first = queries_for(client, "/locations/")
    again = queries_for(client, "/locations/")
    assert again < first  # neither the count of places nor the claim counts are read again
    ClaimFactory(location=places.bazarak)  # a write: a new version, counted afresh
    assert '<a href="/claims/?location=panjshir">2</a>' in page(client, "/locations/")
