from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "wenming.points"
    label = "points"
    verbose_name = _("Assessment points")

    def ready(self):
        from wenming.core.home import register_nav, register_panel

        from . import home

        register_nav(home.nav_points, order=21)
        register_panel(home.panel_points_by_type, order=35)
        from . import activity

        activity.register()
