"""What the scoring pages share: the month asked for (a future one is a 400 page)."""

from datetime import timedelta

from django.shortcuts import render

from wenming.core.errors import DomainError
from wenming.problems.deadlines import local_today

from .. import selectors
from ..services.snapshots import previous_month


def month_or_error(request):
    """(period, snapshot, None) for `?month=`, or (None, None, a 400 page naming the fault)."""
    try:
        period, snapshot = selectors.snapshot_for(
            actor=request.user, month=request.GET.get("month") or None
        )
    except DomainError as exc:
        page = render(request, "scoring/refused.html", {"message": exc.message}, status=exc.status)
        return None, None, page
    return period, snapshot, None


def month_links(period) -> dict:
    """The months before and after, for the month picker (never past this month)."""
    if period is None:
        return {}
    after = (period.last + timedelta(days=1)).replace(day=1)
    return {
        "before": f"{previous_month(period.first):%Y-%m}",
        "after": f"{after:%Y-%m}" if after <= local_today().replace(day=1) else "",
    }
