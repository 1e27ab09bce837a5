from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "wenming.public"
    label = "public"
    verbose_name = _("Citizens' portal")

    def ready(self):
        from wenming.core.home import register_nav, register_panel
        from wenming.core.ticks import register_tick

        from . import activity, home
        from .services import public_tick

        register_tick(public_tick)
        register_nav(home.nav_citizens, order=35)
        register_panel(home.panel_citizens, order=20)
        activity.register()
