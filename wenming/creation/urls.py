from django.urls import path

from . import views

app_name = "creation"
urlpatterns = [
    path("", views.entry_list, name="entries"),
    path("types/", views.type_list, name="types"),
    path("types/save/", views.type_save, name="type_save"),
    path("apply/", views.apply, name="apply"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/step/", views.application_step, name="step"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/target/", views.target_save, name="target"),
    path("export/<str:kind>/", views.export, name="export"),
]
