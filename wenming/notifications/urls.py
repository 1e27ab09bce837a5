from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:message_id>/read/", views.message_read, name="read"),
    path("<int:message_id>/open/", views.message_open, name="open"),
    path("read-all/", views.read_all, name="read_all"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/<int:delivery_id>/retry/", views.delivery_retry, name="delivery_retry"),
    path("robots/", views.channels, name="channels"),
    path("robots/<int:channel_id>/", views.channel_edit, name="channel_edit"),
    path("robots/<int:channel_id>/delete/", views.channel_delete, name="channel_delete"),
    path("robots/<int:channel_id>/test/", views.channel_test, name="channel_test"),
]
