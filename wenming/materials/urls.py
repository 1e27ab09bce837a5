from django.urls import path

from . import views

app_name = "materials"
urlpatterns = [
    path("", views.due, name="due"),
    path("review/", views.queue, name="queue"),
    path("gaps/", views.gap_list, name="gaps"),
    path("scores/", views.scores, name="scores"),
    path("windows/new/", views.window_new, name="window_new"),
    path("windows/<int:pk>/edit/", views.window_edit, name="window_edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/files/", views.file_add, name="file_add"),
    path("<int:pk>/files/<int:file_id>/", views.download, name="download"),
    path("<int:pk>/files/<int:file_id>/remove/", views.file_remove, name="file_remove"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/review/", views.review, name="review"),
]
