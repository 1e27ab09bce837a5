"""The overdue / due-soon rule (deadlines.py), in Python and in SQL, for every status."""

from datetime import date, timedelta

from wenming.core.calendar import add_working_days
from wenming.problems.deadlines import DeadlineClock, due_soon_q, overdue_q
from wenming.problems.models import Problem, Status, status_flags
from wenming.problems.tests import factories


def test_overdue_and_due_soon_agree_in_python_and_sql_for_every_status(cast):
    today = date(2026, 4, 15)  # a Wednesday
    clock = DeadlineClock(today)
    assert clock.soon == add_working_days(today, 1)
    problem = factories.report(cast.office, region=cast.zhongshan_community)
    days = {
        "yesterday": today - timedelta(days=1),
        "today": today,
        "next working day": clock.soon,
        "later": add_working_days(today, 2),
        "none": None,
    }
    seen = set()
    for status in Status.values:
        for name, deadline in days.items():
            Problem.objects.filter(pk=problem.pk).update(deadline=deadline, **status_flags(status))
            problem.refresh_from_db()
            overdue, due_soon = clock.due(problem.is_pending, problem.deadline)
            rows = Problem.objects.filter(pk=problem.pk)
            assert rows.filter(overdue_q(today)).exists() == overdue, (status, name)
            assert rows.filter(due_soon_q(today)).exists() == due_soon, (status, name)
            assert (clock.overdue(problem), clock.due_soon(problem)) == (overdue, due_soon)
            seen.add((status, name, overdue, due_soon))
    pending = {Status.DISPATCHED, Status.IN_PROGRESS}
    # Only a pending problem's clock runs: overdue the day after its deadline, due soon until.
    assert {(s, n) for s, n, overdue, _soon in seen if overdue} == {
        (s, "yesterday") for s in pending
    }
    assert {(s, n) for s, n, _overdue, soon in seen if soon} == {
        (s, n) for s in pending for n in ("today", "next working day")
    }
