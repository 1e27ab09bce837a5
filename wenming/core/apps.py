from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "wenming.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from .audit_checks import JOB_KIND, make_verify_report
        from .home import register_nav
        from .jobs import jobs_cleanup_tick, register_job
        from .ticks import register_tick
        from .views_activity import nav_activity

        register_tick(jobs_cleanup_tick)
        register_job(JOB_KIND, make_verify_report)
        register_nav(nav_activity, order=85)
