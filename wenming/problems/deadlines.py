"""When a problem is overdue or due soon: the one rule every list, page, metric and tick asks.

A problem is *overdue* when its handler still owes work (`is_pending`: dispatched or in
progress) and its deadline lies before today; *due soon* when it is pending and its deadline is
today or the next working day. "Today" is the local date (Asia/Shanghai), because deadlines are
local working days. A problem on hold, rectified or closed is never overdue: its clock stopped.

In SQL the rule is `overdue_q` / `due_soon_q` (served by the partial index on pending
deadlines); in Python it is `DeadlineClock`, built once per page or list so today and the
due-soon horizon are worked out once. Escalation looks further: overdue by more than the
office's threshold in working days (`long_overdue_q`).
"""

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from wenming.core.calendar import add_working_days, working_days_between


def local_today(now=None) -> date:
    """Today's local date (or that of `now`): the day deadlines are compared with."""
    return timezone.localdate(now)


def due_soon_until(today: date) -> date:
    """The last deadline that counts as due soon on `today` (the next working day)."""
    return add_working_days(today, 1)


def overdue_q(today: date) -> Q:
    """Problems overdue on `today`, as a filter."""
    return Q(is_pending=True, deadline__lt=today)


def due_soon_q(today: date) -> Q:
    """Problems due today or on the next working day (and not yet overdue), as a filter."""
    return Q(is_pending=True, deadline__gte=today, deadline__lte=due_soon_until(today))


def escalation_cutoff(today: date, working_days: int) -> date:
    """The latest deadline that is overdue by more than `working_days` working days today."""
    day = today
    while working_days_between(day, today) <= working_days:
        day -= timedelta(days=1)
    return day


def long_overdue_q(today: date, working_days: int) -> Q:
    """Problems overdue by more than `working_days` working days (escalation's threshold)."""
    return Q(is_pending=True, deadline__lte=escalation_cutoff(today, working_days))


class DeadlineClock:
    """Today's answers of the rule for one page, list or export."""

    __slots__ = ("soon", "today")

    def __init__(self, today: date | None = None):
        self.today = today if today is not None else local_today()
        self.soon = due_soon_until(self.today)

    def due(self, is_pending: bool, deadline: date | None) -> tuple[bool, bool]:
        """(overdue, due soon) of a problem with these two columns."""
        if not (is_pending and deadline is not None):
            return False, False
        return deadline < self.today, self.today <= deadline <= self.soon

    def overdue(self, problem) -> bool:
        """Whether `problem` (an instance) is overdue today."""
        return self.due(problem.is_pending, problem.deadline)[0]

    def due_soon(self, problem) -> bool:
        """Whether `problem` (an instance) is due soon today."""
        return self.due(problem.is_pending, problem.deadline)[1]
