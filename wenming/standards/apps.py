from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "wenming.standards"
    label = "standards"
    verbose_name = _("Evaluation system")

    def ready(self):
        from wenming.core.home import register_nav, register_panel

        from . import home

        register_nav(home.nav_standards, order=20)
        from wenming.core.jobs import register_job

        from . import jobs

        register_job(jobs.WORKBOOK, jobs.make_workbook)
        register_panel(home.panel, order=30)
        from . import activity

        activity.register()
