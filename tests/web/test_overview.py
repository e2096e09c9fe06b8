"""The overview: newest claims, counts by status linking to the list, recently contested, weekly chart."""

from datetime import date

import pytest
from django.utils.html import escape

from tests.factories import RelationFactory
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
    assert '<svg viewBox="0 0 720 180" role="img"' in html
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


def test_week_chart_keeps_only_the_latest_weeks():
    rows = [(date(2020, 1, 6), "unverified", 1), (date(2021, 8, 30), "unverified", 1)]
    chart = week_chart(rows, weeks=4)
    assert chart["bars"][0].week == date(2021, 8, 9)
    assert len(chart["bars"]) == 4
    assert week_chart([]) is None
