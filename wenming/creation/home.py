"""The creation registry's navigation link and home panel."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wenming.core.roles import Role

from . import selectors
from .models import ApplicationStatus

READERS = (Role.OFFICE_ADMIN, Role.LEADER, Role.REGION_OFFICER, Role.UNIT_OFFICER)


def nav_creation(request):
    if getattr(request.user, "role", "") not in READERS:
        return None
    return {
        "label": _("Creation"),
        "url": reverse("creation:entries"),
        "active_prefix": "/creation/",
    }


def panel_creation(request):
    """Applications waiting for the reader's step, and honours under warning in their scope."""
    user = request.user
    if getattr(user, "role", "") not in READERS:
        return None
    waiting = selectors.reviews_waiting(actor=user).count()
    warned = selectors.applications_visible(actor=user, status=ApplicationStatus.WARNED).count()
    items = []
    if waiting:
        items.append(
            {
                "label": _("Applications waiting for your review"),
                "count": waiting,
                "url": reverse("creation:applications"),
                "tone": "primary",
            }
        )
    if warned:
        items.append(
            {
                "label": _("Honours under warning"),
                "count": warned,
                "url": reverse("creation:applications") + "?status=warned",
                "tone": "warning",
            }
        )
    return {
        "title": _("Creation registry"),
        "order": 60,
        "empty": _("Nothing in the creation registry waits for you."),
        "items": items,
    }
