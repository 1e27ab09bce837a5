from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "wenming.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self):
        from wenming.core.home import register_nav
        from wenming.core.jobs import register_job

        from . import activity, home, reports

        register_nav(home.nav_surveys, order=60)
        register_job(reports.XLSX, reports.make_xlsx)
        activity.register()
