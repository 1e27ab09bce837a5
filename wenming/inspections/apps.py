from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "wenming.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from wenming.core.home import register_nav

        from . import home

        register_nav(home.nav_inspections, order=30)
