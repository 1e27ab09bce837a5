"""The materials app's home panel and navigation link.

- unit officers: their material due (not submitted, returned), the earliest deadline first;
- the office and leaders: submissions awaiting pre-review and the clauses still missing.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from wenming.core.roles import Role

from . import lifecycle, selectors

OFFICE_ROLES = (Role.OFFICE_ADMIN, Role.LEADER)


def panel_material(request):
    user = request.user
    role = getattr(user, "role", None)
    if role == Role.UNIT_OFFICER:
        due = selectors.due_for(actor=user)
        returned = due.filter(status=lifecycle.S.RETURNED).count()
        missing = due.filter(status=lifecycle.S.DRAFT).count()
        items = []
        if returned:
            items.append(
                {
                    "label": _("Returned for resubmission"),
                    "count": returned,
                    "url": reverse("materials:due"),
                    "tone": "danger",
                }
            )
        if missing:
            items.append(
                {
                    "label": _("Material not submitted"),
                    "count": missing,
                    "url": reverse("materials:due"),
                    "tone": "warning",
                }
            )
        return {
            "title": _("Material due"),
            "order": 30,
            "empty": _("No material is due from you."),
            "items": items,
        }
    if role in OFFICE_ROLES:
        queue = selectors.review_queue(actor=user, window=selectors.current_window(actor=user))
        waiting = sum(queue.counts.get(s, 0) for s in lifecycle.AWAITING_REVIEW)
        missing = sum(queue.counts.get(s, 0) for s in lifecycle.AWAITING_UNIT)
        items = [
            {
                "label": _("Awaiting pre-review"),
                "count": waiting,
                "url": reverse("materials:queue"),
                "tone": "warning" if waiting else "secondary",
            },
            {
                "label": _("Clauses without material"),
                "count": missing,
                "url": reverse("materials:gaps"),
                "tone": "secondary",
            },
        ]
        return {
            "title": _("Material review"),
            "order": 30,
            "empty": _("No assessment window is open."),
            "items": items if queue.total else [],
        }
    return None


def nav_materials(request):
    if not selectors.reads_material(request.user):
        return None
    role = getattr(request.user, "role", "")
    url = reverse("materials:due" if role == Role.UNIT_OFFICER else "materials:queue")
    return {"label": _("Material review"), "url": url, "active_prefix": "/materials/"}
