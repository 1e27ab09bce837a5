"""Navigation entries and the home panel that the organisation app contributes."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .roles import Role


def nav_regions(request):
    if request.user.role in (Role.INSPECTOR, Role.EVALUATOR):
        return None
    return {"label": _("Regions"), "url": reverse("org:regions"), "active_prefix": "/org/regions"}


def nav_units(request):
    if request.user.role in (Role.INSPECTOR, Role.EVALUATOR):
        return None
    return {"label": _("Member units"), "url": reverse("org:units"), "active_prefix": "/org/units"}


def panel_my_scope(request):
    """Tell each person, in one line, what part of the city their data covers."""
    user = request.user
    if user.role in (Role.OFFICE_ADMIN, Role.LEADER):
        scope = _("the whole city")
    elif user.role == Role.REGION_OFFICER and user.region_id:
        scope = user.region.display_name
    elif user.role == Role.UNIT_OFFICER and user.unit_id:
        scope = user.unit.display_name
    else:
        scope = _("the visits assigned to you")
    return {"title": _("Your data scope"), "text": scope, "items": [], "order": 1, "kind": "scope"}
