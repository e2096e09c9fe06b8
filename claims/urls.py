"""HTML pages of claims: the overview, the filtered list and one claim."""

from django.urls import path

from claims import views

app_name = "claims"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("claims/", views.claim_list, name="list"),
    path("claims/<int:pk>/", views.claim_detail, name="detail"),
]
