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
        from wenming.core.home import register_panel
        from wenming.core.jobs import register_job

        from . import activity, panels, reports

        register_job(reports.XLSX, reports.make_xlsx)
        register_job(reports.DOCX, reports.make_docx)
        for panel in panels.PANELS:
            register_panel(panel, order=25)
        activity.register()
