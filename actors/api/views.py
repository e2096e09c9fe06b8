"""Actors API: /api/v1/actors/."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from actors.api.serializers import ActorSerializer
from actors.filters import ActorFilter
from actors.models import Actor
from actors.selectors import actor_list
from actors.services import actor_create, actor_delete, actor_merge, actor_update
from core.api.views import ServiceViewSet, merge_permitted, merge_target


class ActorViewSet(ServiceViewSet):
    """Who makes claims and who they are about. A new ``parent`` moves the actor (and those below
    it) into the parent's bloc, and the flags of every affected claim are recomputed at once."""

    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    selector = actor_list
    create_service = actor_create
    update_service = actor_update
    delete_service = actor_delete
    service_object = "actor"

    @extend_schema(
        summary="Merge a near-duplicate actor into another",
        description=(
            "Moves every reference of this actor (claims, sources, conflicts, children) to `into`, keeps its "
            "name and aliases as aliases of `into`, deletes it and recomputes the flags that change, in one "
            "transaction. Editors only (change and delete permission on actors). Answers with `into`."
        ),
        request=inline_serializer("ActorMerge", {"into": serializers.IntegerField()}),
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def merge(self, request: Request, pk: str | None = None) -> Response:
        merge_permitted(request.user, Actor, "actors")
        actor = self.get_object()
        into = merge_target(Actor, request.data.get("into") if hasattr(request.data, "get") else None, "actor")
        merged = actor_merge(actor=actor, into=into)  # type: ignore[arg-type]
        return Response(self.get_serializer(self.fresh(merged)).data)
