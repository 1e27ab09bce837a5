from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "wenming.open311"
    label = "open311"
    verbose_name = _("Open311 GeoReport v2")

    def ready(self):
        from wenming.core.home import register_panel

        from .pages import panel_partner_apps

        register_panel(panel_partner_apps, order=95)
