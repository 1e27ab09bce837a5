"""The portal's link in the office's navigation and its home panel (triage and reviews)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wenming.org.roles import is_office

from . import selectors


def nav_citizens(request):
    if not is_office(getattr(request, "user", None)):
        return None
    return {
        "label": _("Citizen reports"),
        "url": reverse("public:triage"),
        "active_prefix": "/report/office/",
    }


def panel_citizens(request):
    user = request.user
    if not is_office(user):
        return None
    new = selectors.triage_count(actor=user)
    review = selectors.review_count(actor=user)
    items = []
    if new:
        items.append(
            {
                "label": _("Citizen reports to triage"),
                "count": new,
                "url": reverse("public:triage"),
                "tone": "primary",
            }
        )
    if review:
        items.append(
            {
                "label": _("Ratings to review"),
                "count": review,
                "url": reverse("public:triage") + "#reviews",
                "tone": "warning",
            }
        )
    return {
        "title": _("Citizen reports"),
        "order": 20,
        "empty": _("No citizen reports are waiting."),
        "items": items,
    }
