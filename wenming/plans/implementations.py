"""The six implementations (六落实) of a task, and which are still missing.

- task (任务): the task is described (a description is written);
- responsibility (责任): a lead unit answers for it;
- personnel (人员): a person is in charge;
- progress (进度): a progress report within the last `PROGRESS_FRESH_DAYS` days (an accepted
  task keeps its progress as done);
- time limit (时限): the deadline is being kept — missing while the task is overdue;
- effect (效果): the office has accepted the effect.

`missing_q(code, today)` is the same rule as a filter, for the ledger; `missing(task, today)`
reads it on a row already loaded. Overdue is `overdue_q`: open and past the deadline.
"""

from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import pgettext_lazy

from .models import Status
from .models.tasks import OPEN_STATUSES

PROGRESS_FRESH_DAYS = 31

CODES = ("task", "responsibility", "personnel", "progress", "time_limit", "effect")
LABELS = {
    "task": pgettext_lazy("six implementations", "Task"),
    "responsibility": pgettext_lazy("six implementations", "Responsibility"),
    "personnel": pgettext_lazy("six implementations", "Personnel"),
    "progress": pgettext_lazy("six implementations", "Progress"),
    "time_limit": pgettext_lazy("six implementations", "Time limit"),
    "effect": pgettext_lazy("six implementations", "Effect"),
}


def overdue_q(today: date) -> Q:
    """Tasks overdue on `today`: not accepted and past their deadline."""
    return Q(status__in=OPEN_STATUSES, deadline__lt=today)


def due_soon_q(today: date, until: date) -> Q:
    return Q(status__in=OPEN_STATUSES, deadline__gte=today, deadline__lte=until)


def is_overdue(task, today: date) -> bool:
    return task.status in OPEN_STATUSES and task.deadline < today


def missing_q(code: str, today: date) -> Q:
    """Tasks missing implementation `code` on `today`, as a filter."""
    if code == "task":
        return Q(description="")
    if code == "responsibility":
        return Q(lead_unit__isnull=True)
    if code == "personnel":
        return Q(person_in_charge__isnull=True)
    if code == "progress":
        fresh = today - timedelta(days=PROGRESS_FRESH_DAYS)
        return ~Q(status=Status.ACCEPTED) & (
            Q(last_progress_on__isnull=True) | Q(last_progress_on__lt=fresh)
        )
    if code == "time_limit":
        return overdue_q(today)
    if code == "effect":
        return ~Q(status=Status.ACCEPTED)
    raise ValueError(code)


def missing_values(row: dict, today: date) -> list[str]:
    """The codes missing for a task given as a dict of its columns (the ledger's rows)."""
    fresh = today - timedelta(days=PROGRESS_FRESH_DAYS)
    accepted = row["status"] == Status.ACCEPTED
    out = []
    if not row["description"]:
        out.append("task")
    if row["lead_unit_id"] is None:
        out.append("responsibility")
    if row["person_in_charge_id"] is None:
        out.append("personnel")
    last = row["last_progress_on"]
    if not accepted and (last is None or last < fresh):
        out.append("progress")
    if row["status"] in OPEN_STATUSES and row["deadline"] < today:
        out.append("time_limit")
    if not accepted:
        out.append("effect")
    return out


def missing(task, today: date) -> list[str]:
    """The codes missing for a loaded task."""
    return missing_values(
        {
            "status": task.status,
            "description": task.description,
            "lead_unit_id": task.lead_unit_id,
            "person_in_charge_id": task.person_in_charge_id,
            "last_progress_on": task.last_progress_on,
            "deadline": task.deadline,
        },
        today,
    )
