"""URLs: the admin, the REST API at /api/v1/ and the analysts' pages.

Each part owns its own URL module: ``config.api.urls`` (the DRF router and API extras),
``claims.import_urls`` (the editors' dataset upload), ``config.page_urls`` (HTML pages).
"""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Fogwatch editors"
admin.site.site_title = "Fogwatch admin"
admin.site.index_title = "Claims, actors, places and sources"

urlpatterns = [
    path("admin/import/", include("claims.import_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api.urls")),
    path("", include("config.page_urls")),
]
