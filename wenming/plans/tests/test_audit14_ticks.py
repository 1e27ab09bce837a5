"""Issue 14 audit: overdue milestones are escalated to the office by the existing tick
(`core.ticks.run_ticks`, what `wenming tick` runs), once, and never on a weekend."""

import datetime

import pytest
from django.utils import timezone

from wenming.core.ticks import run_ticks
from wenming.notifications.models import Message
from wenming.plans.services import tasks as services

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 3, 2)  # a working day
SUNDAY = datetime.date(2026, 3, 8)


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def office_kinds(cast):
    return sorted(
        Message.objects.filter(recipient=cast.office).values_list("notice__kind", flat=True)
    )


def test_a_long_overdue_milestone_is_escalated_to_the_office_by_the_tick(cast, campaign):
    services.task_create(
        actor=cast.office,
        campaign=campaign,
        title="背街小巷整治",
        lead_unit=cast.urban_unit,
        start=datetime.date(2026, 1, 1),
        deadline=datetime.date(2026, 6, 30),
        milestones=[{"title": "摸底", "deadline": datetime.date(2026, 2, 13)}],
    )
    assert run_ticks(now=at(SUNDAY)).results["plans"] == {"working_day": False}
    assert office_kinds(cast) == []
    report = run_ticks(now=at(MONDAY))
    assert "plans" not in report.errors, report.errors
    assert report.results["plans"]["milestones_escalated"] == 1
    assert office_kinds(cast) == ["escalation"]
    assert "摸底" in Message.objects.get(recipient=cast.office).notice.title
    # The unit heard of it too (overdue), the office only of the escalation.
    assert Message.objects.filter(recipient=cast.urban, notice__kind="overdue").exists()
    again = run_ticks(now=at(MONDAY))
    assert again.results["plans"]["milestones_escalated"] == 0
    assert office_kinds(cast) == ["escalation"]
