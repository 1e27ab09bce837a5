"""Escalation (督办升级): a long-overdue problem goes up to the handler's superiors and the office.

`wenming tick` asks `problem_escalate` for every problem overdue by more than the office's
threshold (`LedgerConfig.escalation_working_days`); like every other write it locks the row,
bumps its version, appends the event and the audit entry, and writes the notice in the same
transaction (the worker sends it after commit). Escalation happens once per problem: one
already escalated, or no longer long overdue when the lock is taken, is left alone.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wenming.core.calendar import working_days_between
from wenming.org.roles import require_office

from .. import notify
from ..deadlines import escalation_cutoff, local_today
from ..models import EventKind, Problem
from ._common import ledger_config, lock_problem, record_event, save_changes

ESCALATION_TITLE = _("Escalated: problem %(code)s is %(days)d working days overdue: %(title)s")


def problem_escalate(*, problem, actor=None, today=None) -> Problem | None:
    """Escalate `problem` if it is overdue beyond the threshold and not yet escalated (督办).

    `actor` None is the system (the tick); a person must be the office. Answers the problem,
    or None when there was nothing to escalate (so two ticks at once escalate it once).
    """
    if actor is not None:
        require_office(actor)
    today = today or local_today()
    with transaction.atomic():
        p = lock_problem(problem)
        threshold = ledger_config().escalation_working_days
        if (
            p.escalated_at is not None
            or not p.is_pending
            or p.deadline is None
            or p.deadline > escalation_cutoff(today, threshold)
        ):
            return None
        overdue_days = working_days_between(p.deadline, today)
        save_changes(p, {"escalated_at": timezone.now()}, expected_version=p.version)
        record_event(
            problem=p,
            action=EventKind.ESCALATE,
            actor=actor,
            data={"overdue_working_days": overdue_days, "deadline": p.deadline.isoformat()},
        )
        recipients = notify.handler_people(p, escalate=True) | notify.office_people()
        values = {"code": p.code, "days": overdue_days, "title": p.title}
        notify.schedule(
            kind="escalation",
            recipients=recipients.distinct(),
            problem=p,
            title=lambda: ESCALATION_TITLE % values,  # in both languages (notify.in_both)
            body=p.title,
            dedupe_key=f"problem:{p.pk}:escalation:{p.deadline.isoformat()}",
        )
    return p
