"""Reminders of supervision orders on working days, run by `wenming tick` (idempotent: each
reminder has a key of order, kind and day, and the notice a dedupe key)."""

from django.db import IntegrityError, transaction

from wenming.core.calendar import add_working_days, is_working_day
from wenming.problems.deadlines import local_today

from ..models import OrderStatus, SupervisionOrder, SupervisionReminder
from . import notices


def supervision_tick(*, now) -> dict[str, int]:
    today = local_today(now)
    if not is_working_day(today):
        return {"due_soon": 0, "overdue": 0}
    soon_until = add_working_days(today, 1)
    sent = {"due_soon": 0, "overdue": 0}
    open_orders = SupervisionOrder.objects.filter(
        status=OrderStatus.ISSUED, deadline__lte=soon_until
    ).select_related("lead_unit")
    for order in open_orders.iterator():
        overdue = order.deadline < today
        kind = "overdue" if overdue else "due_soon"
        try:
            with transaction.atomic():
                SupervisionReminder.objects.create(
                    key=f"{order.pk}:{kind}:{today.isoformat()}",
                    order=order,
                    kind=kind,
                    sent_on=today,
                )
                notices.order_reminder(order, overdue=overdue, today=today)
        except IntegrityError:
            continue  # already reminded today
        sent[kind] += 1
    return sent
