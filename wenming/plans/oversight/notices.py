"""Who hears about a supervision order (the notifications app delivers, in the worker)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wenming.core.roles import Role
from wenming.org.models import Person

from .. import notify as task_notify


def unit_people(unit_ids) -> list[int]:
    return list(
        Person.objects.filter(
            role=Role.UNIT_OFFICER, unit_id__in=unit_ids, is_active=True
        ).values_list("pk", flat=True)
    )


def office_ids() -> list[int]:
    return list(task_notify.office_people().values_list("pk", flat=True))


def order_url(order) -> str:
    return reverse("oversight:order", args=[order.pk])


def _send(*, kind, recipients, order, title, dedupe_key=None) -> int:
    from wenming.notifications.services import notify
    from wenming.problems.notify import in_both

    if not recipients:
        return 0
    title_text, title_en = in_both(title)
    body_text, body_en = in_both(lambda: f"{order.code} {order.title}")
    return notify(
        kind=kind,
        recipients=recipients,
        title=title_text,
        body=body_text,
        url=order_url(order),
        target=order,
        dedupe_key=dedupe_key,
        title_en=title_en,
        body_en=body_en,
    )


def _later(message, **values):
    """`message` (a lazy string) with `values`, rendered in whichever language is active."""
    return lambda: str(message) % values


def order_issued(order) -> int:
    units = [order.lead_unit_id, *order.assisting_units.values_list("pk", flat=True)]
    return _send(
        kind="supervision",
        recipients=unit_people(units),
        order=order,
        title=_later(
            _("Supervision order %(code)s, due %(deadline)s"),
            code=order.code,
            deadline=order.deadline.isoformat(),
        ),
    )


def order_moved(order, action: str) -> int:
    if action == "respond":
        recipients = office_ids()
        title = _later(_("Supervision order %(code)s answered"), code=order.code)
    elif action == "return":
        recipients = unit_people([order.lead_unit_id])
        title = _later(_("Supervision order %(code)s returned"), code=order.code)
    else:
        recipients = unit_people([order.lead_unit_id])
        title = _later(_("Supervision order %(code)s closed"), code=order.code)
    kind = {"respond": "supervision", "return": "return"}.get(action, "close")
    return _send(kind=kind, recipients=recipients, order=order, title=title)


def order_reminder(order, *, overdue: bool, today) -> int:
    """Due soon: the lead unit. Overdue: the lead unit and, escalated, the office."""
    recipients = unit_people([order.lead_unit_id])
    if overdue:
        recipients += office_ids()
        title = _later(_("Supervision order %(code)s is overdue"), code=order.code)
    else:
        title = _later(
            _("Supervision order %(code)s is due %(deadline)s"),
            code=order.code,
            deadline=order.deadline.isoformat(),
        )
    kind = "overdue" if overdue else "due_soon"
    return _send(
        kind=kind,
        recipients=recipients,
        order=order,
        title=title,
        dedupe_key=f"supervision:{order.pk}:{kind}:{today.isoformat()}",
    )
