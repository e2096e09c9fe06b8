"""HTML pages of actors: the list of blocs and their members, and one actor."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from actors import selectors
from actors.models import Actor
from claims import selectors as claim_selectors
from claims.filters import ActorListFilter
from web.views.lists import Row, list_page, tree_rows

CLAIM_ROWS = 25


def _actor_rows(actors: list[Actor], conflicts: list, flat: bool, scope: str) -> list[Row]:
    counts = claim_selectors.actor_claim_counts(actors, conflicts)
    return tree_rows(actors, counts, flat, detail="actors:detail", param="claimant", scope=scope)


def actor_list(request: HttpRequest) -> HttpResponse:
    """Actors grouped by bloc (or, searched or filtered, a flat list with each actor's chain), 50 a
    page, each with the claims made by it and the actors below it (of one conflict with ``?conflict=``)."""
    return list_page(
        request,
        filterset_class=ActorListFilter,
        queryset=selectors.actor_list().order_by("path"),
        template="actors/actor_list.html",
        noun="actor",
        url_name="actors:list",
        rows=_actor_rows,
    )


def _share(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(selectors.actor_list(), slug=slug)
    subtree = selectors.actor_list().filter(selectors.actor_subtree_q([actor]))
    members = [member for member in subtree.order_by("path") if member.pk != actor.pk]
    made = claim_selectors.claim_list().filter(claimant__in=subtree.values("pk"))
    about = claim_selectors.claim_list().filter(subject=actor)
    voiced = claim_selectors.claim_list().filter(spokesperson=actor)
    voiced_rows = list(voiced[:CLAIM_ROWS])
    stats = made.order_by().aggregate(
        total=Count("id"),
        contested=Count("id", filter=Q(contested=True)),
        unverified=Count("id", filter=Q(unverified=True)),
    )
    context = {
        "actor": actor,
        "ancestors": list(selectors.actor_list().filter(pk__in=actor.path_ids[:-1]).order_by("path")),
        "members": [{"actor": m, "depth": len(m.path_ids) - len(actor.path_ids) - 1} for m in members],
        "made": list(made[:CLAIM_ROWS]),
        "about": list(about[:CLAIM_ROWS]),
        "about_count": about.count(),
        "voiced": voiced_rows,
        "voiced_count": voiced.count() if len(voiced_rows) >= CLAIM_ROWS else len(voiced_rows),
        "voiced_url": reverse("claims:list") + f"?spokesperson={actor.slug}",
        "stats": stats,
        "contested_share": _share(stats["contested"], stats["total"]),
        "unverified_share": _share(stats["unverified"], stats["total"]),
        "made_url": reverse("claims:list") + f"?claimant={actor.slug}",
        "about_url": reverse("claims:list") + f"?subject={actor.slug}",
        "contested_url": reverse("claims:list") + f"?claimant={actor.slug}&contested=true",
        "unverified_url": reverse("claims:list") + f"?claimant={actor.slug}&unverified=true",
    }
    return render(request, "actors/actor_detail.html", context)
