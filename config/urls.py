"""URLs: the admin, the REST API at /api/v1/ and the analysts' pages.

Each part owns its own URL module: ``config.api_urls`` (the DRF router and API extras),
``interchange.urls`` (the editors' dataset upload), ``web.urls`` (HTML pages).
"""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Fogwatch editors"
admin.site.site_title = "Fogwatch admin"
admin.site.index_title = "Claims, actors, places and sources"

urlpatterns = [
    path("admin/import/", include("interchange.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("", include("web.urls")),
]
