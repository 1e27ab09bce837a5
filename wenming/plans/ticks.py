"""`wenming tick` for tasks and milestones: reminders when due soon or overdue, and
escalation to the office, on working days only.

- due soon: an open task (or a milestone not reached) due within `DUE_SOON_WORKING_DAYS`
  working days: its handlers are reminded;
- overdue: past its deadline: its handlers are reminded;
- escalated: overdue by more than `ESCALATE_AFTER_WORKING_DAYS` working days: the office is
  told.

Each goes out once per task (or milestone), kind and deadline: `TaskReminder.key` is unique
and written in the notice's transaction, so running the tick again — or twice at once — sends
nothing twice; a moved deadline allows one new reminder for the new date.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.calendar import add_working_days, is_working_day
from wenming.problems.deadlines import escalation_cutoff

from . import notify
from .models import Milestone, Task, TaskReminder
from .models.tasks import OPEN_STATUSES

DUE_SOON_WORKING_DAYS = 2
ESCALATE_AFTER_WORKING_DAYS = 3
BATCH = 2000


def _claim(key: str, task_id: int, kind: str, today: date, milestone_id=None) -> bool:
    try:
        with transaction.atomic():
            TaskReminder.objects.create(
                key=key, task_id=task_id, milestone_id=milestone_id, kind=kind, sent_on=today
            )
        return True
    except IntegrityError:
        return False


def _sent_keys(prefix: str, keys: list[str]) -> set[str]:
    return set(TaskReminder.objects.filter(key__in=keys).values_list("key", flat=True))


def _remind_tasks(kind: str, condition: Q, today: date, title_of, *, office=False) -> int:
    tasks = list(
        Task.objects.filter(condition, is_published=True, status__in=OPEN_STATUSES).order_by(
            "deadline", "id"
        )[:BATCH]
    )
    keys = {t.pk: f"task:{t.pk}:{kind}:{t.deadline.isoformat()}" for t in tasks}
    sent_before = _sent_keys("task", list(keys.values()))
    sent = 0
    for task in tasks:
        key = keys[task.pk]
        if key in sent_before:
            continue
        with transaction.atomic():
            if not _claim(key, task.pk, kind, today):
                continue
            people = notify.office_people() if office else notify.handler_people(task)
            notify.send(
                kind=kind,
                recipients=people,
                task=task,
                title=lambda task=task: title_of(task.title, task.deadline),
                dedupe_key=key,
            )
            sent += 1
    return sent


def _remind_milestones(kind: str, condition: Q, today: date, title_of, *, office=False) -> int:
    milestones = list(
        Milestone.objects.filter(
            condition,
            done_on__isnull=True,
            task__is_published=True,
            task__status__in=OPEN_STATUSES,
        )
        .select_related("task")
        .order_by("deadline", "id")[:BATCH]
    )
    keys = {m.pk: f"milestone:{m.pk}:{kind}:{m.deadline.isoformat()}" for m in milestones}
    sent_before = _sent_keys("milestone", list(keys.values()))
    sent = 0
    for m in milestones:
        key = keys[m.pk]
        if key in sent_before:
            continue
        with transaction.atomic():
            if not _claim(key, m.task_id, kind, today, milestone_id=m.pk):
                continue
            people = notify.office_people() if office else notify.handler_people(m.task)
            notify.send(
                kind=kind,
                recipients=people,
                task=m.task,
                title=lambda m=m: title_of(f"{m.task.title} · {m.title}", m.deadline),
                dedupe_key=key,
            )
            sent += 1
    return sent


def _due_soon_title(title, deadline):
    return _("Due on %(deadline)s: %(title)s") % {"deadline": deadline, "title": title}


def _overdue_title(title, deadline):
    return _("Overdue (deadline %(deadline)s): %(title)s") % {"deadline": deadline, "title": title}


def _escalated_title(title, deadline):
    return _("Escalated, overdue since %(deadline)s: %(title)s") % {
        "deadline": deadline,
        "title": title,
    }


def plans_tick(*, now) -> dict:
    """Remind and escalate due-soon and overdue tasks and milestones (working days only)."""
    today = timezone.localdate(now)
    if not is_working_day(today):
        return {"working_day": False}
    soon = Q(deadline__gte=today, deadline__lte=add_working_days(today, DUE_SOON_WORKING_DAYS))
    late = Q(deadline__lt=today)
    long_late = Q(deadline__lte=escalation_cutoff(today, ESCALATE_AFTER_WORKING_DAYS))
    return {
        "tasks_due_soon": _remind_tasks("due_soon", soon, today, _due_soon_title),
        "tasks_overdue": _remind_tasks("overdue", late, today, _overdue_title),
        "tasks_escalated": _remind_tasks(
            "escalation", long_late, today, _escalated_title, office=True
        ),
        "milestones_due_soon": _remind_milestones("due_soon", soon, today, _due_soon_title),
        "milestones_overdue": _remind_milestones("overdue", late, today, _overdue_title),
        "milestones_escalated": _remind_milestones(
            "escalation", long_late, today, _escalated_title, office=True
        ),
    }


plans_tick.tick_name = "plans"
