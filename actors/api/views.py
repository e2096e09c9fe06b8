"""Actors API: /api/v1/actors/."""

from actors.api.serializers import ActorSerializer
from actors.filters import ActorFilter
from actors.selectors import actor_list
from actors.services import actor_create, actor_delete, actor_update
from core.api.views import ServiceViewSet


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
