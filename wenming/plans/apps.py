from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "wenming.plans"
    label = "plans"
    verbose_name = _("Campaigns and tasks")

    def ready(self):
        from wenming.core.home import register_nav, register_panel
        from wenming.core.jobs import register_job
        from wenming.core.ticks import register_tick

        from . import activity, home, letters, ticks

        register_tick(ticks.plans_tick)
        register_job(letters.JOB, letters.make_letters)
        register_nav(home.nav_plans, order=35)
        register_panel(home.panel_my_tasks, order=22)
        # The oversight part (supervision orders, meetings, guarantors): its own package.
        from .oversight import panels as oversight_panels
        from .oversight import ticks as oversight_ticks

        register_tick(oversight_ticks.supervision_tick)
        for panel in oversight_panels.PANELS:
            register_panel(panel, order=40)
        activity.register()
