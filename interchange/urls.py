"""The editors' dataset upload, at /admin/import/ (staff with the permission to add and change claims),
and the import jobs' pages."""

from django.urls import path

from interchange.views import import_job, import_job_faulty, import_job_status_json, import_upload

app_name = "import"

urlpatterns = [
    path("", import_upload, name="upload"),
    path("<int:pk>/", import_job, name="job"),
    path("<int:pk>/status.json", import_job_status_json, name="job-status"),
    path("<int:pk>/faulty.csv", import_job_faulty, name="job-faulty"),
]
