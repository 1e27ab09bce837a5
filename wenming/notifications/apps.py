from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "wenming.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from wenming.core.home import register_nav, register_panel
        from wenming.core.ticks import register_tick

        from . import activity, home
        from .ticks import deliveries_tick

        register_nav(home.nav_inbox, order=90)
        register_panel(home.panel_calendar, order=2)
        register_panel(home.panel_inbox, order=90)
        register_panel(home.panel_deliveries, order=91)
        register_tick(deliveries_tick, order=90)
        activity.register()
