"""Navigation and home panel of the points app."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wenming.org.roles import Role

from . import selectors


def nav_points(request):
    return {
        "label": _("Assessment points"),
        "url": reverse("points:index"),
        "active_prefix": "/points/",
    }


def panel_points_by_type(request):
    """A region officer's points by type (the biggest first, five at most)."""
    user = request.user
    if user.role != Role.REGION_OFFICER or not user.region_id:
        return None
    rows = sorted(
        selectors.point_counts_by_type(actor=user, region=user.region), key=lambda r: -r["n"]
    )
    english = (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en")
    base = reverse("points:index")
    return {
        "title": _("My points by type"),
        "order": 35,
        "empty": _("No assessment points in your region yet."),
        "items": [
            {
                "label": (
                    r["point_type__name_en"]
                    if english and r["point_type__name_en"]
                    else r["point_type__name"]
                ),
                "count": r["n"],
                "url": f"{base}?type={r['point_type__code']}&active=1",
                "tone": "secondary",
            }
            for r in rows[:5]
        ]
        + (
            [
                {
                    "label": _("All point types"),
                    "count": sum(r["n"] for r in rows),
                    "url": reverse("points:mine"),
                    "tone": "primary",
                }
            ]
            if len(rows) > 5
            else []
        ),
    }
