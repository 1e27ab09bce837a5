from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "wenming.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards and briefings")

    def ready(self):
        from wenming.core.home import register_nav
        from wenming.core.jobs import register_job
        from wenming.core.ticks import register_tick

        from . import activity, bigscreen, briefing, home
        from .aggregates import aggregates_tick

        # Before the ticks that read the counts (the snapshot of a month just ended).
        register_tick(aggregates_tick, order=20)
        # Right after: the big screens' payloads at the new mark (bigscreen.py).
        register_tick(bigscreen.bigscreen_tick, order=21)
        register_job(briefing.DOCX, briefing.make_docx)
        register_job(briefing.XLSX, briefing.make_xlsx)
        register_nav(home.nav_dashboards, order=60)
        activity.register()
