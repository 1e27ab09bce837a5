from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("district/<str:code>/", views.district, name="district"),
    path("unit/<str:code>/", views.unit, name="unit"),
    path("map/", views.map_page, name="map"),
    path("bigscreen/", views.bigscreen, name="bigscreen"),
    path("data/<str:name>.json", views.data, name="data"),
    path("briefing/", views.briefing, name="briefing"),
    path("exposures/", views.exposures, name="exposures"),
    path("exposures/publish/", views.exposure_publish, name="exposure_publish"),
    path("exposures/<int:pk>/withdraw/", views.exposure_withdraw, name="exposure_withdraw"),
    # The public exposure board (曝光台): no login.
    path("exposure-board/", views.public_board, name="board"),
    path("exposure-board/<int:pk>/<str:which>.jpg", views.public_photo, name="board_photo"),
]
