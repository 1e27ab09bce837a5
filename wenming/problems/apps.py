from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "wenming.problems"
    label = "problems"
    verbose_name = _("Problem ledger")

    def ready(self):
        from wenming.core.home import register_nav, register_panel
        from wenming.core.ticks import register_tick

        from . import activity, home
        from .ticks import problems_tick
        from .views import metrics as metrics_views

        register_nav(home.nav_ledger, order=20)
        register_nav(metrics_views.nav_metrics, order=22)
        register_panel(home.panel_office, order=10)
        register_panel(home.panel_overdue_by_district, order=11)
        register_panel(home.panel_handler, order=10)
        register_panel(home.panel_reporter, order=10)
        register_tick(problems_tick)
        activity.register()
