from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreationConfig(AppConfig):
    name = "wenming.creation"
    label = "creation"
    verbose_name = _("Creation registry")

    def ready(self):
        from wenming.core.home import register_nav, register_panel
        from wenming.core.jobs import register_job

        from . import activity, home, reports

        register_nav(home.nav_creation, order=60)
        register_panel(home.panel_creation, order=60)
        register_job(reports.ROLL, reports.make_roll)
        register_job(reports.COVERAGE, reports.make_coverage)
        register_job(reports.NOTICE, reports.make_notice)
        activity.register()
