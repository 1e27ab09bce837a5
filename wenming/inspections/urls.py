from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/draw/", views.round_draw, name="draw"),
    path("rounds/<int:pk>/reassign/", views.visit_reassign, name="reassign"),
    path("rounds/<int:pk>/report/<str:kind>/", views.report, name="report"),
    path("visits/", views.visits_mine, name="visits"),
    path("visits/markers.json", views.visit_markers, name="markers"),
    path("visits/<int:pk>/", views.visit_page, name="visit"),
    path("visits/<int:pk>/start/", views.visit_start, name="start"),
    path("visits/<int:pk>/answers/", views.visit_answers, name="answers"),
    path("visits/<int:pk>/photos/", views.visit_photos, name="photos"),
    path("visits/<int:pk>/submit/", views.visit_submit, name="submit"),
    path("visits/<int:pk>/review/", views.review, name="review"),
]
