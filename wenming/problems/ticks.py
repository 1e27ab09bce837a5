"""`wenming tick` for the ledger: due-soon and overdue notices, and escalation.

Idempotent: a notice goes out once per problem, kind and deadline (the deadline it was sent
for is kept on the problem, and the same fact is the notice's dedupe key), so running the tick
every few minutes — or twice at once — sends nothing twice. An extension moves the deadline and
so allows one new notice for the new date.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from wenming.core.models import IdempotencyRecord

from . import notify, search
from .deadlines import due_soon_q, local_today, long_overdue_q, overdue_q
from .models import Problem
from .services import ledger_config
from .services.escalation import problem_escalate

BATCH = 500


def _not_sent_for(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": F("deadline")})


def _send(kind: str, problem: Problem, recipients, title_of, *, key_date: date) -> int:
    ids = list(recipients.values_list("pk", flat=True))
    if not ids:
        return 0
    title, title_en = notify.in_both(lambda: title_of(problem))
    return notify.send_now(
        kind=kind,
        recipient_ids=ids,
        problem=problem,
        title=title,
        body=problem.title,
        url=notify.problem_url(problem),
        dedupe_key=f"problem:{problem.pk}:{kind}:{key_date.isoformat()}",
        title_en=title_en,
        body_en=problem.title,
    )


def _mark(problem: Problem, field: str) -> bool:
    """Claim the notice for this deadline (compare-and-set, so a parallel tick skips it)."""
    claimed = (
        Problem.objects.filter(pk=problem.pk, deadline=problem.deadline)
        .filter(_not_sent_for(field))
        .update(**{field: problem.deadline})
    )
    return claimed == 1


def _deadline_notices(kind: str, mark_field: str, deadlines: Q, title_of) -> int:
    """Tell the handlers of pending problems whose deadline is in `deadlines`, once per
    deadline (`mark_field` remembers the deadline a notice was sent for)."""
    sent = 0
    qs = (
        Problem.objects.filter(deadlines)
        .filter(_not_sent_for(mark_field))
        .select_related("responsible_unit", "handling_region")
        .order_by("deadline", "id")
    )
    for problem in qs[: BATCH * 10].iterator(chunk_size=BATCH):
        if _mark(problem, mark_field):
            _send(
                kind, problem, notify.handler_people(problem), title_of, key_date=problem.deadline
            )
            sent += 1
    return sent


def _due_soon(today: date) -> int:
    return _deadline_notices(
        "due_soon",
        "due_soon_notice_for",
        due_soon_q(today),
        lambda p: (
            _("Problem %(code)s is due on %(deadline)s: %(title)s")
            % {"code": p.code, "deadline": p.deadline, "title": p.title}
        ),
    )


def _overdue(today: date) -> int:
    return _deadline_notices(
        "overdue",
        "overdue_notice_for",
        overdue_q(today),
        lambda p: (
            _("Problem %(code)s is overdue (deadline %(deadline)s): %(title)s")
            % {"code": p.code, "deadline": p.deadline, "title": p.title}
        ),
    )


def _escalate(today: date) -> int:
    """Escalate every long-overdue problem not yet escalated, each through the service."""
    threshold = ledger_config().escalation_working_days
    due = (
        Problem.objects.filter(long_overdue_q(today, threshold), escalated_at__isnull=True)
        .order_by("deadline", "id")
        .values_list("pk", flat=True)
    )
    escalated = 0
    for pk in list(due[: BATCH * 10]):
        if problem_escalate(problem=pk, actor=None, today=today) is not None:
            escalated += 1
    return escalated


def problems_tick(*, now) -> dict:
    """Send due-soon and overdue notices, escalate long-overdue problems, purge old keys.

    Also indexes for full-text search the problems reported since the last full batch (a
    quiet ledger never fills a batch; its backlog is searchable anyway, only by a scan).
    """
    today = local_today(now)
    result = {
        "due_soon": _due_soon(today),
        "overdue": _overdue(today),
        "escalated": _escalate(today),
    }
    purged, _detail = IdempotencyRecord.objects.filter(
        created_at__lt=now - timedelta(days=7)
    ).delete()
    result["idempotency_purged"] = purged
    with transaction.atomic():
        result["search_indexed"] = search.fts_index_backlog(force=True)
    return result


problems_tick.tick_name = "problems"
