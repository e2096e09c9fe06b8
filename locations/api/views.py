"""Locations API: /api/v1/locations/ (the control timeline lives with the claims API)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.views import ServiceViewSet, merge_permitted, merge_target
from locations.api.serializers import LocationSerializer
from locations.filters import LocationFilter
from locations.models import Location
from locations.selectors import location_list
from locations.services import location_create, location_delete, location_merge, location_update


class LocationViewSet(ServiceViewSet):
    """Places, in a tree (Shattal → Parwan → Afghanistan)."""

    serializer_class = LocationSerializer
    filterset_class = LocationFilter
    selector = location_list
    create_service = location_create
    update_service = location_update
    delete_service = location_delete
    service_object = "location"

    @extend_schema(
        summary="Merge a near-duplicate place into another",
        description=(
            "Moves every reference of this place (claims, conflicts, webhook subscriptions, the places below it) "
            "to `into`, keeps its name and aliases as aliases of `into`, deletes it and recomputes the automatic "
            "relations and flags that change, in one transaction. Editors only (change and delete permission on "
            "locations). Answers with `into`."
        ),
        request=inline_serializer("LocationMerge", {"into": serializers.IntegerField()}),
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def merge(self, request: Request, pk: str | None = None) -> Response:
        merge_permitted(request.user, Location, "places")
        location = self.get_object()
        into = merge_target(Location, request.data.get("into") if hasattr(request.data, "get") else None, "place")
        merged = location_merge(location=location, into=into)  # type: ignore[arg-type]
        return Response(self.get_serializer(self.fresh(merged)).data)
