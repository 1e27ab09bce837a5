from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("regions/", views.regions, name="regions"),
    path("regions/search.json", views.region_search, name="region_search"),
    path("units/", views.units, name="units"),
]
