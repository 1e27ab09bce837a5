"""The roles a person can hold (one each). Citizens do not log in.

They live in core because the kernel decides by them (data scope, the office-only rule); the
people who hold them are org's (`org.Person`), which names them as `wenming.org.roles` too.
"""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .errors import NotAllowed


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("Civilization Office admin")
    LEADER = "leader", _("Leader")
    REGION_OFFICER = "region_officer", _("Region officer")
    UNIT_OFFICER = "unit_officer", _("Member unit officer")
    INSPECTOR = "inspector", _("Inspector")
    EVALUATOR = "evaluator", _("Third-party evaluator")


def is_office(person) -> bool:
    """Who counts as the Civilization Office: a person with the office admin role.

    The one place that says so; services refuse through `require_office`, pages and templates
    ask this (or `Person.is_office`) to decide which buttons to show.
    """
    return getattr(person, "role", None) == Role.OFFICE_ADMIN


def require_office(actor, message=None) -> None:
    """Refuse (403) anyone but the office; `message` names what only the office may do."""
    if not is_office(actor):
        raise NotAllowed(message or gettext("Only the Civilization Office may do this."))
