"""The ledger's navigation link and home panels, per role."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from wenming.org.roles import Role, is_office

from . import selectors
from .deadlines import local_today


def _url(**params) -> str:
    return reverse("problems:ledger") + ("?" + urlencode(params) if params else "")


def nav_ledger(request):
    if not getattr(request.user, "role", ""):
        return None
    return {
        "label": _("Problem ledger"),
        "url": reverse("problems:ledger"),
        "active_prefix": "/problems/",
    }


def _item(label, count, url, tone="secondary") -> dict:
    return {"label": label, "count": count, "url": url, "tone": tone if count else "secondary"}


def panel_office(request):
    """The office's Monday morning: triage, verification, returns, flags, overdue."""
    user = request.user
    if not is_office(user):
        return None
    queues = selectors.office_queues(actor=user)
    items = [
        _item(_("New reports to triage"), queues["new"], _url(status="new"), "primary"),
        _item(
            _("Rectifications awaiting verification"),
            queues["rectified"],
            _url(status="rectified"),
            "success",
        ),
        _item(_("Returned by units"), queues["returned"], _url(returned=1), "warning"),
        _item(_("Extension requests"), queues["extension"], _url(extension=1), "info"),
        _item(_("Long-term hold requests"), queues["hold"], _url(hold_request=1), "info"),
        _item(
            _("Suspicious evidence"),
            queues["flagged"],
            _url(status="rectified", flagged=1),
            "danger",
        ),
    ]
    return {"title": _("Problem ledger"), "items": items, "order": 10}


def panel_overdue_by_district(request):
    user = request.user
    if user.role not in (Role.OFFICE_ADMIN, Role.LEADER):
        return None
    rows = selectors.overdue_by_district(actor=user)
    items = [
        _item(
            row["district__name"]
            if not _english()
            else (row["district__name_en"] or row["district__name"]),
            row["n"],
            _url(overdue=1, region=row["district__code"]),
            "danger",
        )
        for row in rows[:12]
        if row["district__code"]
    ]
    return {
        "title": _("Overdue problems by district"),
        "items": items,
        "order": 11,
        "empty": _("Nothing is overdue."),
    }


def _english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("en")


def panel_handler(request):
    """A region or unit officer: what was dispatched to them, due soon first."""
    user = request.user
    if user.role not in (Role.REGION_OFFICER, Role.UNIT_OFFICER):
        return None
    queues = selectors.handler_queues(actor=user)
    items = [
        _item(
            _("Due within a working day"),
            queues["due_soon"],
            _url(mine=1, due_soon=1, sort="deadline"),
            "warning",
        ),
        _item(_("Overdue"), queues["overdue"], _url(mine=1, overdue=1, sort="deadline"), "danger"),
        _item(
            _("Newly dispatched, to accept"),
            queues["dispatched"],
            _url(mine=1, status="dispatched", sort="deadline"),
            "primary",
        ),
        _item(
            _("In progress"),
            queues["in_progress"],
            _url(mine=1, status="in_progress", sort="deadline"),
        ),
    ]
    today = local_today()
    rows = [
        {
            "label": f"{row['code']} {row['title']}",
            "url": reverse("problems:detail", args=[row["code"]]),
            "note": row["deadline"],
            "tone": "danger" if row["deadline"] < today else "secondary",
        }
        for row in selectors.handler_next(actor=user)
    ]
    return {
        "title": _("Problems dispatched to you"),
        "items": items,
        "rows": rows,
        "rows_title": _("Next deadlines"),
        "order": 10,
    }


def panel_reporter(request):
    user = request.user
    if user.role not in (Role.INSPECTOR, Role.EVALUATOR):
        return None
    counts = selectors.reported_by_me(actor=user)
    return {
        "title": _("Problems you reported"),
        "order": 10,
        "items": [
            _item(_("Still open"), counts["open"], _url(open=1), "primary"),
            _item(_("All"), counts["all"], _url()),
        ],
    }
