"""A month's scores per tier, the rankings with their red and black lists, and the office's
actions on the month (compute, publish, recompute with a reason)."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError
from wenming.core.roles import is_office
from wenming.problems.deadlines import local_today
from wenming.problems.metrics import Period

from .. import selectors, services, weeks
from ..models import RANKING_ORDER, SnapshotStatus, Tier
from ..tasks import snapshot_queue
from .common import month_links, month_or_error

# As many rows a page as the problems' ledger shows.
PAGE_SIZE = 50

TIERS = [
    Tier.DISTRICT,
    Tier.STREET,
    Tier.COMMUNITY,
    Tier.MEMBER_UNIT,
    Tier.CENTRAL_UNIT,
    Tier.GUARANTOR,
    Tier.CITY,
]


@login_required
def month_page(request):
    """The month's scores of one tier (the reader's scope), with the snapshot's state."""
    period, snapshot, refused = month_or_error(request)
    if refused:
        return refused
    tier = request.GET.get("tier") or Tier.DISTRICT
    if tier not in Tier.values:
        tier = Tier.DISTRICT
    rows, page = [], None
    if snapshot is not None:
        scores = (
            selectors.scores_visible(actor=request.user, snapshot=snapshot)
            .filter(tier=tier)
            # The table shows no component: not loading them saves ten rows per subject
            # (half a second for the 934 communities of a 1,000,000-problem city).
            .prefetch_related(None)
            .order_by(*RANKING_ORDER)
        )
        # Pages of the ledger's size: the 934 communities in one table took ~0.3 s to render.
        page = Paginator(scores, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
    month = period.label if period else ""
    return render(
        request,
        "scoring/month.html",
        {
            "period": period,
            "month": month,
            "snapshot": snapshot,
            "rows": rows,
            "page": page,
            "pager_extra": f"&month={month}&tier={tier}",
            "tier": tier,
            "tiers": [(t, Tier(t).label) for t in TIERS],
            "links": month_links(period),
            "can_act": is_office(request.user),
            "history": selectors.snapshots_list(actor=request.user)[:24],
            "events": selectors.events_of(snapshot=snapshot)
            if snapshot and is_office(request.user)
            else [],
        },
    )


@login_required
def rankings_page(request):
    """Red and black lists of every tier for the month (published months; drafts to the office)."""
    period, snapshot, refused = month_or_error(request)
    if refused:
        return refused
    size = services.settings_get().list_size
    lists = []
    if snapshot is not None:
        for tier in selectors.RANKING_TIERS:
            entry = selectors.red_and_black(
                actor=request.user, snapshot=snapshot, tier=tier, size=size
            )
            if entry.rows:
                entry.steps = {s.subject: s for s in snapshot.steps.filter(tier=tier)}
                for score in (*entry.red, *entry.black):
                    score.readable = selectors.subject_readable(
                        actor=request.user, region=score.region, unit=score.unit
                    )
                lists.append(entry)
    return render(
        request,
        "scoring/rankings.html",
        {
            "period": period,
            "month": period.label if period else "",
            "snapshot": snapshot,
            "lists": lists,
            "links": month_links(period),
        },
    )


@login_required
def week_page(request):
    """An ISO week's ranking of one tier, as the worker last stored it (weeks.py); none yet:
    queued, and the page polls until it is there (htmx asks for the body alone)."""
    week = request.GET.get("week") or weeks.this_week()
    try:
        period = weeks.week_parse(week)
    except DomainError as exc:
        return render(request, "scoring/refused.html", {"message": exc.message}, status=400)
    tier = request.GET.get("tier") or Tier.DISTRICT
    if tier not in Tier.values:
        tier = Tier.DISTRICT
    ranking, rows = weeks.week_read(actor=request.user, period=period, tier=tier)
    before = weeks.week_label(Period(period.first - timedelta(days=7), period.first))
    after_first = period.first + timedelta(days=7)
    after = ""
    if after_first <= local_today():
        after = weeks.week_label(Period(after_first, after_first))
    has_data = any(r.composite is not None for r in rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "scoring/week.html"
    if request.headers.get("HX-Request"):
        template = "scoring/_week_body.html"
    return render(
        request,
        template,
        {
            "period": period,
            "week": weeks.week_label(period),
            "ranking": ranking,
            "ready": ranking is not None and ranking.computed_at is not None,
            "rows": page.object_list,
            "page": page,
            "pager_extra": f"&week={weeks.week_label(period)}&tier={tier}",
            "has_data": has_data,
            "any_rows": bool(rows),
            "tier": tier,
            "tiers": [(t, Tier(t).label) for t in TIERS],
            "before": before,
            "after": after,
        },
    )


@login_required
@require_POST
def snapshot_action(request):
    """The office computes (in the worker), publishes or recomputes a month."""
    action = request.POST.get("action", "")
    month = request.POST.get("month", "")
    target = f"{reverse('scoring:month')}?month={month}"
    try:
        if not is_office(request.user):
            from wenming.core.errors import NotAllowed

            raise NotAllowed(_("Only the Civilization Office acts on snapshots."))
        period = services.month_parse(month)
        current = services.current_snapshot(period.first)
        if action == "compute":
            if current is None:
                queued = snapshot_queue(month=period.label, actor=request.user)
                message = (
                    _("The month is being computed by the worker; reload in a moment.")
                    if queued
                    else _("The month is already queued.")
                )
            else:
                services.snapshot_compute(month=period.label, actor=request.user)
                message = _("The draft was computed again.")
        elif action == "publish" and current is not None:
            services.snapshot_publish(snapshot=current, actor=request.user)
            message = _("Published: the month is frozen and the ladder's steps are recorded.")
        elif action == "recompute" and current is not None:
            services.snapshot_recompute(
                snapshot=current, actor=request.user, reason=request.POST.get("reason", "")
            )
            message = _("Recomputed as a new version; the old one is kept.")
        else:
            message = _("Nothing to do.")
    except DomainError as exc:
        return render(
            request,
            "scoring/refused.html",
            {"message": exc.message, "back": target},
            status=exc.status,
        )
    from django.contrib import messages

    messages.success(request, message)
    return redirect(target)


def is_draft(snapshot) -> bool:
    return snapshot is not None and snapshot.status == SnapshotStatus.DRAFT
