"""HTML pages of places: the list, and one place with its map, control timeline and claims."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from actors.models import Actor
from claims import selectors as claim_selectors
from claims import timeline
from claims.models import Claim
from locations import selectors
from locations.models import Location
from web.views.map import map_settings

CLAIM_ROWS = 50
INTERVAL_ROWS = 50  # the newest intervals listed under the chart (the chart draws them all)


def location_list(request: HttpRequest) -> HttpResponse:
    places = selectors.location_list().annotate(claim_count=Count("claims")).order_by("path")
    rows = [{"place": place, "depth": len(place.path_ids) - 1} for place in places]
    return render(request, "locations/location_list.html", {"rows": rows})


def control_intervals(location: Location) -> tuple[list[dict], dict[int, str]]:
    """The control timeline of a place (the same pure function as the API), and the names of the
    blocs in it; read as rows, however many control claims the place has."""
    runs = timeline.control_intervals(timeline.control_facts(claim_selectors.control_claim_rows(location)))
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


def control_chart(intervals: list[dict], bloc_names: dict[int, str], width: int = 720) -> dict | None:
    """SVG geometry of the control timeline: one band per bloc, contested intervals marked (pure)."""
    if not intervals:
        return None
    first = min(run["start"] for run in intervals)
    last = max(run["end"] for run in intervals)
    days = (last - first).days + 1
    left, row_height, top = 170, 26, 8
    blocs = sorted({bloc for run in intervals for bloc in run["blocs"]}, key=lambda b: bloc_names.get(b, ""))
    scale = (width - left - 10) / days
    rows = []
    for index, bloc in enumerate(blocs):
        y = top + index * row_height
        rects = [
            {
                "x": round(left + (span["start"] - first).days * scale, 1),
                "w": round(max(((span["end"] - span["start"]).days + 1) * scale, 2), 1),
                **span,
            }
            for span in _spans([run for run in intervals if bloc in run["blocs"]])
        ]
        rows.append({"bloc": bloc, "name": bloc_names.get(bloc, f"#{bloc}"), "y": y, "rects": rects})
    bottom = top + len(blocs) * row_height
    contested = [
        {
            "x": round(left + (span["start"] - first).days * scale, 1),
            "w": round(max(((span["end"] - span["start"]).days + 1) * scale, 2), 1),
            "start": span["start"],
            "end": span["end"],
        }
        for span in _spans([run for run in intervals if run["contested"]])
    ]
    step = max(1, -(-days // 6))  # about six date ticks, whole days apart
    ticks = [
        {"x": round(left + offset * scale, 1), "day": first + timedelta(days=offset)}
        for offset in range(0, days, step)
        if offset == 0 or (days - offset) * scale > 115  # keep clear of the end label
    ]
    return {
        "ticks": ticks,
        "width": width,
        "height": bottom + 24,
        "left": left,
        "top": top,
        "bottom": bottom,
        "band_height": row_height - 8,
        "rows": rows,
        "contested": contested,
        "first": first,
        "last": last,
        "axis_y": bottom + 16,
        "right": width - 10,
        "plot_width": width - 10 - left,
        "span_height": bottom - top - 8,
    }


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
    about = claim_selectors.claim_list().filter(location__in=subtree.values("pk"))
    control = claim_selectors.claim_list().filter(location=location, kind=Claim.Kind.CONTROL)
    control_rows = list(control.order_by("-event_start", "-claimed_on", "-id")[:CLAIM_ROWS])
    intervals, bloc_names = control_intervals(location)
    claims = list(about[:CLAIM_ROWS])
    context = {
        "location": location,
        "ancestors": selectors.location_ancestors(location),
        "children": children,
        "descendant_count": len(places) - 1,
        "map_data": {**map_settings(), "markers": markers},
        "markers": markers,
        "control": control_rows,
        "control_count": control.count() if len(control_rows) >= CLAIM_ROWS else len(control_rows),
        "control_url": reverse("claims:list") + f"?location={location.slug}&kind=control",
        "intervals": [
            {**run, "names": sorted(bloc_names.get(b, "") for b in run["blocs"])} for run in intervals[-INTERVAL_ROWS:]
        ],
        "interval_count": len(intervals),
        "control_api_url": reverse("api:location-control", args=[location.pk]),
        "chart": control_chart(intervals, bloc_names),
        "claims": claims,
        "claim_count": about.count() if len(claims) >= CLAIM_ROWS else len(claims),
        "list_url": reverse("claims:list") + f"?location={location.slug}",
    }
    return render(request, "locations/location_detail.html", context)
