"""Mounted beside the plans pages under `/plans/` (namespace `oversight`)."""

from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("orders/", views.order_list, name="orders"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<int:pk>/", views.order_page, name="order"),
    path("orders/<int:pk>/move/", views.order_move, name="order_move"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path("meetings/<int:pk>/commit/", views.meeting_commit, name="meeting_commit"),
    path("guarantors/", views.guarantor_list, name="guarantors"),
    path("guarantors/assign/", views.guarantor_assign, name="guarantor_assign"),
    path("guarantors/<int:pk>/end/", views.guarantor_end, name="guarantor_end"),
    path("guarantors/mine/", views.guaranteed, name="guaranteed"),
]
