"""Every read of the oversight pages and API, scope-aware (`core.scope.scope_queryset`)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.utils import timezone

from wenming.core.errors import NotFound
from wenming.core.scope import scope_queryset
from wenming.problems.deadlines import local_today, overdue_q
from wenming.problems.models import Problem
from wenming.problems.models.choices import OPEN_STATUSES as PROBLEM_OPEN

from ..models import (
    Guarantor,
    MeetingCommitment,
    OrderStatus,
    ReviewMeeting,
    SupervisionOrder,
    Task,
)
from ..models import Status as TaskStatus
from ..models.tasks import OPEN_STATUSES


def orders_visible(actor, *, status: str = "", overdue: bool = False, unit=None):
    qs = scope_queryset(SupervisionOrder.objects.all(), actor)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=OrderStatus.ISSUED, deadline__lt=local_today())
    if unit is not None:
        qs = qs.filter(Q(lead_unit=unit) | Q(assisting_units=unit)).distinct()
    return qs.select_related("lead_unit", "region", "task", "problem")


def order_for(actor, pk) -> SupervisionOrder:
    try:
        return orders_visible(actor).get(pk=int(pk))
    except (SupervisionOrder.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


def order_is_overdue(order, today: date | None = None) -> bool:
    return order.status == OrderStatus.ISSUED and order.deadline < (today or local_today())


def order_counts(actor) -> dict[str, int]:
    qs = scope_queryset(SupervisionOrder.objects.all(), actor)
    by_status = dict(qs.order_by().values_list("status").annotate(n=Count("id", distinct=True)))
    overdue = qs.filter(status=OrderStatus.ISSUED, deadline__lt=local_today()).count()
    return {**{s: by_status.get(s, 0) for s in OrderStatus.values}, "overdue": overdue}


def meetings_visible(actor, campaign=None):
    qs = scope_queryset(ReviewMeeting.objects.all(), actor).select_related("campaign")
    return qs.filter(campaign=campaign) if campaign is not None else qs


def meeting_for(actor, pk) -> ReviewMeeting:
    try:
        return meetings_visible(actor).get(pk=int(pk))
    except (ReviewMeeting.DoesNotExist, TypeError, ValueError):
        raise NotFound() from None


def open_commitments(campaign, *, before: date):
    """Commitments of earlier meetings of `campaign` whose task is not accepted yet: what the
    next meeting opens with."""
    return (
        MeetingCommitment.objects.filter(
            meeting__campaign=campaign, meeting__held_on__lt=before, task__status__in=OPEN_STATUSES
        )
        .select_related("meeting", "task", "task__lead_unit")
        .order_by("task__deadline", "id")
    )


def _problems_of(campaign):
    qs = Problem.objects.all()
    if campaign.region.parent_id is not None:  # a county-level campaign: its own ground
        qs = qs.filter(region__path__startswith=campaign.region.path)
    return qs


def meeting_figures(campaign, *, on: date) -> dict:
    """The figures a meeting reviews, as they stand on `on` (frozen into the meeting)."""
    today = on
    problems = _problems_of(campaign)
    tasks = Task.objects.filter(campaign=campaign, is_published=True)
    orders = SupervisionOrder.objects.filter(
        Q(task__campaign=campaign) | Q(problem__in=problems.values("pk"))
    )
    return {
        "problems_open": problems.filter(status__in=PROBLEM_OPEN).count(),
        "problems_overdue": problems.filter(overdue_q(today)).count(),
        "tasks_total": tasks.count(),
        "tasks_accepted": tasks.filter(status=TaskStatus.ACCEPTED).count(),
        "tasks_overdue": tasks.filter(status__in=OPEN_STATUSES, deadline__lt=today).count(),
        "orders_open": orders.exclude(status=OrderStatus.CLOSED).count(),
        "orders_overdue": orders.filter(status=OrderStatus.ISSUED, deadline__lt=today).count(),
        "commitments_open": open_commitments(campaign, before=on).count(),
    }


FIGURE_LABELS = (
    "problems_open",
    "problems_overdue",
    "tasks_total",
    "tasks_accepted",
    "tasks_overdue",
    "orders_open",
    "orders_overdue",
    "commitments_open",
)


def guarantors_visible(actor, *, live_only: bool = True, unit=None):
    qs = scope_queryset(Guarantor.objects.all(), actor).select_related("unit", "region", "point")
    if live_only:
        qs = qs.filter(until__isnull=True)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs


def _live_on(on: date | None):
    on = on or local_today()
    return Guarantor.objects.filter(Q(until__isnull=True) | Q(until__gte=on), since__lte=on)


def guarantor_places(*, on: date | None = None) -> dict[int, dict[str, set[int]]]:
    """unit id -> {"regions": street/community ids, "points": point ids} guaranteed on `on`
    (today by default). The scores read it to rank guarantor units."""
    places: dict[int, dict[str, set[int]]] = {}
    for unit_id, region_id, point_id in _live_on(on).values_list(
        "unit_id", "region_id", "point_id"
    ):
        entry = places.setdefault(unit_id, {"regions": set(), "points": set()})
        if region_id:
            entry["regions"].add(region_id)
        if point_id:
            entry["points"].add(point_id)
    return places


def _guaranteed_q(unit_id: int, *, region_field: str, point_field: str) -> Q | None:
    rows = list(_live_on(None).filter(unit_id=unit_id).values_list("region__path", "point_id"))
    parts = [Q(**{f"{region_field}__path__startswith": path}) for path, _p in rows if path]
    points = [p for _path, p in rows if p]
    if points:
        parts.append(Q(**{f"{point_field}__in": points}))
    return reduce(or_, parts) if parts else None


def guaranteed_problems(unit_id: int):
    """Open problems on the places `unit_id` guarantees (none when it guarantees nothing)."""
    where = _guaranteed_q(unit_id, region_field="region", point_field="point_id")
    if where is None:
        return Problem.objects.none()
    return Problem.objects.filter(where, status__in=PROBLEM_OPEN).order_by("deadline", "-id")


def guaranteed_failures(unit_id: int, *, days: int = 30):
    """Failed checks of the last `days` days at the points `unit_id` guarantees (or inside the
    streets and communities it guarantees)."""
    from wenming.inspections.models import Answer, VisitAnswer

    where = _guaranteed_q(
        unit_id, region_field="visit__point__region", point_field="visit__point_id"
    )
    if where is None:
        return VisitAnswer.objects.none()
    since = timezone.now() - timedelta(days=days)
    return (
        VisitAnswer.objects.filter(where, answer=Answer.FAIL, answered_at__gte=since)
        .select_related("visit__point", "item")
        .order_by("-answered_at")
    )
