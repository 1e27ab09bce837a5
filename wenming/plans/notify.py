"""Who hears about a task, and the hand-over to the notifications app (which delivers)."""

import logging

from django.urls import reverse

from wenming.core.roles import Role
from wenming.org.models import Person

logger = logging.getLogger(__name__)


def office_people():
    return Person.objects.filter(role=Role.OFFICE_ADMIN, is_active=True)


def handler_people(task):
    """The people who answer for `task`: its lead unit's officers and its person in charge."""
    ids = set()
    if task.lead_unit_id:
        ids.update(
            Person.objects.filter(
                role=Role.UNIT_OFFICER, unit_id=task.lead_unit_id, is_active=True
            ).values_list("pk", flat=True)
        )
    if task.person_in_charge_id:
        ids.add(task.person_in_charge_id)
    return sorted(ids)


def task_url(task) -> str:
    return reverse("plans:task", args=[task.pk])


def send(*, kind: str, recipients, task, title, body=None, dedupe_key=None) -> int:
    """Notify `recipients` about `task` in both languages (in the caller's transaction)."""
    from wenming.problems.notify import in_both

    try:
        from wenming.notifications.services import notify
    except ImportError:  # the notifications app is optional for the plans to work
        logger.warning("notifications app unavailable; %s notice for task %s", kind, task.pk)
        return 0
    ids = (
        list(recipients.values_list("pk", flat=True))
        if hasattr(recipients, "values_list")
        else list(recipients)
    )
    if not ids:
        return 0
    title_text, title_en = in_both(title)
    body_text, body_en = in_both(body or (lambda: task.title))
    return notify(
        kind=kind,
        recipients=ids,
        title=title_text,
        body=body_text,
        url=task_url(task),
        target=task,
        dedupe_key=dedupe_key,
        title_en=title_en,
        body_en=body_en,
    )
