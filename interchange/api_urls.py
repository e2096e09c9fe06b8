"""Claims exports, ClaimReview and the tombstone feed, under /api/v1/ (included before the router so
``claims/export.csv`` and ``claims/deleted/`` are not taken for a claim id)."""

from django.urls import path, re_path

from interchange import api as exports

urlpatterns = [
    path("claims/export.csv", exports.ClaimCsvExportView.as_view(), name="claim-export-csv"),
    path("claims/export.geojson", exports.ClaimGeoJsonExportView.as_view(), name="claim-export-geojson"),
    path("claims/export.jsonl", exports.ClaimJsonLinesExportView.as_view(), name="claim-export-jsonl"),
    path("claims/claimreview/", exports.ClaimReviewFeedView.as_view(), name="claimreview-feed"),
    path("claims/<int:pk>/claimreview/", exports.ClaimReviewView.as_view(), name="claim-claimreview"),
    path("claims/deleted/", exports.TombstoneListView.as_view(), name="claim-tombstones"),
    path("imports/", exports.ImportJobListView.as_view(), name="import-jobs"),
    # Any id in the path (as the router's routes): a wrong one is a 404 after the permissions, not before.
    re_path(r"^imports/(?P<pk>[^/.]+)/$", exports.ImportJobDetailView.as_view(), name="import-job"),
    re_path(r"^imports/(?P<pk>[^/.]+)/faulty\.csv$", exports.ImportJobFaultyView.as_view(), name="import-job-faulty"),
]
