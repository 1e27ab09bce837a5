from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "wenming.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from wenming.core.home import register_nav, register_panel

        from . import activity, home

        register_nav(home.nav_regions, order=80)
        register_nav(home.nav_units, order=81)
        register_panel(home.panel_my_scope, order=1)
        activity.register()
