"""The plans app's navigation link and home panel.

- a unit or region officer: their open tasks (nearest deadline first) and the milestones due
  within two weeks, each with its date (red when overdue);
- the office: tasks waiting for acceptance and tasks overdue, linked to the filtered ledger.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from wenming.core.roles import Role

from . import selectors
from .models import Status

WORKING_ROLES = (Role.OFFICE_ADMIN, Role.LEADER, Role.REGION_OFFICER, Role.UNIT_OFFICER)


def nav_plans(request):
    if getattr(request.user, "role", "") not in WORKING_ROLES:
        return None
    return {"label": _("Tasks"), "url": reverse("plans:ledger"), "active_prefix": "/plans/"}


def panel_my_tasks(request):
    user = request.user
    role = getattr(user, "role", "")
    ledger = reverse("plans:ledger")
    if role in (Role.OFFICE_ADMIN, Role.LEADER):
        counts = selectors.task_counts(actor=user, filters=selectors.LedgerFilters())
        items = [
            {
                "label": _("Waiting for acceptance"),
                "count": counts["by_status"][Status.SUBMITTED],
                "url": f"{ledger}?status={Status.SUBMITTED}",
                "tone": "primary",
            },
            {
                "label": _("Overdue tasks"),
                "count": counts["overdue"],
                "url": f"{ledger}?overdue=1",
                "tone": "danger",
            },
        ]
        return {
            "title": _("Tasks"),
            "order": 22,
            "items": [i for i in items if i["count"]],
            "empty": _("No task is waiting for you."),
        }
    if role not in (Role.UNIT_OFFICER, Role.REGION_OFFICER):
        return None
    mine = selectors.home_items(actor=user)
    items = [
        {
            "label": t["title"],
            "count": t["deadline"].isoformat(),
            "url": reverse("plans:task", args=[t["id"]]),
            "tone": "danger" if t["overdue"] else "secondary",
        }
        for t in mine["tasks"]
    ]
    items += [
        {
            "label": _("Milestone: %(title)s (%(task)s)")
            % {"title": m["title"], "task": m["task__title"]},
            "count": m["deadline"].isoformat(),
            "url": reverse("plans:task", args=[m["task_id"]]),
            "tone": "danger" if m["overdue"] else "warning",
        }
        for m in mine["milestones"]
    ]
    return {
        "title": _("My tasks and milestones"),
        "order": 22,
        "items": items,
        "empty": _("No task is waiting for you."),
    }
