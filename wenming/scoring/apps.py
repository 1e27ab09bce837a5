from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "wenming.scoring"
    label = "scoring"
    verbose_name = _("Scores and rankings")

    def ready(self):
        from wenming.core.home import register_nav
        from wenming.core.ticks import register_tick

        from . import activity, home, tasks, weeks

        register_nav(home.nav_scores, order=60)
        register_tick(tasks.scoring_tick, order=60)
        register_tick(weeks.weeks_tick, order=61)
        activity.register()
