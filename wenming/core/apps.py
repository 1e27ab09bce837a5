from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "wenming.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from .jobs import jobs_cleanup_tick
        from .ticks import register_tick

        register_tick(jobs_cleanup_tick)
