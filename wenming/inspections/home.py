"""The inspections app's navigation link (its home panels are in `panels.py`)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wenming.core.roles import Role


def nav_inspections(request):
    """Inspectors and evaluators go straight to their visits; everyone else to the rounds."""
    role = getattr(request.user, "role", "")
    if not role:
        return None
    if role in (Role.INSPECTOR, Role.EVALUATOR):
        url = reverse("inspections:visits")
        label = _("My visits")
    else:
        url = reverse("inspections:rounds")
        label = _("Inspections")
    return {"label": label, "url": url, "active_prefix": "/inspections/"}
