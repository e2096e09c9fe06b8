"""HTML pages of actors."""

from django.urls import path

from actors import views

app_name = "actors"
urlpatterns = [
    path("actors/", views.actor_list, name="list"),
    path("actors/<slug:slug>/", views.actor_detail, name="detail"),
]
