"""The analysts' pages: each app's ``urls.py`` holds its own HTML routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("claims.urls")),
    path("", include("actors.urls")),
    path("", include("locations.urls")),
    path("", include("sources.urls")),
]
