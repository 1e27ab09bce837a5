from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "wenming.scoring"
    label = "scoring"
    verbose_name = _("Scores and rankings")
