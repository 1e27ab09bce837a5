"""Notices on dispatch/return/rework/close, and `wenming tick`: due soon, overdue, escalation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wenming.core.calendar import add_working_days
from wenming.core.errors import InvalidInput
from wenming.notifications.models import Message, Notice
from wenming.problems import services
from wenming.problems.deadlines import escalation_cutoff
from wenming.problems.models import EventKind, Problem
from wenming.problems.ticks import problems_tick

from .factories import accepted, dispatched, rectified


def inbox(person, kind=None):
    messages = Message.objects.filter(recipient=person)
    if kind:
        messages = messages.filter(notice__kind=kind)
    return list(messages.values_list("notice__title", flat=True))


def test_lifecycle_notices_go_out_after_commit(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        problem = dispatched(cast)
    assert len(inbox(cast.urban, "dispatch")) == 1 and problem.code in inbox(cast.urban)[0]
    assert inbox(cast.education) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.problem_return(problem=problem, actor=cast.urban, note="不属本局")
    assert len(inbox(cast.office, "return")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        problem = rectified(cast)
        services.problem_verify_fail(problem=problem, actor=cast.office, note="未清理干净")
    assert len(inbox(cast.urban, "rework")) == 1


def test_a_refused_action_notifies_nobody(cast, django_capture_on_commit_callbacks):
    problem = dispatched(cast)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(InvalidInput):
        services.problem_return(problem=problem, actor=cast.urban, note="")
    assert callbacks == []


def test_a_locality_hears_through_its_officers(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dispatched(cast, region=cast.zhongshan_district)
    assert len(inbox(cast.zhongshan, "dispatch")) == 1


def test_tick_sends_due_soon_and_overdue_once(cast):
    today = timezone.localdate()
    soon = dispatched(cast)
    Problem.objects.filter(pk=soon.pk).update(deadline=add_working_days(today, 1))
    late = accepted(cast)
    Problem.objects.filter(pk=late.pk).update(deadline=today - timedelta(days=1))
    result = problems_tick(now=timezone.now())
    assert result["due_soon"] == 1 and result["overdue"] == 1
    assert len(inbox(cast.urban, "due_soon")) == 1 and len(inbox(cast.urban, "overdue")) == 1
    again = problems_tick(now=timezone.now())
    assert again["due_soon"] == 0 and again["overdue"] == 0
    assert Notice.objects.filter(kind__in=["due_soon", "overdue"]).count() == 2


def test_a_new_deadline_allows_a_new_notice(cast):
    today = timezone.localdate()
    problem = accepted(cast)
    Problem.objects.filter(pk=problem.pk).update(deadline=today)
    problems_tick(now=timezone.now())
    problem.refresh_from_db()
    problem = services.problem_request_extension(
        problem=problem, actor=cast.urban, deadline=add_working_days(today, 1), note="材料未到"
    )
    services.problem_approve_extension(problem=problem, actor=cast.office)
    assert problems_tick(now=timezone.now())["due_soon"] == 1
    assert len(inbox(cast.urban, "due_soon")) == 2


def test_escalation_after_n_working_days_overdue(cast):
    today = timezone.localdate()
    cutoff = escalation_cutoff(today, 3)
    problem = accepted(cast)
    Problem.objects.filter(pk=problem.pk).update(deadline=cutoff + timedelta(days=1))
    assert problems_tick(now=timezone.now())["escalated"] == 0  # not yet 3 working days
    Problem.objects.filter(pk=problem.pk).update(deadline=cutoff)
    assert problems_tick(now=timezone.now())["escalated"] == 1
    assert len(inbox(cast.urban, "escalation")) == 1
    assert len(inbox(cast.office, "escalation")) == 1
    assert problem.events.filter(action=EventKind.ESCALATE).count() == 1
    assert problems_tick(now=timezone.now())["escalated"] == 0  # once


def test_escalating_a_street_problem_reaches_the_district(cast):
    problem = dispatched(cast, region=cast.zhongshan_street)
    Problem.objects.filter(pk=problem.pk).update(
        deadline=escalation_cutoff(timezone.localdate(), 3)
    )
    problems_tick(now=timezone.now())
    assert len(inbox(cast.zhongshan, "escalation")) == 1


def test_escalation_cutoff_counts_working_days(db):
    from datetime import date

    # National Day 2026: 1–7 October are holidays; 8 and 9 October are working days.
    # A deadline of 7 October is two working days overdue on the 9th: more than one.
    assert escalation_cutoff(date(2026, 10, 9), 1) == date(2026, 10, 7)
    # More than two needs 30 September as well: the deadline must be the 29th or earlier.
    assert escalation_cutoff(date(2026, 10, 9), 2) == date(2026, 9, 29)
