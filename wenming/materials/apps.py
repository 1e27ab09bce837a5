from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "wenming.materials"
    label = "materials"
    verbose_name = _("Material review")

    def ready(self):
        from wenming.core.home import register_nav, register_panel

        from . import activity, panels

        activity.register()
        register_nav(panels.nav_materials, order=45)
        register_panel(panels.panel_material, order=30)
