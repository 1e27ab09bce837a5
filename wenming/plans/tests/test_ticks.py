"""Reminders and escalation of tasks and milestones, on working days, each once."""

import datetime

import pytest
from django.utils import timezone

from wenming.notifications.models import Message
from wenming.plans import ticks
from wenming.plans.models import Task
from wenming.plans.services import tasks as services

pytestmark = pytest.mark.django_db
# 2026-03-02 is a Monday (a working day); 2026-03-07 a Saturday.
MONDAY = datetime.date(2026, 3, 2)
SATURDAY = datetime.date(2026, 3, 7)


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def make(cast, campaign, deadline, **kw):
    return services.task_create(
        actor=cast.office,
        campaign=campaign,
        title=f"t-{deadline}",
        lead_unit=cast.urban_unit,
        start=datetime.date(2026, 1, 1),
        deadline=deadline,
        **kw,
    )


def kinds(person):
    return sorted(Message.objects.filter(recipient=person).values_list("notice__kind", flat=True))


def test_due_soon_overdue_and_escalation_once(cast, campaign):
    make(cast, campaign, MONDAY + datetime.timedelta(days=1))  # due soon
    make(cast, campaign, MONDAY - datetime.timedelta(days=1))  # overdue by one day
    make(cast, campaign, datetime.date(2026, 2, 20))  # long overdue: escalated
    result = ticks.plans_tick(now=at(MONDAY))
    assert result["tasks_due_soon"] == 1
    assert result["tasks_overdue"] == 2
    assert result["tasks_escalated"] == 1
    assert kinds(cast.urban) == ["due_soon", "overdue", "overdue"]
    assert kinds(cast.office) == ["escalation"]
    again = ticks.plans_tick(now=at(MONDAY))
    assert again["tasks_due_soon"] == again["tasks_overdue"] == again["tasks_escalated"] == 0
    assert len(kinds(cast.urban)) == 3


def test_milestones_are_reminded_and_accepted_tasks_are_not(cast, campaign):
    task = make(
        cast,
        campaign,
        datetime.date(2026, 6, 30),
        milestones=[{"title": "方案", "deadline": MONDAY}],
    )
    done = make(cast, campaign, MONDAY - datetime.timedelta(days=3))
    Task.objects.filter(pk=done.pk).update(status="accepted")
    result = ticks.plans_tick(now=at(MONDAY))
    assert result["milestones_due_soon"] == 1 and result["tasks_overdue"] == 0
    assert task.milestones.get().title in Message.objects.get(recipient=cast.urban).notice.title


def test_nothing_on_a_weekend(cast, campaign):
    make(cast, campaign, SATURDAY - datetime.timedelta(days=1))
    assert ticks.plans_tick(now=at(SATURDAY)) == {"working_day": False}
    assert not Message.objects.exists()
