"""What the lists of places, actors and sources share: a word search (``q``) and the rest of the
API's filters for the resource, pages of 50, ``?conflict=`` scoping the claim counts, and for the
two trees the place of each row in its tree.

The counts are read for the page's rows only (``claims.selectors``: one statement, cached under the
data version); the rest of a page is a constant number of queries whatever the number of rows.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from claims.models import Conflict
from core.api.pagination import CountCachingPaginator
from core.search import SEARCH_MAX_LENGTH
from core.tree import TreeNode

# A filter other than these shows a flat list (with each row's chain) instead of the indented tree.
TREE_PARAMS = {"conflict"}
KEPT_APART = {"q", "conflict", "page"}  # the search form's own fields, and the page (a new search starts at 1)


def without_empty(request: HttpRequest, url_name: str) -> HttpResponse | None:
    """The search form sends every field; keep the address short and shareable (as the claim list does)."""
    pairs = [(name, value) for name, values in request.GET.lists() for value in values]
    if not any(value == "" for _name, value in pairs):
        return None
    params = [(name, value) for name, value in pairs if value != ""]
    return redirect(reverse(url_name) + (f"?{urlencode(params)}" if params else ""))


def tree_context(nodes: list[TreeNode], flat: bool) -> dict[int, dict[str, Any]]:
    """For each node: its depth (0 when ``flat``) and the chain of places or actors it lies in,
    nearest first, read in one query. In the tree view the chain is shown only where the parent
    is not on the page (the top of a page that continues a tree); in a flat list, on every row."""
    if not nodes:
        return {}
    model = type(nodes[0])
    on_page = {node.pk for node in nodes}
    shown = [
        node
        for node in nodes
        if flat or (node.parent_id is not None and node.parent_id not in on_page)  # type: ignore[attr-defined]
    ]
    above = sorted({pk for node in shown for pk in node.path_ids[:-1]})
    names = model._default_manager.order_by().only("id", "name", "slug").in_bulk(above) if above else {}
    chains = {node.pk: [names[pk] for pk in reversed(node.path_ids[:-1]) if pk in names] for node in shown}
    context = {}
    for node in nodes:
        context[node.pk] = {"depth": 0 if flat else len(node.path_ids) - 1, "chain": chains.get(node.pk, [])}
    return context


def list_page(
    request: HttpRequest,
    *,
    filterset_class: type,
    queryset: QuerySet,
    template: str,
    noun: str,
    url_name: str,
    rows: Any,
) -> HttpResponse:
    """Render one page of a list. ``rows(objects, conflicts, flat)`` turns the page's objects into the
    rows the template shows (counts and tree context included)."""
    shorter = without_empty(request, url_name)
    if shorter is not None:
        return shorter
    filterset = filterset_class(request.GET, queryset=queryset)
    form = filterset.form
    valid = filterset.is_valid()
    page: Page | None = None
    objects: list[Model] = []
    conflicts: list[Conflict] = []
    if valid:
        conflicts = filterset.conflicts
        page = CountCachingPaginator(filterset.qs, settings.FOGWATCH_PAGE_SIZE).get_page(request.GET.get("page"))
        objects = list(page.object_list)
    flat = any(name in form.fields and name not in TREE_PARAMS for name in request.GET)
    scope = urlencode({"conflict": ",".join(c.slug for c in conflicts)}) if conflicts else ""
    context = {
        "noun": noun,
        "form": form,
        "q": request.GET.get("q", ""),
        "q_max": SEARCH_MAX_LENGTH,
        "errors": [
            {"label": form[name].label if name in form.fields else name, "error": error}
            for name, errors in form.errors.items()
            for error in errors
        ],
        "page": page,
        "rows": rows(objects, conflicts, flat) if objects else [],
        "flat": flat,
        "filtered": flat,
        "conflicts": list(Conflict.objects.order_by("-start", "name", "id").values("slug", "name")),
        "chosen": {c.slug for c in conflicts},
        "conflict": conflicts[0] if len(conflicts) == 1 else None,
        "scope": scope,
        # The other filters of the address ride along when the search is changed.
        "kept": [(name, value) for name, values in request.GET.lists() if name not in KEPT_APART for value in values],
        "clear_url": reverse(url_name) + (f"?{scope}" if scope else ""),
    }
    return render(request, template, context, status=200 if valid else 400)
