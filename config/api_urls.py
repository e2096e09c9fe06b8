"""The REST API at /api/v1/: one DRF router, the token endpoint, the schema and its docs.

Names are in the ``api`` namespace (``api:claim-detail``). The claims exports
(``interchange.api_urls``: ``claims/export.csv``, ``claims/deleted/`` …) come before the
router so their paths are not taken for a claim id.
"""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from actors.api.views import ActorViewSet
from claims.api.views import ClaimViewSet, ConflictViewSet, LocationControlView, RelationViewSet
from core.api.auth import TokenView
from core.api.views import DocsView, SchemaView
from intake.api.views import IntakeViewSet
from locations.api.views import LocationViewSet
from sources.api.views import ReportViewSet, SourceViewSet

app_name = "api"

router = DefaultRouter()
router.register("actors", ActorViewSet, basename="actor")
router.register("locations", LocationViewSet, basename="location")
router.register("sources", SourceViewSet, basename="source")
router.register("reports", ReportViewSet, basename="report")
router.register("claims", ClaimViewSet, basename="claim")
router.register("relations", RelationViewSet, basename="relation")
router.register("conflicts", ConflictViewSet, basename="conflict")
router.register("intake", IntakeViewSet, basename="intake")

urlpatterns = [
    path("", include("interchange.api_urls")),
    path("auth/token/", TokenView.as_view(), name="token"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("locations/<int:pk>/control/", LocationControlView.as_view(), name="location-control"),
    path("", include(router.urls)),
]
