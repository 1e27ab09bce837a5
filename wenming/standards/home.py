"""Navigation and home panels of the evaluation-system app."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wenming.org.roles import Role

from . import selectors


def nav_standards(request):
    return {
        "label": _("Evaluation system"),
        "url": reverse("standards:systems"),
        "active_prefix": "/standards/",
    }


def panel(request):
    """Office and leaders: the coverage gaps; a unit officer: the standards they answer for."""
    user = request.user
    system = selectors.system_current(actor=user)
    if system is None:
        return None
    if user.role in (Role.OFFICE_ADMIN, Role.LEADER):
        gaps = selectors.coverage_gaps(actor=user, system=system)
        url = reverse("standards:coverage", args=[system.code])
        return {
            "title": _("Coverage gaps in %(code)s") % {"code": system.code},
            "order": 30,
            "empty": _("Every standard has an owner and every field standard a check."),
            "items": [
                item
                for item in (
                    {
                        "label": _("Standards without a lead unit"),
                        "count": gaps["no_lead"].count(),
                        "url": url,
                        "tone": "danger",
                    },
                    {
                        "label": _("Field standards no checklist item tests"),
                        "count": gaps["field_untested"].count(),
                        "url": url,
                        "tone": "warning",
                    },
                    {
                        "label": _("Point types without points"),
                        "count": gaps["types_without_points"].count(),
                        "url": url,
                        "tone": "secondary",
                    },
                )
                if item["count"]
            ],
        }
    if user.role == Role.UNIT_OFFICER and user.unit_id:
        mine = selectors.standards_of_unit(actor=user, system=system, unit=user.unit)
        lead = mine.filter(lead_unit=user.unit).count()
        url = reverse("standards:mine")
        return {
            "title": _("My standards"),
            "order": 30,
            "empty": _("Your unit has no standards in the system in force."),
            "items": [
                item
                for item in (
                    {"label": _("Standards we lead"), "count": lead, "url": url, "tone": "danger"},
                    {
                        "label": _("Standards we support"),
                        "count": mine.count() - lead,
                        "url": url,
                        "tone": "warning",
                    },
                )
                if item["count"]
            ],
        }
    return None
