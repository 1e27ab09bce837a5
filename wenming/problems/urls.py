from django.urls import path

from . import views
from .views import metrics as metrics_views

app_name = "problems"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("new/", views.create, name="create"),
    path("new/where.json", views.report.where, name="report_where"),
    path("export.xlsx", views.export, name="export"),
    path("bulk-dispatch/", views.bulk_dispatch, name="bulk_dispatch"),
    path("settings/", views.settings_page, name="settings"),
    path("photos/<int:pk>/<str:variant>/", views.photo_file, name="photo"),
    path("metrics/", metrics_views.metrics_page, name="metrics"),
    path("metrics.xlsx", metrics_views.metrics_xlsx, name="metrics_xlsx"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/act/", views.act, name="act"),
    path("<str:code>/photos/", views.add_photo, name="add_photo"),
    path("<str:code>/photos/check/", views.check_photo, name="check_photo"),
]
