"""HTML pages of sources and reports."""

from urllib.parse import quote

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from claims import selectors as claim_selectors
from claims.filters import SourceListFilter
from sources import selectors
from sources.models import Source
from web.views.lists import Row, list_page, slug_url

CLAIM_ROWS = 50


def _source_rows(sources: list[Source], conflicts: list, flat: bool, scope: str) -> list[Row]:
    counts = claim_selectors.source_claim_counts(sources, conflicts)
    url = slug_url("sources:detail")
    claims_url = reverse("claims:list") + "?source="
    suffix = f"&{scope}" if scope else ""
    return [
        Row(obj=s, url=url(s.slug), claims=counts[s.pk], claims_url=claims_url + quote(s.slug) + suffix)
        for s in sources
    ]


def source_list(request: HttpRequest) -> HttpResponse:
    """Sources by name, 50 a page, each with its reports and the claims cited from them (of one
    conflict with ``?conflict=``)."""
    return list_page(
        request,
        filterset_class=SourceListFilter,
        queryset=selectors.source_list().order_by("name", "id"),
        template="sources/source_list.html",
        noun="source",
        url_name="sources:list",
        rows=_source_rows,
    )


def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(selectors.source_list(), slug=slug)
    reports = (
        selectors.report_list().filter(source=source).annotate(claim_count=Count("citations__claim", distinct=True))
    )
    carried = claim_selectors.claim_list().filter(citations__report__source=source).distinct()
    claims = list(carried[:CLAIM_ROWS])
    context = {
        "source": source,
        "reports": reports,
        "claims": claims,
        "claim_count": carried.count() if len(claims) >= CLAIM_ROWS else len(claims),
        "list_url": reverse("claims:list") + f"?source={source.slug}",
    }
    return render(request, "sources/source_detail.html", context)


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.report_list(), pk=pk)
    claims = list(claim_selectors.claim_cited().filter(citations__report=report).distinct())
    cited = [
        {"claim": claim, "quotes": [c for c in claim.citations.all() if c.report_id == report.pk and c.quote]}
        for claim in claims
    ]
    context = {
        "report": report,
        "snapshots": list(report.snapshots.all()),
        "cited": cited,
        "list_url": reverse("claims:list") + f"?report={report.pk}",
    }
    return render(request, "sources/report_detail.html", context)
