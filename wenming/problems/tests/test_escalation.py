"""problem_escalate: a service like the others (lock, version, event, audit, notice), once."""

from datetime import timedelta

import pytest

from wenming.core.errors import NotAllowed
from wenming.core.models import AuditEntry
from wenming.notifications.models import Message
from wenming.problems.deadlines import escalation_cutoff, local_today
from wenming.problems.models import EventKind, Problem
from wenming.problems.services import problem_escalate

from .factories import accepted


def test_escalation_is_a_service_with_its_event_audit_entry_and_notice(cast):
    today = local_today()
    cutoff = escalation_cutoff(today, 3)
    problem = accepted(cast)
    Problem.objects.filter(pk=problem.pk).update(deadline=cutoff + timedelta(days=1))
    assert problem_escalate(problem=problem, actor=None) is None  # not long overdue yet
    Problem.objects.filter(pk=problem.pk).update(deadline=cutoff)
    version = Problem.objects.get(pk=problem.pk).version

    with pytest.raises(NotAllowed):
        problem_escalate(problem=problem, actor=cast.urban)  # a person must be the office
    escalated = problem_escalate(problem=problem, actor=cast.office)

    assert escalated is not None and escalated.escalated_at is not None
    assert escalated.version == version + 1
    event = problem.events.get(action=EventKind.ESCALATE)
    assert event.actor == cast.office and event.data["deadline"] == cutoff.isoformat()
    assert event.data["overdue_working_days"] > 3
    assert AuditEntry.objects.filter(action="problem.escalate", target_id=str(problem.pk)).exists()
    told = Message.objects.filter(notice__kind="escalation")
    assert {m.recipient_id for m in told} == {cast.urban.pk, cast.office.pk}
    # Once: a second call (or a second tick) leaves it alone.
    assert problem_escalate(problem=problem, actor=None) is None
    assert problem.events.filter(action=EventKind.ESCALATE).count() == 1
