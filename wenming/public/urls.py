from django.urls import path

from .views import office, portal

app_name = "public"
urlpatterns = [
    path("", portal.home, name="home"),
    path("new/", portal.report_new, name="new"),
    path("nearby/", portal.nearby, name="nearby"),
    path("p/<str:code>/", portal.problem_follow, name="problem"),
    path("follow/", portal.follow_lookup, name="follow_lookup"),
    path("t/<str:code>/", portal.follow, name="follow"),
    path("t/<str:code>/rate/", portal.rate, name="rate"),
    path("t/<str:code>/photos/<int:photo_id>/<str:variant>/", portal.photo, name="photo"),
    path("photos/<int:photo_id>/<str:variant>/", portal.after_photo, name="after_photo"),
    path("map/", portal.public_map, name="map"),
    path("map/points.geojson", portal.map_points, name="map_points"),
    path("office/", office.triage, name="triage"),
    path("office/<int:pk>/", office.report_detail, name="office_report"),
    path("office/<int:pk>/<str:action>/", office.report_act, name="office_act"),
    path("office/settings/", office.settings_page, name="settings"),
]
