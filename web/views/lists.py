"""What the lists of places, actors and sources share: a word search (``q``) and the rest of the
API's filters for the resource, pages of 50, ``?conflict=`` scoping the claim counts, and for the
two trees the place of each row in its tree.

The counts are read for the page's rows only (``claims.selectors``: one statement, cached under the
data version); the rest of a page is a constant number of queries whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from claims.models import Conflict
from core.api.pagination import CountCachingPaginator
from core.search import SEARCH_MAX_LENGTH
from core.tree import TreeNode
from web.views.fragments import cached_fragment

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


def slug_url(name: str) -> Callable[[str], str]:
    """The address of a page named ``name`` for a slug, reversed once (a page of 50 rows would
    otherwise reverse its addresses a hundred times)."""
    marker = "slug-marker"
    pattern = reverse(name, args=[marker])
    return lambda slug: pattern.replace(marker, quote(slug))


@dataclass
class Row:
    """One row of a list, everything the template shows worked out: the object, its page, its
    place in the tree, its claim counts and the link to them."""

    obj: Any
    url: str
    claims: int
    claims_url: str
    own: int | None = None
    depth: int = 0
    chain: list[tuple[str, str]] = field(default_factory=list)  # (name, address), nearest first

    @property
    def claims_text(self) -> str:
        return f"{self.claims:,}"

    @property
    def own_text(self) -> str:
        return f"{self.own or 0:,}"


def tree_chains(nodes: list[TreeNode], flat: bool, url: Callable[[str], str]) -> dict[int, list[tuple[str, str]]]:
    """The chain of places or actors each node lies in, nearest first, read in one query: on every
    row of a flat list; in the tree view only where the parent is not on the page (the top of a
    page that continues a tree)."""
    on_page = {node.pk for node in nodes}
    shown = [
        node
        for node in nodes
        if flat or (node.parent_id is not None and node.parent_id not in on_page)  # type: ignore[attr-defined]
    ]
    above = sorted({pk for node in shown for pk in node.path_ids[:-1]})
    if not above:
        return {}
    names = dict(
        (pk, (name, url(slug)))
        for pk, name, slug in type(nodes[0])._default_manager.filter(pk__in=above).values_list("pk", "name", "slug")
    )
    return {node.pk: [names[pk] for pk in reversed(node.path_ids[:-1]) if pk in names] for node in shown}


def tree_rows(
    nodes: list[TreeNode], counts: dict[int, Any], flat: bool, *, detail: str, param: str, scope: str
) -> list[Row]:
    """The rows of a page of places or actors (``counts``: ``claims.selectors.TreeCount`` by id)."""
    url = slug_url(detail)
    chains = tree_chains(nodes, flat, url)
    claims_url = reverse("claims:list") + f"?{param}="
    rows = []
    for node in nodes:
        count = counts[node.pk]
        rows.append(
            Row(
                obj=node,
                url=url(node.slug),  # type: ignore[attr-defined]
                claims=count.subtree,
                own=count.own,
                claims_url=claims_url + quote(node.slug) + (f"&{scope}" if scope else ""),  # type: ignore[attr-defined]
                depth=0 if flat else len(node.path_ids) - 1,
                chain=chains.get(node.pk, []),
            )
        )
    return rows


def list_page(
    request: HttpRequest,
    *,
    filterset_class: type,
    queryset: QuerySet,
    template: str,
    noun: str,
    url_name: str,
    rows: Callable[[list[Any], list[Conflict], bool, str], list[Row]],
) -> HttpResponse:
    """Render one page of a list. ``rows(objects, conflicts, flat, scope)`` turns the page's objects
    into its rows (counts and tree context included); ``scope`` is the ``conflict=…`` its count
    links carry."""
    shorter = without_empty(request, url_name)
    if shorter is not None:
        return shorter
    filterset = filterset_class(request.GET, queryset=queryset)
    form = filterset.form
    valid = filterset.is_valid()
    conflicts: list[Conflict] = filterset.conflicts if valid else []
    flat = any(name in form.fields and name not in TREE_PARAMS for name in request.GET)
    scope = urlencode({"conflict": ",".join(c.slug for c in conflicts)}) if conflicts else ""
    errors = [
        {"label": form[name].label if name in form.fields else name, "error": error}
        for name, errors in form.errors.items()
        for error in errors
    ]
    results = {
        "noun": noun,
        "q": request.GET.get("q", ""),
        "errors": errors,
        "flat": flat,
        "filtered": flat,
        "conflict": conflicts[0] if len(conflicts) == 1 else None,
        "scope": scope,
        "table_template": template.replace("_list.html", "_table.html"),
    }

    def render_results() -> str:
        page: Page | None = None
        objects: list[Model] = []
        if valid:
            page = CountCachingPaginator(filterset.qs, settings.FOGWATCH_PAGE_SIZE).get_page(request.GET.get("page"))
            objects = list(page.object_list)
        rows_shown = rows(objects, conflicts, flat, scope) if objects else []
        # With the request: the pagination's links are this query with another page ({% querystring %}).
        return render_to_string(
            "includes/list_results.html", {**results, "page": page, "rows": rows_shown}, request=request
        )

    # The count, the table and its pagination: a function of the query (the key, in its own order,
    # as the links repeat it) and the data, rendered once per data version (web/views/fragments.py).
    pairs = tuple((name, value) for name, values in request.GET.lists() for value in values)
    list_results = cached_fragment(f"list:{url_name}", pairs, render_results) if valid else render_results()

    context = {
        **results,
        "form": form,
        "q_max": SEARCH_MAX_LENGTH,
        "list_results": list_results,
        "conflicts": list(Conflict.objects.order_by("-start", "name", "id").values("slug", "name")),
        "chosen": {c.slug for c in conflicts},
        # The other filters of the address ride along when the search is changed.
        "kept": [(name, value) for name, values in request.GET.lists() if name not in KEPT_APART for value in values],
        "clear_url": reverse(url_name) + (f"?{scope}" if scope else ""),
    }
    return render(request, template, context, status=200 if valid else 400)
