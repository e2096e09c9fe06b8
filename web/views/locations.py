"""HTML pages of places: the list, and one place with its map, control timeline and claims."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil
from urllib.parse import urlencode

from django import forms
from django.db.models import F, Max
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse

from actors.models import Actor
from claims import selectors as claim_selectors
from claims import timeline
from claims.filters import LocationListFilter
from claims.models import Claim
from locations import selectors
from locations.models import Location
from web.views.fragments import cached_fragment
from web.views.lists import Row, list_page, tree_rows
from web.views.map import allow_tiles, map_settings

CLAIM_ROWS = 50
WINDOW_DAYS = 90  # the control timeline's default window: the last 90 days of the place's control claims
INTERVAL_ROWS = 50  # the newest intervals listed under the chart (the chart draws them all)
# The control chart, down in pixels: each bloc's name on a line, its band below it.
CONTROL_ROW, CONTROL_LABEL, CONTROL_BAND, CONTROL_TOP = 40, 14, 18, 2
# Date ticks across: about six, whole days apart, none past 80% of the width (the end date's label
# is there); on a narrow screen every other one, none past 60%.
CONTROL_TICKS, CONTROL_TICK_LIMIT, CONTROL_TICK_LIMIT_NARROW = 6, 80.0, 60.0


def _place_rows(places: list[Location], conflicts: list, flat: bool, scope: str) -> list[Row]:
    counts = claim_selectors.location_claim_counts(places, conflicts)
    return tree_rows(places, counts, flat, detail="locations:detail", param="location", scope=scope)


def location_list(request: HttpRequest) -> HttpResponse:
    """Places in tree order (or, searched or filtered, a flat list with each place's chain), 50 a
    page, each with the claims about it and the places below it (of one conflict with ``?conflict=``)."""
    return list_page(
        request,
        filterset_class=LocationListFilter,
        queryset=selectors.location_list().order_by("path"),
        template="locations/location_list.html",
        noun="place",
        url_name="locations:list",
        rows=_place_rows,
    )


class ControlWindowForm(forms.Form):
    """The place page's window on its control timeline: ``?start=&end=`` (dates, both included)."""

    start = forms.DateField(required=False, label="From")
    end = forms.DateField(required=False, label="To")

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", f"The end ({end:%d %b %Y}) is before the start ({start:%d %b %Y}).")
        return cleaned


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def moved(self, days: int) -> Window:
        return Window(self.start + timedelta(days=days), self.end + timedelta(days=days))

    def resized(self, days: int) -> Window:
        """The window ``days`` long, around the same middle (at least one day)."""
        days = max(1, days)
        start = self.start + timedelta(days=(self.days - days) // 2)
        return Window(start, start + timedelta(days=days - 1))


def _shifted(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def default_window(location: Location) -> Window:
    """The last ``WINDOW_DAYS`` days of the place's control claims, ending on the latest day an event
    reaches (or, with no event dates, the latest ``claimed_on``; with no control claims, today)."""
    latest = Claim.objects.filter(location=location, kind=Claim.Kind.CONTROL).aggregate(
        start=Max("event_start"), end=Max("event_end"), claimed=Max("claimed_on")
    )
    events = [day for day in (latest["start"], latest["end"]) if day is not None]
    end = max(events) if events else latest["claimed"] or date.today()
    return Window(_shifted(end, 1 - WINDOW_DAYS), end)


def chosen_window(location: Location, form: ControlWindowForm) -> Window:
    """The window the query asks for: both dates as given, one of them with ``WINDOW_DAYS`` days on
    its other side, none (or bad ones) the default."""
    if not form.is_valid():
        return default_window(location)
    start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    if start and end:
        return Window(start, end)
    if start:
        return Window(start, _shifted(start, WINDOW_DAYS - 1))
    if end:
        return Window(_shifted(end, 1 - WINDOW_DAYS), end)
    return default_window(location)


def window_links(query: QueryDict, window: Window) -> dict[str, str]:
    """Query strings that move the window (earlier, later, zoomed), keeping every other parameter."""
    kept = [(key, value) for key, value in query.lists() if key not in ("start", "end")]

    def link(moved: Window) -> str:
        pairs = [(key, value) for key, values in kept for value in values]
        return "?" + urlencode([*pairs, ("start", moved.start.isoformat()), ("end", moved.end.isoformat())])

    links = {}
    for name, make in (
        ("earlier", lambda: window.moved(-window.days)),
        ("later", lambda: window.moved(window.days)),
        ("zoom_out", lambda: window.resized(window.days * 2)),
        ("zoom_in", lambda: window.resized(window.days // 2)),
    ):
        try:
            links[name] = link(make())
        except OverflowError:  # past year 1 or 9999: no link that way
            continue
    if window.days == 1:
        links.pop("zoom_in", None)
    links["latest"] = "?" + urlencode([(key, value) for key, values in kept for value in values])
    return links


def control_intervals(location: Location, window: Window) -> tuple[list[dict], dict[int, str]]:
    """The control timeline of a place seen through a window (the same pure functions as the API), and
    the names of the blocs in it; read as rows of the claims overlapping the window, in one query."""
    rows = claim_selectors.control_window_rows(location, start=window.start, end=window.end)
    runs = timeline.clip_intervals(timeline.control_intervals(timeline.control_facts(rows)), window.start, window.end)
    bloc_names = dict(Actor.objects.filter(pk__in={b for run in runs for b in run.blocs}).values_list("pk", "name"))
    intervals = [
        {"start": run.start, "end": run.end, "blocs": run.blocs, "contested": run.contested, "claims": run.claims}
        for run in runs
    ]
    return intervals, bloc_names


def _spans(runs: list[dict]) -> list[dict]:
    """Adjacent runs with the same contested mark drawn as one span (the picture is the same, the
    SVG a fraction of the size for a place with years of claims)."""
    spans: list[dict] = []
    for run in runs:
        last = spans[-1] if spans else None
        if last and last["contested"] == run["contested"] and last["end"] + timedelta(days=1) == run["start"]:
            last["end"] = run["end"]
        else:
            spans.append({"start": run["start"], "end": run["end"], "contested": run["contested"]})
    return spans


def _percent(days: float, total: int) -> float:
    return round(days * 100 / total, 3)


def control_chart(
    intervals: list[dict], bloc_names: dict[int, str], first: date | None = None, last: date | None = None
) -> dict | None:
    """SVG geometry of the control timeline: one band per bloc, contested intervals marked (pure).

    Across, positions are percentages of the chart's width (a day is ``100 / days`` percent), so
    the SVG takes the page's width, a phone's too, with its text at its own size; down, they are
    pixels. Each bloc's name sits above its band, so no column of names takes width from the bands.
    ``first`` and ``last`` (the window) span the axis; by default the intervals do.
    """
    if not intervals:
        return None
    first = first or min(run["start"] for run in intervals)
    last = last or max(run["end"] for run in intervals)
    days = (last - first).days + 1
    blocs = sorted({bloc for run in intervals for bloc in run["blocs"]}, key=lambda b: bloc_names.get(b, ""))

    def placed(span: dict) -> dict:
        return {
            "x": _percent((span["start"] - first).days, days),
            "w": _percent((span["end"] - span["start"]).days + 1, days),
            **span,
        }

    rows = []
    for index, bloc in enumerate(blocs):
        row_top = CONTROL_TOP + index * CONTROL_ROW
        rows.append(
            {
                "bloc": bloc,
                "name": bloc_names.get(bloc, f"#{bloc}"),
                "label_y": row_top + CONTROL_LABEL - 2,  # the name's baseline
                "y": row_top + CONTROL_LABEL + 2,  # the band's top
                "rects": [placed(span) for span in _spans([run for run in intervals if bloc in run["blocs"]])],
            }
        )
    plot_top, plot_bottom = rows[0]["y"], rows[-1]["y"] + CONTROL_BAND
    contested = [placed(span) for span in _spans([run for run in intervals if run["contested"]])]
    step = ceil(days / CONTROL_TICKS)
    ticks = []
    for index, offset in enumerate(range(0, days, step)):
        x = _percent(offset, days)
        if offset and x > CONTROL_TICK_LIMIT:
            break
        narrow = offset == 0 or (index % 2 == 0 and x <= CONTROL_TICK_LIMIT_NARROW)
        ticks.append({"x": x, "day": first + timedelta(days=offset), "narrow": narrow})
    return {
        "rows": rows,
        "contested": contested,
        "ticks": ticks,
        "first": first,
        "last": last,
        "band_height": CONTROL_BAND,
        "top": plot_top,
        "bottom": plot_bottom,
        "span_height": plot_bottom - plot_top,
        "axis_y": plot_bottom + 16,
        "height": plot_bottom + 20,
    }


def _claim_sections(request: HttpRequest, location: Location, form: ControlWindowForm, descendant_count: int) -> str:
    """The place's control timeline over its window and its claims, as HTML: everything on the page
    that reads claims (web/views/fragments.py caches it)."""
    window = chosen_window(location, form)
    subtree = selectors.location_list().filter(selectors.location_subtree_q([location]))
    about = claim_selectors.claim_list().filter(location__in=subtree.values("pk"))
    control = claim_selectors.claim_list().filter(
        claim_selectors.event_window_q(window.start, window.end), location=location, kind=Claim.Kind.CONTROL
    )
    control_rows = list(control.order_by(F("event_start").desc(nulls_last=True), "-claimed_on", "-id")[:CLAIM_ROWS])
    intervals, bloc_names = control_intervals(location, window)
    claims = list(about[:CLAIM_ROWS])
    window_query = urlencode({"event_after": window.start.isoformat(), "event_before": window.end.isoformat()})
    context = {
        "location": location,
        "descendant_count": descendant_count,
        "control": control_rows,
        "control_count": control.count() if len(control_rows) >= CLAIM_ROWS else len(control_rows),
        "control_url": reverse("claims:list") + f"?location={location.slug}&kind=control&{window_query}",
        "window": window,
        "window_form": form,
        "window_links": window_links(request.GET, window),
        "window_kept": [(k, v) for k, values in request.GET.lists() if k not in ("start", "end") for v in values],
        "intervals": [
            {**run, "names": sorted(bloc_names.get(b, "") for b in run["blocs"])} for run in intervals[-INTERVAL_ROWS:]
        ],
        "interval_count": len(intervals),
        "control_api_url": reverse("api:location-control", args=[location.pk]),
        "chart": control_chart(intervals, bloc_names, window.start, window.end),
        "claims": claims,
        "claim_count": about.count() if len(claims) >= CLAIM_ROWS else len(claims),
        "list_url": reverse("claims:list") + f"?location={location.slug}",
    }
    return render_to_string("includes/place_claims.html", context)


def location_detail(request: HttpRequest, slug: str) -> HttpResponse:
    location = get_object_or_404(selectors.location_list(), slug=slug)
    subtree = selectors.location_list().filter(selectors.location_subtree_q([location]))
    places = list(subtree.order_by("path"))
    children = [place for place in places if place.parent_id == location.pk]
    markers = [
        {
            "name": place.name,
            "kind": place.get_kind_display(),
            "lat": place.latitude,
            "lon": place.longitude,
            "url": reverse("locations:detail", args=[place.slug]),
            "current": place.pk == location.pk,
        }
        for place in places
        if place.latitude is not None and place.longitude is not None
    ]
    form = ControlWindowForm(request.GET)
    # The claims part, once per data version: the place, the query (every parameter, as the links
    # keep them) and today (the default window of a place without claims ends today) are the key.
    key = (location.pk, sorted(request.GET.lists()), date.today().isoformat())
    context = {
        "location": location,
        "ancestors": selectors.location_ancestors(location),
        "children": children,
        "descendant_count": len(places) - 1,
        "map_data": {**map_settings(), "markers": markers},
        "markers": markers,
        "claim_sections": cached_fragment(
            "place", key, lambda: _claim_sections(request, location, form, len(places) - 1)
        ),
    }
    status = 200 if form.is_valid() else 400  # bad dates: the page, its form saying what is wrong
    return allow_tiles(render(request, "locations/location_detail.html", context, status=status))
