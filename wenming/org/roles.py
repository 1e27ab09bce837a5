"""The roles a person can hold (one each). Citizens do not log in."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("Civilization Office admin")
    LEADER = "leader", _("Leader")
    REGION_OFFICER = "region_officer", _("Region officer")
    UNIT_OFFICER = "unit_officer", _("Member unit officer")
    INSPECTOR = "inspector", _("Inspector")
    EVALUATOR = "evaluator", _("Third-party evaluator")
