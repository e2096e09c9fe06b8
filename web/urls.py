"""The analysts' pages. Each group keeps the URL namespace it has always had (``claims:detail``,
``locations:detail`` …), so links and templates name pages the same way."""

from django.urls import include, path

from web.views import accounts, actors, claims, intake, locations, sources
from web.views import map as claim_map

claim_pages = [
    path("", claims.overview, name="overview"),
    path("claims/", claims.claim_list, name="list"),
    path("claims/<int:pk>/", claims.claim_detail, name="detail"),
    path("map/", claim_map.claims_map, name="map"),
    path("map/data.json", claim_map.map_data, name="map_data"),
]
actor_pages = [
    path("actors/", actors.actor_list, name="list"),
    path("actors/<slug:slug>/", actors.actor_detail, name="detail"),
]
location_pages = [
    path("locations/", locations.location_list, name="list"),
    path("locations/<slug:slug>/", locations.location_detail, name="detail"),
]
source_pages = [
    path("sources/", sources.source_list, name="list"),
    path("sources/<slug:slug>/", sources.source_detail, name="detail"),
    path("reports/<int:pk>/", sources.report_detail, name="report_detail"),
]

intake_pages = [
    path("intake/", intake.intake_start, name="start"),
    path("intake/<int:pk>/", intake.intake_detail, name="detail"),
    path("intake/report/<int:pk>/", intake.intake_from_report, name="from_report"),
]

account_pages = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
]

urlpatterns = [
    path("", include((account_pages, "accounts"))),
    path("", include((claim_pages, "claims"))),
    path("", include((actor_pages, "actors"))),
    path("", include((location_pages, "locations"))),
    path("", include((source_pages, "sources"))),
    path("", include((intake_pages, "intake"))),
]
