"""The REST API at /api/v1/: one DRF router, the token endpoint, the schema and its docs.

Names are in the ``api`` namespace (``api:claim-detail``). The claims exports
(``interchange.api_urls``: ``claims/export.csv``, ``claims/deleted/`` …) come before the
router so their paths are not taken for a claim id.
"""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from claims.api.counts import CountedActorViewSet, CountedLocationViewSet, CountedSourceViewSet
from claims.api.views import ClaimViewSet, ConflictViewSet, LocationControlView, RelationViewSet
from core.api.auth import TokenView
from core.api.views import DocsView, SchemaView
from intake.api.views import IntakeViewSet
from notifications.api.views import WebhookSubscriptionViewSet
from sources.api.views import ReportViewSet

app_name = "api"

router = DefaultRouter()
# Places, actors and sources are their apps'; the claims app adds their claim counts (claims/api/counts.py).
router.register("actors", CountedActorViewSet, basename="actor")
router.register("locations", CountedLocationViewSet, basename="location")
router.register("sources", CountedSourceViewSet, basename="source")
router.register("reports", ReportViewSet, basename="report")
router.register("claims", ClaimViewSet, basename="claim")
router.register("relations", RelationViewSet, basename="relation")
router.register("conflicts", ConflictViewSet, basename="conflict")
router.register("intake", IntakeViewSet, basename="intake")
router.register("webhooks", WebhookSubscriptionViewSet, basename="webhook")

urlpatterns = [
    path("", include("interchange.api_urls")),
    path("auth/token/", TokenView.as_view(), name="token"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("locations/<int:pk>/control/", LocationControlView.as_view(), name="location-control"),
    path("", include(router.urls)),
]
