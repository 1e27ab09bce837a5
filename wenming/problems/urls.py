from django.urls import path

from . import views

app_name = "problems"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("<str:code>/", views.detail, name="detail"),
]
