from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("regions/", views.regions, name="regions"),
    path("units/", views.units, name="units"),
]
