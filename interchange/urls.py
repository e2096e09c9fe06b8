"""The editors' dataset upload, at /admin/import/ (staff with the permission to add and change claims)."""

from django.urls import path

from interchange.views import import_upload

app_name = "import"

urlpatterns = [
    path("", import_upload, name="upload"),
]
