"""Home-page panels: a unit's supervision orders and the places it guarantees; the office's
orders awaiting its word."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from wenming.core.roles import Role, is_office

from ..models import OrderStatus
from . import selectors


def panel_orders(request):
    user = request.user
    role = getattr(user, "role", None)
    if not (is_office(user) or role in (Role.UNIT_OFFICER, Role.REGION_OFFICER)):
        return None
    counts = selectors.order_counts(user)
    url = reverse("oversight:orders")
    items = []
    if counts["overdue"]:
        items.append(
            {
                "label": _("Overdue"),
                "count": counts["overdue"],
                "url": f"{url}?overdue=1",
                "tone": "danger",
            }
        )
    if counts[OrderStatus.ISSUED]:
        items.append(
            {
                "label": _("Waiting for an answer"),
                "count": counts[OrderStatus.ISSUED],
                "url": f"{url}?status=issued",
                "tone": "primary",
            }
        )
    if counts[OrderStatus.RESPONDED]:
        items.append(
            {
                "label": _("Answered, to be closed"),
                "count": counts[OrderStatus.RESPONDED],
                "url": f"{url}?status=responded",
                "tone": "warning",
            }
        )
    if not items and not is_office(user):
        return None
    return {
        "title": _("Supervision orders"),
        "order": 40,
        "empty": _("No supervision order is open."),
        "items": items,
    }


def panel_guaranteed(request):
    user = request.user
    if getattr(user, "role", None) != Role.UNIT_OFFICER or not user.unit_id:
        return None
    if not selectors.guarantors_visible(user, unit=user.unit).exists():
        return None
    url = reverse("oversight:guaranteed")
    problems = selectors.guaranteed_problems(user.unit_id).count()
    failures = selectors.guaranteed_failures(user.unit_id).count()
    return {
        "title": _("Places we guarantee"),
        "order": 45,
        "empty": _("No open problem and no failed check on the places you guarantee."),
        "items": [
            item
            for item in (
                {
                    "label": _("Open problems there"),
                    "count": problems,
                    "url": url,
                    "tone": "warning",
                },
                {
                    "label": _("Failed checks, last 30 days"),
                    "count": failures,
                    "url": f"{url}#failures",
                    "tone": "danger",
                },
            )
            if item["count"]
        ],
    }


PANELS = (panel_orders, panel_guaranteed)
