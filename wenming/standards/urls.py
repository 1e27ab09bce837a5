from django.urls import path

from . import content_views, views

app_name = "standards"
urlpatterns = [
    path("", views.systems, name="systems"),
    path("import/", views.import_workbook, name="import"),
    path("mine/", views.my_standards, name="mine"),
    path("point-types/", views.point_types, name="point_types"),
    path("point-types/new/", content_views.point_type_new, name="point_type_new"),
    path("point-types/<str:type_code>/", views.point_type_detail, name="point_type"),
    path(
        "point-types/<str:type_code>/edit/", content_views.point_type_edit, name="point_type_edit"
    ),
    path("point-types/<str:type_code>/checks/new/", views.checklist_new, name="checklist_new"),
    path("checklist/<int:pk>/edit/", views.checklist_edit, name="checklist_edit"),
    path("checklist/<int:pk>/delete/", views.checklist_delete, name="checklist_delete"),
    path("<str:code>/", views.system_detail, name="system"),
    path("<str:code>/edit/", views.system_edit, name="system_edit"),
    path("<str:code>/clone/", views.system_clone, name="clone"),
    path("<str:code>/export/", views.export, name="export"),
    path("<str:code>/matrix/", views.matrix, name="matrix"),
    path("<str:code>/coverage/", views.coverage, name="coverage"),
    path("<str:code>/rules/", content_views.system_rules, name="system_rules"),
    path("<str:code>/negative/", content_views.negative_list, name="negative"),
    path("<str:code>/negative/new/", content_views.negative_entry_edit, name="negative_new"),
    path(
        "<str:code>/negative/<str:entry_code>/edit/",
        content_views.negative_entry_edit,
        name="negative_edit",
    ),
    path(
        "<str:code>/negative/<str:entry_code>/delete/",
        content_views.negative_entry_delete,
        name="negative_delete",
    ),
    path("<str:code>/standards/<int:pk>/edit/", views.standard_edit, name="standard_edit"),
    path("<str:code>/standards/<int:pk>/delete/", views.standard_delete, name="standard_delete"),
    path("<str:code>/<str:action>/", views.system_transition, name="transition"),
]
