from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "wenming.open311"
    label = "open311"
    verbose_name = _("Open311 GeoReport v2")

    def ready(self):
        from wenming.core.home import register_panel
        from wenming.public.services.retention import register_personal_data_eraser

        from . import activity
        from .pages import panel_partner_apps
        from .services import open311_personal_data_erase

        register_panel(panel_partner_apps, order=95)
        # The portal's retention erasure also blanks what partner apps sent about the citizen.
        register_personal_data_eraser(open311_personal_data_erase)
        activity.register()
