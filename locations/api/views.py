"""Locations API: /api/v1/locations/ (the control timeline lives with the claims API)."""

from core.api.views import ServiceViewSet
from locations.api.serializers import LocationSerializer
from locations.filters import LocationFilter
from locations.selectors import location_list
from locations.services import location_create, location_delete, location_update


class LocationViewSet(ServiceViewSet):
    """Places, in a tree (Shattal → Parwan → Afghanistan)."""

    serializer_class = LocationSerializer
    filterset_class = LocationFilter
    selector = location_list
    create_service = location_create
    update_service = location_update
    delete_service = location_delete
    service_object = "location"
