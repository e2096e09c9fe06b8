"""The map of claims (``/map/``) and its data (``/map/data.json``).

Every place with claims matching the claim list's filters (``claims.filters.ClaimFilter``: the
same parameters as ``/claims/``, ``conflict=`` included), with how many of them are contested.
The counts are one aggregate query grouped by place, then one query for those places, whatever
the number of claims or places; the answer is cached under the data version (``core/versions.py``),
as a claim list's count is.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse

from claims import selectors
from claims.as_of import sensitive_flags
from claims.filters import ClaimFilter
from claims.models import Claim
from core.versions import cached_for_version
from locations.models import Location
from web.views.claims import MAIN_FILTERS, _prepare_form, _suggestions

# How a place is coloured: the share of its claims that are contested.
SHARES = {
    "none": "no contested claims",
    "some": "some contested claims (under half)",
    "most": "mostly contested claims (half or more)",
}


def share_of(claims: int, contested: int) -> str:
    if not contested:
        return "none"
    return "most" if 2 * contested >= claims else "some"


def _contested_q(filterset: ClaimFilter) -> Q:
    """Contested now, or (``as_of``) contested on that date: the stored status for the claims whose
    state cannot have changed since, the status then for the rest (``claims.as_of``)."""
    contested = Q(status=Claim.Status.CONTESTED)
    if filterset.as_of is None:
        return contested
    sensitive, flags = sensitive_flags(filterset.as_of)
    if not sensitive:
        return contested
    then = sorted(pk for pk, f in flags.items() if f.status == Claim.Status.CONTESTED)
    q = contested & ~Q(pk__any_of=sorted(sensitive))
    return q | Q(pk__any_of=then) if then else q


def _counts(grouped) -> tuple[list[tuple[int | None, int, int]], dict[int, dict]]:
    """The grouped count's rows ``(place id or None, claims, contested)`` and the places named in
    them, by id: two queries."""
    rows = [(row["location_id"], row["claims"], row["contested"]) for row in grouped]
    ids = [pk for pk, _n, _c in rows if pk is not None]
    places = {}
    if ids:
        fields = ("id", "slug", "name", "kind", "latitude", "longitude", "path")
        places = {row["id"]: row for row in Location.objects.filter(pk__any_of=ids).values(*fields)}
    return rows, places


def _query_pairs(request: HttpRequest) -> list[tuple[str, str]]:
    return [(name, value) for name, values in request.GET.lists() for value in values if name != "page"]


def map_places(request: HttpRequest, filterset: ClaimFilter) -> dict:
    """What the map shows for valid filters: the places (most claims first) and the totals.

    One aggregate query grouped by place and one for those places, whatever the number of claims or
    places; the result is cached under the data version with the query that made it."""
    claims = filterset.qs.order_by()  # read first: it sets ``filterset.as_of``
    grouped = claims.values("location_id").annotate(
        claims=Count("pk"), contested=Count("pk", filter=_contested_q(filterset))
    )
    kept = [(name, value) for name, value in _query_pairs(request) if name != "location"]
    as_of = filterset.as_of.isoformat() if filterset.as_of else None

    def build() -> dict:
        rows, places = _counts(grouped)
        return _entries(rows, places, kept, as_of)

    return cached_for_version("map", (grouped.query.sql_with_params(), kept), build)


def _entries(
    rows: list[tuple[int | None, int, int]], places: dict[int, dict], kept: list[tuple[str, str]], as_of: str | None
) -> dict:
    kinds = {value: str(label) for value, label in Location.Kind.choices}
    # Slugs are URL-safe: the links are built once and completed per place.
    place_url = reverse("locations:detail", args=["-"])[:-2]
    list_url = reverse("claims:list") + "?" + (urlencode(kept) + "&" if kept else "") + "location="
    entries: dict[int, dict] = {}
    unplaced = {"claims": 0, "contested": 0}
    for pk, n, contested in rows:
        place = places.get(pk) if pk is not None else None
        if place is None:  # claims that name no place
            unplaced["claims"] += n
            unplaced["contested"] += contested
            continue
        slug = place["slug"]
        entries[pk] = {
            "id": pk,
            "slug": slug,
            "name": place["name"],
            "kind": kinds.get(place["kind"], place["kind"]),
            "lat": place["latitude"],
            "lon": place["longitude"],
            "claims": n,
            "contested": contested,
            "share": share_of(n, contested),
            # The list filtered by a place includes the places below it.
            "claims_with_places_below": n,
            "url": f"{place_url}{slug}/",
            "list_url": list_url + slug,
        }
    for pk, entry in entries.items():
        for ancestor in (int(part) for part in places[pk]["path"].strip("/").split("/")[:-1] if part):
            if ancestor in entries:
                entries[ancestor]["claims_with_places_below"] += entry["claims"]
    ordered = sorted(entries.values(), key=lambda e: (-e["claims"], e["name"], e["id"]))
    return {
        "claims": sum(e["claims"] for e in ordered) + unplaced["claims"],
        "contested": sum(e["contested"] for e in ordered) + unplaced["contested"],
        "as_of": as_of,
        "places": ordered,
        "unplaced": unplaced,
    }


def _filterset(request: HttpRequest) -> ClaimFilter:
    return ClaimFilter(request.GET, queryset=selectors.claim_list())


def map_data(request: HttpRequest) -> JsonResponse:
    """``/map/data.json?<the claim list's filters>``: one entry per place; a bad filter is a 400
    naming it, as in the API."""
    filterset = _filterset(request)
    if not filterset.is_valid():
        errors = {name: [str(e) for e in messages] for name, messages in filterset.form.errors.items()}
        return JsonResponse(errors, status=400)
    return JsonResponse(map_places(request, filterset))


def claims_map(request: HttpRequest) -> HttpResponse:
    """``/map/``: the filters (the claim list's form), the map, the places without coordinates and
    a table of every place; a bad filter answers 400 with the claim list's errors and no map."""
    pairs = [(name, value) for name, values in request.GET.lists() for value in values]
    if any(value == "" for _name, value in pairs):  # the form sends every field: keep only what was set
        params = [(name, value) for name, value in pairs if value != ""]
        return redirect(reverse("claims:map") + (f"?{urlencode(params)}" if params else ""))
    filterset = _filterset(request)
    form = filterset.form
    _prepare_form(form)
    valid = filterset.is_valid()
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}_errors"})
    data = map_places(request, filterset) if valid else None
    fields = [form[name] for name in form.fields]
    more_names = [f.name for f in fields if f.name not in MAIN_FILTERS]
    query = urlencode(_query_pairs(request))
    located = [p for p in data["places"] if p["lat"] is not None and p["lon"] is not None] if data else []
    context = {
        "form": form,
        "main_fields": [form[name] for name in MAIN_FILTERS if name in form.fields],
        "more_fields": [f for f in fields if f.name not in MAIN_FILTERS],
        "error_list": [
            {"label": form[name].label if name in form.fields else name, "id": f"id_{name}", "error": error}
            for name, errors in form.errors.items()
            for error in errors
        ],
        "more_open": any(request.GET.get(name) for name in more_names) or any(form.errors.get(n) for n in more_names),
        "suggestions": _suggestions(form),
        "action": reverse("claims:map"),
        "active": [
            {"label": form[name].label if name in form.fields else name, "value": value}
            for name, value in _query_pairs(request)
        ],
        "filtered": bool(query),
        "data": data,
        "located": located,
        "unlocated": [p for p in data["places"] if p["lat"] is None or p["lon"] is None] if data else [],
        "shares": SHARES,
        "map_data": {**map_settings(), "places": located},
        "list_url": reverse("claims:list") + (f"?{query}" if query else ""),
        "data_url": reverse("claims:map_data") + (f"?{query}" if query else ""),
        "as_of": filterset.as_of if valid else None,
    }
    return allow_tiles(render(request, "claims/map.html", context, status=200 if valid else 400))


def tile_origin(url: str) -> str:
    """The origin a tile URL template loads from, as a Content-Security-Policy source
    (``https://{s}.tile.example.org/{z}/{x}/{y}.png`` → ``https://*.tile.example.org``)."""
    parts = urlsplit(url.replace("{s}", "sub"))
    host = parts.netloc.replace("sub.", "*.", 1) if "{s}" in url else parts.netloc
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


def allow_tiles(response: HttpResponse) -> HttpResponse:
    """Let a page with a map load images from the tile server, when one is set (django-csp reads
    the update off the response; every other page keeps images to this site)."""
    if origin := tile_origin(settings.FOGWATCH_TILE_URL):
        response._csp_update = {"img-src": [origin]}  # type: ignore[attr-defined]
    return response


def map_settings() -> dict:
    """What every map needs besides its markers: the tile server (if any) and the offline basemap."""
    return {
        "tiles": settings.FOGWATCH_TILE_URL,
        "attribution": settings.FOGWATCH_TILE_ATTRIBUTION,
        "basemap": {"countries": static("basemap/countries.json"), "admin1": static("basemap/admin1.json")},
    }
