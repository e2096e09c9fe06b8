"""HTML pages of places."""

from django.urls import path

from locations import views

app_name = "locations"
urlpatterns = [
    path("locations/", views.location_list, name="list"),
    path("locations/<slug:slug>/", views.location_detail, name="detail"),
]
