"""The overview: newest claims, counts by status linking to the list, recently contested, weekly chart."""

from datetime import date

import pytest
from django.utils.html import escape

from locations.models import Location
from tests.factories import ClaimFactory, ConflictFactory, RelationFactory
from tests.support.queries import queries_for
from web.views.claims import week_chart

pytestmark = pytest.mark.django_db


def test_overview_counts_link_to_the_filtered_list(client, panjshir):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/claims/?status=contested"' in html
    assert 'aria-label="3 contested claims"' in html
    assert 'aria-label="11 unverified claims"' in html


def test_overview_lists_recently_contested_claims_with_their_reasons(client, panjshir):
    html = client.get("/").content.decode()
    contested_section = html.split('id="contested-h"')[1].split('id="newest-h"')[0]
    assert escape(panjshir["taliban-capture"].summary) in contested_section
    assert "Denied by National Resistance Front (Fahim Dashti) on 2021-09-03" in contested_section
    assert escape(panjshir["saleh-flags"].summary) not in contested_section


def test_overview_draws_the_weekly_chart_as_svg_without_javascript(client, panjshir):
    html = client.get("/").content.decode()
    # As wide as the page gives it (a phone's too): across in percent, text at its own size.
    assert '<svg width="100%" height="180" role="img"' in html
    assert 'class="fill-contested"' in html
    assert "Week of 30 Aug 2021: 3 contested" in html
    assert "<script" not in html.split("<footer")[0].split("</head>")[1]


def test_overview_without_claims_says_so(client, db):
    html = client.get("/").content.decode()
    assert "No claims yet." in html
    assert "<svg" not in html


def test_overview_runs_the_same_queries_for_one_or_many_claims(client, db, django_assert_max_num_queries):
    RelationFactory(stance="denies")  # one contested claim, one not
    one = queries_for(client, "/")
    for _ in range(15):
        RelationFactory(stance="denies")
    assert queries_for(client, "/") == one
    with django_assert_max_num_queries(8):
        client.get("/")


def test_week_chart_fills_empty_weeks_and_stacks_statuses():
    rows = [
        (date(2021, 8, 16), "unverified", 2),
        (date(2021, 8, 30), "contested", 1),
        (date(2021, 8, 30), "unverified", 3),
    ]
    chart = week_chart(rows)
    assert [bar.week for bar in chart["bars"]] == [date(2021, 8, 16), date(2021, 8, 23), date(2021, 8, 30)]
    assert [bar.total for bar in chart["bars"]] == [2, 0, 4]
    last = chart["bars"][-1]
    assert [seg["status"] for seg in last.segments] == ["contested", "unverified"]
    # The tallest bar reaches the top of the plot.
    assert last.segments[-1]["y"] == chart["plot_top"]
    assert chart["statuses"] == ["contested", "unverified"]


def test_week_chart_places_bars_across_in_percent():
    rows = [(date(2021, 8, 16), "unverified", 2), (date(2021, 8, 30), "contested", 1)]
    chart = week_chart(rows)
    first, middle, last = chart["bars"]
    assert [bar.center for bar in chart["bars"]] == pytest.approx([100 / 6, 50, 500 / 6], abs=0.01)
    assert first.x == pytest.approx(first.center - chart["bar_width"] / 2, abs=0.01)
    assert last.x + chart["bar_width"] <= 100
    assert [bar.cells for bar in chart["bars"]] == [[0, 2], [0, 0], [1, 0]]  # contested, unverified
    assert not chart["dense"]


def test_week_chart_thins_its_labels_and_keeps_them_inside():
    rows = [(date(2021, 1, 4), "unverified", 1), (date(2021, 6, 28), "unverified", 1)]
    chart = week_chart(rows)
    assert len(chart["bars"]) == 26
    labelled = [bar for bar in chart["bars"] if bar.label]
    narrow = [bar for bar in labelled if bar.label_narrow]
    assert 4 <= len(labelled) <= 8 and 2 <= len(narrow) <= 4
    assert labelled[0] is chart["bars"][0] and narrow[0] is chart["bars"][0]
    assert all(bar.center <= 90 for bar in labelled)  # none runs off the right edge
    assert chart["dense"]  # 26 bars: their totals only on a wide screen


def test_week_chart_keeps_only_the_latest_weeks():
    rows = [(date(2020, 1, 6), "unverified", 1), (date(2021, 8, 30), "unverified", 1)]
    chart = week_chart(rows, weeks=4)
    assert chart["bars"][0].week == date(2021, 8, 9)
    assert len(chart["bars"]) == 4
    assert week_chart([]) is None


def test_the_chart_says_which_weeks_it_shows(client, panjshir):
    html = client.get("/").content.decode()
    assert "Claims per week, 16 Aug – 5 Sep 2021" in html


def test_the_overview_offers_the_conflicts_and_is_scoped_by_one(client, panjshir):
    # A conflict elsewhere, a year later: the example's claims are not in it.
    elsewhere = ConflictFactory(
        name="Elsewhere 2022", start=date(2022, 1, 1), places=[Location.objects.get(slug="afghanistan")]
    )
    ClaimFactory(
        claimant=panjshir["taliban-capture"].claimant,
        claimed_on=date(2022, 3, 2),
        location=Location.objects.get(slug="parwan"),
        summary="The Taliban hold Parwan.",
    )
    html = client.get("/").content.decode()
    assert 'href="/?conflict=taliban-nrf-panjshir-2021"' in html
    assert 'href="/?conflict=elsewhere-2022"' in html

    scoped = client.get("/", {"conflict": elsewhere.slug})
    assert scoped.status_code == 200
    page = scoped.content.decode()
    assert "<h1>Overview: Elsewhere 2022</h1>" in page
    assert "1 claim in this conflict" in page
    assert "The Taliban hold Parwan." in page
    assert escape(panjshir["taliban-capture"].summary) not in page
    assert "Claims per week, 28 Feb – 6 Mar 2022" in page
    # Links to the claim list keep the conflict.
    assert 'href="/claims/?status=unverified&amp;conflict=elsewhere-2022"' in page
    assert 'href="/claims/?conflict=elsewhere-2022"' in page


def test_the_example_conflict_scopes_the_overview_to_the_examples_claims(client, panjshir):
    whole = client.get("/").content.decode()
    scoped = client.get("/", {"conflict": "taliban-nrf-panjshir-2021"}).content.decode()
    assert 'aria-label="3 contested claims"' in scoped
    assert scoped.split('id="chart-h"')[1].split("</h2>")[0] == whole.split('id="chart-h"')[1].split("</h2>")[0]


def test_an_unknown_conflict_on_the_overview_is_a_400_naming_it(client, panjshir):
    response = client.get("/", {"conflict": "atlantis"})
    assert response.status_code == 400
    assert "“atlantis”" in response.content.decode()
