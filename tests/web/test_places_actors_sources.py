"""Places, actors, sources and reports: their pages, 404s and query-count guards."""

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils.html import escape

from claims.models import Claim
from claims.services import claim_set_verdict
from sources.models import Snapshot
from tests.factories import ActorFactory, ClaimFactory, LocationFactory, ReportFactory, SourceFactory
from tests.support.queries import queries_for
from web.views.locations import control_chart

pytestmark = pytest.mark.django_db


def map_data(html: str) -> dict:
    return json.loads(re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S).group(1))


# -- places --------------------------------------------------------------------------------------


def test_location_page_has_map_markers_places_aliases_and_claims(client, panjshir, settings):
    settings.FOGWATCH_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    response = client.get("/locations/parwan/")
    assert response.status_code == 200
    html = response.content.decode()
    data = map_data(html)
    assert data["tiles"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert [(m["name"], m["current"]) for m in data["markers"]] == [("Parwan", True), ("Shattal", False)]
    assert '<a href="/locations/afghanistan/">Afghanistan</a>' in html  # the parent
    assert '<a href="/locations/shattal/">Shattal</a>' in html  # a child
    assert "Parvan" in html  # an alias
    assert escape(panjshir["taliban-shattal"].summary) in html  # a claim about a place below
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/js/map.js" in html


def test_location_control_timeline_draws_a_band_per_bloc(client, panjshir):
    html = client.get("/locations/panjshir/").content.decode()
    assert '<g class="band" data-bloc="Afghan resistance">' in html
    assert "Afghan resistance claimed in control 3 Sep 2021" in html


def test_location_control_timeline_marks_contested_intervals(client, db):
    town = LocationFactory(name="Crossroads", slug="crossroads", latitude=1.0, longitude=2.0)
    red, blue = ActorFactory(name="Red"), ActorFactory(name="Blue")
    ClaimFactory(
        claimant=red,
        kind="control",
        subject=red,
        location=town,
        event_start=date(2021, 9, 1),
        event_end=date(2021, 9, 5),
    )
    ClaimFactory(
        claimant=blue,
        kind="control",
        subject=blue,
        location=town,
        event_start=date(2021, 9, 4),
        event_end=date(2021, 9, 8),
    )
    html = client.get("/locations/crossroads/").content.decode()
    assert html.count('<g class="band"') == 2
    assert 'class="contested-mark"' in html
    assert "Contested 4 Sep 2021 – 5 Sep 2021" in html
    assert 'class="row-contested"' in html


def test_control_chart_has_a_band_per_bloc_and_marks_contested_runs():
    runs = [
        {"start": date(2021, 9, 1), "end": date(2021, 9, 3), "blocs": (1,), "contested": False},
        {"start": date(2021, 9, 4), "end": date(2021, 9, 5), "blocs": (1, 2), "contested": True},
        {"start": date(2021, 9, 6), "end": date(2021, 9, 9), "blocs": (2,), "contested": False},
    ]
    chart = control_chart(runs, {1: "Red", 2: "Blue"})
    assert [row["name"] for row in chart["rows"]] == ["Blue", "Red"]
    blue, red = chart["rows"]
    assert [r["start"].day for r in blue["rects"]] == [4, 6]
    assert [r["contested"] for r in red["rects"]] == [False, True]
    assert [(c["start"].day, c["end"].day) for c in chart["contested"]] == [(4, 5)]
    # Days map to x linearly, in percent of the chart's width: 9 days, each 100/9 %.
    assert red["rects"][0]["x"] == 0
    assert blue["rects"][0]["x"] == pytest.approx(300 / 9, abs=0.01)
    assert blue["rects"][-1]["x"] + blue["rects"][-1]["w"] == pytest.approx(100, abs=0.01)
    # Ticks two days apart, clear of the end date's label; every other one stays on a phone.
    ticks = [(tick["day"].day, tick["narrow"]) for tick in chart["ticks"]]
    assert ticks == [(1, True), (3, False), (5, True), (7, False)]
    assert all(tick["x"] <= 80 for tick in chart["ticks"])
    assert all(tick["x"] <= 60 for tick in chart["ticks"] if tick["narrow"])
    # Each name sits above its band; the bands one under the other.
    assert red["label_y"] < red["y"] and blue["y"] + chart["band_height"] < red["label_y"]
    assert control_chart([], {}) is None


def test_control_chart_draws_adjacent_runs_with_the_same_mark_as_one_span():
    runs = [
        {"start": date(2021, 9, 1), "end": date(2021, 9, 3), "blocs": (1, 2), "contested": True},
        {"start": date(2021, 9, 4), "end": date(2021, 9, 5), "blocs": (1, 2, 3), "contested": True},
        {"start": date(2021, 9, 8), "end": date(2021, 9, 9), "blocs": (1,), "contested": False},
    ]
    chart = control_chart(runs, {1: "Red", 2: "Blue", 3: "Green"})
    red = next(row for row in chart["rows"] if row["name"] == "Red")
    assert [(r["start"].day, r["end"].day, r["contested"]) for r in red["rects"]] == [(1, 5, True), (8, 9, False)]
    assert [(c["start"].day, c["end"].day) for c in chart["contested"]] == [(1, 5)]


def test_a_place_with_years_of_control_claims_shows_its_latest_90_days(client, db):
    town = LocationFactory(name="Frontline", slug="frontline")
    red, blue = ActorFactory(name="Red"), ActorFactory(name="Blue")
    first = date(2021, 1, 1)
    for i in range(60):  # one-day claims two days apart: 60 intervals, 1 January to 29 April
        ClaimFactory(
            claimant=red,
            kind="control",
            subject=(red, blue)[i % 2],
            location=town,
            event_start=first + timedelta(days=2 * i),
        )
    html = client.get("/locations/frontline/").content.decode()
    # By default the last 90 days of its claims: 30 January to 29 April, 45 of the claims.
    assert 'data-start="2021-01-30" data-end="2021-04-29">30 Jan 2021 – 29 Apr 2021 (90 days)</span>' in html
    assert 'Control claims in these dates <span class="muted">(45)</span>' in html
    assert html.count('class="band-fill') == 45
    assert "<td>1 Jan 2021</td>" not in html

    html = client.get("/locations/frontline/", {"start": "2021-01-01", "end": "2021-04-29"}).content.decode()
    assert 'Control claims in these dates <span class="muted">(60)</span>' in html
    assert "The latest 50 of 60 intervals" in html
    intervals = html.split('<table class="compact intervals">')[1].split("</table>")[0]
    assert intervals.count("<tr") == 51  # the header and 50 intervals
    last = first + timedelta(days=118)
    assert f"<td>{last.day} {last:%b %Y}</td>" in intervals and "<td>1 Jan 2021</td>" not in intervals
    assert html.count('class="band-fill') == 60  # the chart still draws every interval of the window
    assert "/claims/?location=frontline&amp;kind=control&amp;event_after=2021-01-01&amp;event_before=2021-04-29" in html


@pytest.fixture
def long_hold(db):
    """Red claims Hilltop all September 2021; Blue claims 20–25 September, and Blue once more in 2020."""
    town = LocationFactory(name="Hilltop", slug="hilltop")
    red, blue = ActorFactory(name="Red"), ActorFactory(name="Blue")
    september = ClaimFactory(
        claimant=red,
        kind="control",
        subject=red,
        location=town,
        event_start=date(2021, 9, 1),
        event_end=date(2021, 9, 30),
    )
    ClaimFactory(
        claimant=blue,
        kind="control",
        subject=blue,
        location=town,
        event_start=date(2021, 9, 20),
        event_end=date(2021, 9, 25),
    )
    ClaimFactory(claimant=blue, kind="control", subject=blue, location=town, event_start=date(2020, 5, 1))
    return september


def test_the_window_cuts_the_timeline_at_its_edges(client, long_hold):
    response = client.get("/locations/hilltop/", {"start": "2021-09-10", "end": "2021-09-21"})
    assert response.status_code == 200
    html = response.content.decode()
    red = html.split('data-bloc="Red"')[1].split("</g>")[0]
    # Red's claim began before the window: it still holds the window's first day, cut at both edges.
    assert re.findall(r'class="band-fill[^"]*" data-start="([\d-]+)" data-end="([\d-]+)"', red) == [
        ("2021-09-10", "2021-09-19"),
        ("2021-09-20", "2021-09-21"),
    ]
    assert "Contested 20 Sep 2021 – 21 Sep 2021" in html
    assert 'Control claims in these dates <span class="muted">(2)</span>' in html
    assert "1 May 2020" not in html  # Blue's claim of 2020 is outside the window


def test_the_window_links_move_it_and_keep_the_other_parameters(client, long_hold):
    query = {"conflict": "hills-2021", "as_of": "2021-10-01", "start": "2021-09-11", "end": "2021-09-20"}
    html = client.get("/locations/hilltop/", query).content.decode()
    kept = "conflict=hills-2021&amp;as_of=2021-10-01"
    assert f'<a href="?{kept}&amp;start=2021-09-01&amp;end=2021-09-10" rel="prev">‹ Earlier</a>' in html
    assert f'<a href="?{kept}&amp;start=2021-09-21&amp;end=2021-09-30" rel="next">Later ›</a>' in html
    assert f'<a href="?{kept}&amp;start=2021-09-06&amp;end=2021-09-25">Zoom out</a>' in html
    assert f'<a href="?{kept}&amp;start=2021-09-13&amp;end=2021-09-17">Zoom in</a>' in html
    assert f'<a href="?{kept}">Latest</a>' in html
    assert '<input type="hidden" name="conflict" value="hills-2021">' in html


def test_one_date_gives_a_window_of_90_days_from_it(client, long_hold):
    html = client.get("/locations/hilltop/", {"end": "2020-06-30"}).content.decode()
    assert 'data-start="2020-04-02" data-end="2020-06-30"' in html
    assert html.count('class="band-fill') == 1  # Blue, 1 May 2020


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        pytest.param({"start": "someday"}, "From", "Enter a valid date.", id="bad-start"),
        pytest.param({"end": "2021-02-30"}, "To", "Enter a valid date.", id="bad-end"),
        pytest.param(
            {"start": "2021-09-20", "end": "2021-09-10"},
            "To",
            "The end (10 Sep 2021) is before the start (20 Sep 2021).",
            id="end-before-start",
        ),
    ],
)
def test_bad_window_dates_are_a_form_error_on_the_page(client, long_hold, query, field, message):
    response = client.get("/locations/hilltop/", query)
    assert response.status_code == 400
    html = response.content.decode()
    errors = html.split('id="window-errors">')[1].split("</div>")[0]
    assert f"{field}</a>: {escape(message)}" in errors
    # the page still shows the latest 90 days of the place's claims
    assert 'data-start="2021-07-03" data-end="2021-09-30"' in html


def test_inert_control_claims_leave_the_timeline(client, db):
    town = LocationFactory(name="Bridge", slug="bridge")
    red, blue = ActorFactory(name="Red"), ActorFactory(name="Blue")
    ClaimFactory(claimant=red, kind="control", subject=red, location=town, event_start=date(2021, 9, 1))
    refuted = ClaimFactory(claimant=blue, kind="control", subject=blue, location=town, event_start=date(2021, 9, 1))
    claim_set_verdict(claim=refuted, verdict="false")
    html = client.get("/locations/bridge/").content.decode()
    assert html.count('<g class="band"') == 1
    assert 'data-bloc="Red"' in html
    assert 'class="contested-mark"' not in html


def test_location_without_coordinates_has_no_map(client, db):
    LocationFactory(name="Nowhere", slug="nowhere")
    html = client.get("/locations/nowhere/").content.decode()
    assert "No coordinates recorded" in html
    assert "leaflet.js" not in html


def test_unknown_location_is_404(client, db):
    assert client.get("/locations/atlantis/").status_code == 404


def test_location_pages_run_constant_queries(client, place, django_assert_max_num_queries):
    ClaimFactory(location=place, kind="control", subject=ActorFactory(), event_start=date(2021, 9, 1))
    one = queries_for(client, "/locations/testville/")
    for i in range(10):
        child = LocationFactory(parent=place, latitude=35.0 + i / 10, longitude=69.0)
        ClaimFactory(location=child)
        ClaimFactory(location=place, kind="control", subject=ActorFactory(), event_start=date(2021, 9, 2 + i))
    assert queries_for(client, "/locations/testville/") == one
    with django_assert_max_num_queries(11):
        client.get("/locations/testville/")
    # any window: the same queries (less the default window's look-up of the latest event)
    assert queries_for(client, "/locations/testville/?start=2021-09-05&end=2021-09-07") == one - 1
    assert queries_for(client, "/locations/testville/?start=2020-01-01&end=2022-12-31") == one - 1
    assert queries_for(client, "/locations/testville/?start=1999-01-01&end=1999-01-01") <= one - 1  # empty
    assert_list_queries(client, "/locations/")


def assert_list_queries(client, url: str) -> None:
    """A list, rendered: its count, its rows, their claim counts, the conflicts to choose from, and on
    PostgreSQL the data version its results and their counts are cached under (read for each).
    Served again: the data version and the conflicts only (tests/web/test_lists.py has more)."""
    assert queries_for(client, url) <= 7
    assert queries_for(client, url) <= 2


# -- actors --------------------------------------------------------------------------------------


def test_actor_page_shows_bloc_members_claims_and_shares(client, panjshir):
    response = client.get("/actors/nrf/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/actors/afghan-resistance/">Afghan resistance</a>' in html  # its bloc
    assert '<a href="/actors/fahim-dashti/">Fahim Dashti</a>' in html  # a member
    made = html.split('id="made-h"')[1].split("</section>")[0]
    assert escape(panjshir["nrf-denial"].summary) in made
    about = html.split('id="about-h"')[1].split("</section>")[0]
    assert escape(panjshir["taliban-losses-claim"].summary) in about  # the NRF is its subject
    # 3 claims made by the NRF, 1 contested (the passes); all unverified (Saleh's support is an echo).
    assert '<a href="/claims/?claimant=nrf">3</a>' in html
    assert '<a href="/claims/?claimant=nrf&amp;contested=true">33%</a>' in html
    assert '<a href="/claims/?claimant=nrf&amp;unverified=true">100%</a>' in html


def test_a_spokespersons_page_lists_the_claims_he_voiced(client, panjshir):
    html = client.get("/actors/zabihullah-mujahid/").content.decode()
    voiced = html.split('id="voiced-h"')[1].split("</section>")[0]
    spoken = Claim.objects.filter(spokesperson__slug="zabihullah-mujahid")
    assert spoken.exists()
    for claim in spoken:
        assert escape(claim.summary) in voiced
    assert f"({spoken.count()})" in voiced
    assert 'id="voiced-h"' not in client.get("/actors/nrf/").content.decode()  # voiced nothing


def test_every_page_names_its_icon(client, panjshir):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert client.get("/favicon.ico")["Location"] == "/static/favicon.svg"


def test_actor_list_groups_actors_by_bloc(client, panjshir):
    html = client.get("/actors/").content.decode()
    assert html.index(">Afghan resistance<") < html.index(">National Resistance Front<") < html.index(">Fahim Dashti<")


def test_unknown_actor_is_404(client, db):
    assert client.get("/actors/nobody/").status_code == 404


def test_actor_page_runs_constant_queries(client, db, django_assert_max_num_queries):
    actor = ActorFactory(slug="busy")
    ClaimFactory(claimant=actor, subject=actor, kind="casualties")
    one = queries_for(client, "/actors/busy/")
    for _ in range(10):
        ClaimFactory(claimant=ActorFactory(parent=actor))
        ClaimFactory(claimant=actor, subject=actor, kind="casualties")
        ClaimFactory(claimant=actor, spokesperson=ActorFactory(parent=actor))
    assert queries_for(client, "/actors/busy/") == one
    with django_assert_max_num_queries(10):
        client.get("/actors/busy/")
    assert_list_queries(client, "/actors/")


# -- sources and reports -------------------------------------------------------------------------


def test_source_page_shows_grade_reports_and_claims(client, panjshir):
    response = client.get("/sources/reuters/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="grade grade-B"' in html
    assert "At least eight Taliban fighters killed in Panjshir clash" in html
    assert escape(panjshir["reuters-eight-killed"].summary) in html
    assert escape(panjshir["nrf-denial"].summary) not in html


def test_report_page_shows_the_article_snapshots_and_cited_claims(client, db):
    report = ReportFactory(title="Clash at the pass", url="https://news.example.org/clash", author="A. Writer")
    Snapshot.objects.create(
        report=report, fetched_at=datetime(2021, 9, 4, 10, 0, tzinfo=UTC), http_status=200, sha256="ab" * 32, size=2048
    )
    claim = ClaimFactory(citations=[{"report": report, "quote": "We hold the pass."}])
    other = ClaimFactory()
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Clash at the pass" in html and "A. Writer" in html
    assert 'href="https://news.example.org/clash"' in html
    assert "4 Sep 2021 10:00" in html and "2.0\xa0KB" in html
    assert claim.summary in html and other.summary not in html
    assert '<blockquote class="quote" dir="auto">We hold the pass.</blockquote>' in html


def test_unknown_source_and_report_are_404(client, db):
    assert client.get("/sources/nobody/").status_code == 404
    assert client.get("/reports/424242/").status_code == 404


def test_source_and_report_pages_run_constant_queries(client, db, django_assert_max_num_queries):
    source = SourceFactory(slug="busy-source")
    report = ReportFactory(source=source)
    ClaimFactory(citations=[{"report": report}])
    source_one = queries_for(client, "/sources/busy-source/")
    report_one = queries_for(client, f"/reports/{report.pk}/")
    for _ in range(10):
        ClaimFactory(citations=[{"report": report}, {"report": ReportFactory(source=source)}])
    assert queries_for(client, "/sources/busy-source/") == source_one
    assert queries_for(client, f"/reports/{report.pk}/") == report_one
    assert_list_queries(client, "/sources/")
    with django_assert_max_num_queries(8):
        client.get(f"/reports/{report.pk}/")
