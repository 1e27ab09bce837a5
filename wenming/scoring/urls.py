from django.urls import path

from . import views

app_name = "scoring"
urlpatterns = [
    path("", views.month_page, name="month"),
    path("rankings/", views.rankings_page, name="rankings"),
    path("weeks/", views.week_page, name="week"),
    path("act/", views.snapshot_action, name="act"),
    path("settings/", views.settings_page, name="settings"),
    path("predicted/", views.predicted_page, name="predicted"),
    path("predicted/events/", views.event_record, name="event_record"),
    path("priorities/", views.priorities_page, name="priorities"),
    path("public/", views.public_rankings, name="public"),
    path("s/<str:subject>/", views.subject_page, name="subject"),
]
