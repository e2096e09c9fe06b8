"""The claim list: the API's FilterSet as a form, errors shown, as-of, pagination, links to API and CSV."""

import re

import pytest
from django.utils.html import escape

from tests.factories import ClaimFactory
from tests.support.queries import queries_for

pytestmark = pytest.mark.django_db


def rows(response) -> int:
    return response.content.decode().count('<td class="claim-cell">')


def test_list_shows_every_claim_with_a_status_badge(client, panjshir):
    response = client.get("/claims/")
    assert response.status_code == 200
    assert rows(response) == len(panjshir)
    html = response.content.decode()
    assert '<span class="badge badge-contested"' in html
    assert "14 claims" in html


def test_list_renders_the_filterset_as_a_labelled_form(client, db):
    html = client.get("/claims/").content.decode()
    for name in ("q", "kind", "location", "claimant", "claimed_after", "claimed_before", "as_of", "ordering"):
        assert f'<label for="id_{name}">' in html, name
        assert f'id="id_{name}"' in html, name
    assert "<legend>Status</legend>" in html
    assert 'name="status" value="contested"' in html
    assert 'type="date" name="as_of"' in html
    assert '<option value="" selected>Any kind</option>' in html
    assert '<option value="-claimed_on">Newest claimed first</option>' in html
    assert "---------" not in html


def test_filter_by_status_and_location(client, panjshir):
    response = client.get("/claims/?status=contested&location=panjshir")
    html = response.content.decode()
    assert rows(response) == 2  # the capture and the passes; Shattal is in Parwan
    assert escape(panjshir["taliban-capture"].summary) in html
    assert escape(panjshir["taliban-shattal"].summary) not in html
    assert re.search(r'<input type="checkbox" name="status" value="contested"[^>]* checked', html)
    assert not re.search(r'<input type="checkbox" name="status" value="unverified"[^>]* checked', html)


def test_location_filter_includes_places_below(client, panjshir):
    response = client.get("/claims/?location=parwan")
    assert rows(response) == 1
    assert escape(panjshir["taliban-shattal"].summary) in response.content.decode()


def test_text_search_comes_from_the_header_box(client, panjshir):
    response = client.get("/claims/?q=kilometer")
    assert rows(response) == 1
    assert escape(panjshir["nrf-denial"].summary) in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=bogus", "bogus is not one of the available choices"),
        ("status=maybe", "maybe is not one of the available choices"),
        ("location=atlantis", "No location with the id or slug “atlantis”."),
        ("claimed_after=yesterday", "Enter a valid date."),
        ("as_of=31-02-2021", "Enter a valid date."),
        ("contested=perhaps", "“perhaps” is not a boolean"),
    ],
)
def test_invalid_filters_are_form_errors_not_an_empty_list(client, panjshir, query, message):
    response = client.get(f"/claims/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters could not be used." in html
    assert message in html.replace("&quot;", '"').replace("&#x27;", "'")
    assert rows(response) == 0
    assert "No results: the filters above have errors." in html
    name = query.split("=")[0]
    assert re.search(rf'<(input|select)[^>]*aria-invalid="true"[^>]*aria-describedby="id_{name}_errors"', html)
    assert f'id="id_{name}_errors"' in html
    assert "export.csv" not in html and "export.geojson" not in html  # no export of a query in error


def test_the_list_offers_every_export_for_the_filters_on_screen(client, panjshir):
    html = client.get("/claims/?location=panjshir&status=contested").content.decode()
    query = "location=panjshir&amp;status=contested"
    for path in (
        "/api/v1/claims/",
        "/api/v1/claims/export.csv",
        "/api/v1/claims/export.geojson",
        "/api/v1/claims/export.jsonl",
    ):
        assert f'href="{path}?{query}"' in html
    csv_rows = client.get("/api/v1/claims/export.csv?location=panjshir&status=contested")
    listed = client.get("/api/v1/claims/?location=panjshir&status=contested").json()["count"]
    assert len(b"".join(csv_rows.streaming_content).decode().strip().splitlines()) == listed + 1


def test_as_of_shows_statuses_as_they_stood(client, panjshir):
    response = client.get("/claims/?as_of=2021-09-02&status=contested")
    assert response.status_code == 200
    assert rows(response) == 0  # the NRF had not answered yet
    response = client.get("/claims/?as_of=2021-09-02&location=panjshir")
    html = response.content.decode()
    assert "as of 2 Sep 2021" in html
    assert escape(panjshir["taliban-capture"].summary) in html
    assert escape(panjshir["nrf-denial"].summary) not in html  # made on 3 September
    assert "badge-contested" not in html.split("<tbody>")[1]
    assert f"/claims/{panjshir['taliban-capture'].pk}/?as_of=2021-09-02" in html
    response = client.get("/claims/?as_of=2021-09-03&status=contested")
    assert rows(response) == 3


def test_empty_fields_from_the_form_are_dropped_from_the_address(client, db):
    response = client.get("/claims/?q=&kind=&location=panjshir&status=contested&status=unverified&as_of=")
    assert response.status_code == 302
    assert response["Location"] == "/claims/?location=panjshir&status=contested&status=unverified"
    response = client.get("/claims/?q=&kind=")
    assert response["Location"] == "/claims/"


def test_ordering_is_offered_and_applied(client, panjshir):
    html = client.get("/claims/?ordering=claimed_on").content.decode()
    first_row = html.split('<td class="claim-cell">')[1]
    assert "At least eight Taliban fighters" in first_row or "Local militias evicted" in first_row
    assert 'value="-claimed_on"' in html


def test_links_to_the_same_query_in_the_api_and_as_csv(client, panjshir):
    html = client.get("/claims/?status=contested&location=panjshir&page=1").content.decode()
    assert 'href="/api/v1/claims/?status=contested&amp;location=panjshir"' in html
    assert 'href="/api/v1/claims/export.csv?status=contested&amp;location=panjshir"' in html


def test_pagination_keeps_the_filters(client, settings, make_claims):
    settings.FOGWATCH_PAGE_SIZE = 5
    make_claims(12, kind="attack")
    make_claims(2, kind="statement")
    response = client.get("/claims/?kind=attack")
    html = response.content.decode()
    assert rows(response) == 5
    assert "Page 1 of 3" in html
    assert 'href="?kind=attack&amp;page=2"' in html
    response = client.get("/claims/?kind=attack&page=3")
    assert rows(response) == 2
    assert 'href="?kind=attack&amp;page=2"' in response.content.decode()


def test_list_runs_the_same_queries_for_one_or_a_full_page(client, make_claims, django_assert_max_num_queries):
    make_claims(1)
    one = queries_for(client, "/claims/")
    one_as_of = queries_for(client, "/claims/?as_of=2021-09-30")
    make_claims(30)
    assert queries_for(client, "/claims/") == one
    assert queries_for(client, "/claims/?as_of=2021-09-30") == one_as_of
    with django_assert_max_num_queries(10):
        client.get("/claims/?as_of=2021-09-30&location=&claimant=")


def test_quotes_and_summaries_are_escaped(client, db):
    ClaimFactory(summary="<b>bold</b> & <script>alert(1)</script>")
    html = client.get("/claims/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;" in html


def test_the_filters_fold_under_a_summary_of_the_ones_set(client, panjshir):
    html = client.get("/claims/").content.decode()
    # Open as sent (a wide screen, or no JavaScript); a phone's script folds it.
    assert '<details class="filters-fold" id="filters-fold" open>' in html
    assert "· none active</span></summary>" in html
    query = "location=panjshir&status=contested&status=unverified&ordering=claimed_on"
    html = client.get(f"/claims/?{query}").content.decode()
    assert "· 2 active: Status, Location</span></summary>" in html  # the order chooses no claims


def test_filters_in_error_are_kept_open_on_every_screen(client, db):
    html = client.get("/claims/?kind=bogus").content.decode()
    assert '<details class="filters-fold" id="filters-fold" open data-keep-open>' in html
