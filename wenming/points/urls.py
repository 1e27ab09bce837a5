from django.urls import path

from . import views

app_name = "points"
urlpatterns = [
    path("", views.index, name="index"),
    path("map-data/", views.map_data, name="map_data"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.edit, name="new"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.edit, name="edit"),
]
