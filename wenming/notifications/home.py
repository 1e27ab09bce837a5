"""Navigation link and home panels the notifications app contributes."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wenming.core.calendar import calendar_warning
from wenming.org.roles import is_office

from . import selectors


def nav_inbox(request):
    """ "Inbox" for everyone, with the unread count as a badge."""
    unread = selectors.unread_count(actor=request.user)
    return {
        "label": _("Inbox"),
        "url": reverse("notifications:inbox"),
        "active_prefix": "/notifications/",
        "badge": unread or None,
    }


def panel_inbox(request):
    unread = selectors.unread_count(actor=request.user)
    items = []
    if unread:
        items.append(
            {
                "label": _("Unread messages"),
                "count": unread,
                "url": reverse("notifications:inbox") + "?show=unread",
                "tone": "danger",
            }
        )
    return {"title": _("Inbox"), "items": items, "empty": _("No unread messages."), "order": 90}


def panel_calendar(request):
    """Warn the office when deadlines are being counted without a holiday calendar."""
    if not is_office(request.user):
        return None
    warning = calendar_warning()
    if not warning:
        return None
    return {
        "title": _("Working-day calendar"),
        "text": warning,
        "order": 2,
        "kind": "warning",
        "items": [
            {
                "label": _("Enter holidays and make-up workdays"),
                "url": reverse("admin:core_holiday_changelist"),
                "count": "!",
                "tone": "warning",
            }
        ],
    }


def panel_deliveries(request):
    """Failed e-mails and robot posts, so the office notices when nobody is being told."""
    if not is_office(request.user):
        return None
    counts = selectors.delivery_counts(actor=request.user)
    url = reverse("notifications:deliveries")
    items = []
    if counts.get("gave_up"):
        items.append(
            {
                "label": _("Deliveries given up"),
                "count": counts["gave_up"],
                "url": f"{url}?status=gave_up",
                "tone": "danger",
            }
        )
    retrying = counts.get("failed", 0) - counts.get("gave_up", 0)
    if retrying:
        items.append(
            {
                "label": _("Deliveries failing, being retried"),
                "count": retrying,
                "url": f"{url}?status=failed",
                "tone": "warning",
            }
        )
    return {
        "title": _("Notification deliveries"),
        "items": items,
        "order": 91,
        "empty": _("Every notification has been delivered."),
    }
