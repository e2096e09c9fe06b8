"""/api/v1/locations/, /api/v1/actors/, /api/v1/sources/ with the claim counts of each object.

The three resources are their apps' (read and written through their selectors and services);
counting claims is the claims app's, so the viewsets registered at those paths are the apps' own,
extended here with the count fields and ``?conflict=``. The counts of a list page are read for
the page's objects only, in one statement (``claims.selectors.location_claim_counts`` …), cached
under the data version.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from actors.api.serializers import ActorSerializer
from actors.api.views import ActorViewSet
from claims.filters import ActorListFilter, LocationListFilter, SourceListFilter
from claims.models import Conflict
from claims.selectors import actor_claim_counts, location_claim_counts, source_claim_counts
from locations.api.serializers import LocationSerializer
from locations.api.views import LocationViewSet
from sources.api.serializers import SourceSerializer
from sources.api.views import SourceViewSet

SCOPE = " Only the claims of the conflicts named by `?conflict=`, when given."


@extend_schema_serializer(component_name="Location")
class CountedLocationSerializer(LocationSerializer):
    claim_count = serializers.IntegerField(read_only=True, help_text="Claims about this place itself." + SCOPE)
    subtree_claim_count = serializers.IntegerField(
        read_only=True,
        help_text="Claims about this place and every place below it (what /api/v1/claims/?location= lists)." + SCOPE,
    )

    class Meta(LocationSerializer.Meta):
        fields = [*LocationSerializer.Meta.fields, "claim_count", "subtree_claim_count"]


@extend_schema_serializer(component_name="Actor")
class CountedActorSerializer(ActorSerializer):
    claim_count = serializers.IntegerField(read_only=True, help_text="Claims made by this actor itself." + SCOPE)
    subtree_claim_count = serializers.IntegerField(
        read_only=True,
        help_text="Claims made by this actor and every actor below it (what /api/v1/claims/?claimant= lists)." + SCOPE,
    )

    class Meta(ActorSerializer.Meta):
        fields = [*ActorSerializer.Meta.fields, "claim_count", "subtree_claim_count"]


@extend_schema_serializer(component_name="Source")
class CountedSourceSerializer(SourceSerializer):
    claim_count = serializers.IntegerField(
        read_only=True,
        help_text="Claims cited from this source's reports, each once (what /api/v1/claims/?source= lists)." + SCOPE,
    )

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "claim_count"]


class ClaimCountsMixin:
    """Sets the count attributes on the objects a response shows: a list's page (one statement for
    the page), one object read, or the object just written."""

    request: Request
    filter_queryset: Callable[[QuerySet], QuerySet]

    def set_counts(self, objects: Sequence[Model], conflicts: Sequence[Conflict]) -> None:
        raise NotImplementedError

    def counted(self) -> bool:
        """Whether the answer shows a count (``?fields=`` may leave them out: then none is read)."""
        return self.wants("claim_count", "subtree_claim_count")  # type: ignore[attr-defined]

    def conflicts(self) -> list[Conflict]:
        filterset = getattr(self, "filterset", None)
        return filterset.conflicts if filterset is not None else []

    def paginate_queryset(self, queryset: QuerySet) -> list[Model] | None:
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        if page is not None and self.counted():
            self.set_counts(page, self.conflicts())
        return page

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # type: ignore[attr-defined]
        if self.counted():
            self.set_counts([instance], self.conflicts())
        return Response(self.get_serializer(instance).data)  # type: ignore[attr-defined]

    def fresh(self, obj: Model) -> Model:
        obj = super().fresh(obj)  # type: ignore[misc]
        self.set_counts([obj], ())
        return obj


class TreeCountsMixin(ClaimCountsMixin):
    counter: Callable[..., dict]

    def set_counts(self, objects: Sequence[Model], conflicts: Sequence[Conflict]) -> None:
        counts = type(self).counter(objects, conflicts)
        for obj in objects:
            count = counts[obj.pk]
            obj.claim_count, obj.subtree_claim_count = count.own, count.subtree  # type: ignore[attr-defined]


class CountedLocationViewSet(TreeCountsMixin, LocationViewSet):
    """Places, in a tree (Shattal → Parwan → Afghanistan), with the claims about each (itself, and
    with every place below it)."""

    serializer_class = CountedLocationSerializer
    filterset_class = LocationListFilter
    counter = location_claim_counts


class CountedActorViewSet(TreeCountsMixin, ActorViewSet):
    """Who makes claims and who they are about, with the claims each made (itself, and with every
    actor below it). A new ``parent`` moves the actor (and those below it) into the parent's bloc,
    and the flags of every affected claim are recomputed at once."""

    serializer_class = CountedActorSerializer
    filterset_class = ActorListFilter
    counter = actor_claim_counts


class CountedSourceViewSet(ClaimCountsMixin, SourceViewSet):
    """Outlets and channels, graded A–F for reliability, with the claims cited from each."""

    serializer_class = CountedSourceSerializer
    filterset_class = SourceListFilter

    def set_counts(self, objects: Sequence[Model], conflicts: Sequence[Conflict]) -> None:
        counts = source_claim_counts(objects, conflicts)
        for obj in objects:
            obj.claim_count = counts[obj.pk]  # type: ignore[attr-defined]
