"""How the plans app's audit entries read on the activity page (core/activity.py asks): tasks
and their campaigns, and the oversight part (supervision orders, review meetings,
guarantor units).

A task's timeline keeps its own short words (`lifecycle.EVENT_LABELS`: "Accepted"); the log's
filter lists every app's actions side by side, so each label here names what it was done to.
"""

from django.urls import reverse
from django.utils.translation import ngettext, pgettext_lazy

from wenming.core.activity import (
    choice_label,
    describe_by_str,
    field_names,
    omitted,
    register_activity,
)

from .models import Action, OrderAction, OrderStatus, PlanKind, Status, Task

_TASK_LABELS = {
    "create": pgettext_lazy("audit action", "Task created"),
    "edit": pgettext_lazy("audit action", "Task edited"),
    "merge": pgettext_lazy("audit action", "Tasks merged"),
    "progress": pgettext_lazy("audit action", "Task progress reported"),
    "milestone": pgettext_lazy("audit action", "Task milestone added"),
    "milestone_done": pgettext_lazy("audit action", "Task milestone reached"),
    Action.START: pgettext_lazy("audit action", "Task started"),
    Action.SUBMIT: pgettext_lazy("audit action", "Task submitted for acceptance"),
    Action.ACCEPT: pgettext_lazy("audit action", "Task accepted"),
    Action.RETURN: pgettext_lazy("audit action", "Task returned"),
}
_ORDER_LABELS = {
    OrderAction.ISSUE: pgettext_lazy("audit action", "Supervision order issued"),
    OrderAction.RESPOND: pgettext_lazy("audit action", "Supervision order answered"),
    OrderAction.CLOSE: pgettext_lazy("audit action", "Supervision order closed"),
    OrderAction.RETURN: pgettext_lazy("audit action", "Supervision order returned"),
}
LABELS = {
    **{f"plans.task_{action}": label for action, label in _TASK_LABELS.items()},
    **{f"supervision_order.{action}": label for action, label in _ORDER_LABELS.items()},
    "plans.tasks_generate": pgettext_lazy("audit action", "Tasks drafted from the standards"),
    "plans.tasks_publish": pgettext_lazy("audit action", "Drafted tasks published"),
    "plans.campaign_create": pgettext_lazy("audit action", "Campaign created"),
    "plans.plan_create": pgettext_lazy("audit action", "Work plan added"),
    "plans.letter_sign": pgettext_lazy("audit action", "Letter of responsibility signed"),
    "review_meeting.create": pgettext_lazy("audit action", "Review meeting recorded"),
    "review_meeting.commit": pgettext_lazy("audit action", "Task committed at a review meeting"),
    "guarantor.assign": pgettext_lazy("audit action", "Guarantor unit assigned"),
    "guarantor.end": pgettext_lazy("audit action", "Guarantor assignment ended"),
}


def _merged(value) -> str:
    count = len(value) if isinstance(value, list) else 1
    return ngettext("%(n)d task", "%(n)d tasks", count) % {"n": count}


def _task(pk) -> str:
    """A task by its title (a review meeting's entry keeps its id)."""
    title = Task.objects.filter(pk=pk).values_list("title", flat=True).first()
    return title if title is not None else str(pk)


def _link(name: str):
    return lambda row: reverse(name, args=[row.pk])


def register() -> None:
    register_activity(labels=LABELS)
    _register_tasks()
    _register_oversight()


def _register_tasks() -> None:
    status = choice_label(Status)
    register_activity(
        prefix="plans.",
        values={
            "from": status,
            "to": status,
            "fields": field_names(Task),
            "merged": _merged,
            "milestone": omitted,  # a database id: the task's page lists its milestones
            "progress": omitted,  # a database id: the task's page lists its reports
            "campaign": omitted,  # a database id: the work plan's page names its campaign
            "kind": choice_label(PlanKind),
        },
        keys={
            "published": pgettext_lazy("audit detail", "Published"),
            "fields": pgettext_lazy("audit detail", "Fields"),
            "merged": pgettext_lazy("audit detail", "Merged in"),
            "deadline": pgettext_lazy("audit detail", "Due date"),
            "percent": pgettext_lazy("audit detail", "Progress (%)"),
            "files": pgettext_lazy("audit detail", "Files"),
            "drafted": pgettext_lazy("audit detail", "Tasks drafted"),
            "system": pgettext_lazy("audit detail", "Evaluation system"),
            "document": pgettext_lazy("audit detail", "With a document"),
            "signer": pgettext_lazy("audit detail", "Signed by"),
            "signed_on": pgettext_lazy("audit detail", "Signed on"),
        },
    )
    register_activity(
        target_type="plans.task", describe=describe_by_str("plans.task", url=_link("plans:task"))
    )
    register_activity(
        target_type="plans.campaign",
        describe=describe_by_str("plans.campaign", url=_link("plans:campaign")),
    )
    register_activity(
        target_type="plans.letter",
        describe=describe_by_str("plans.letter", "campaign", "unit", "region"),
    )


def _register_oversight() -> None:
    status = choice_label(OrderStatus)
    register_activity(prefix="supervision_order.", values={"from": status, "to": status})
    register_activity(
        prefix="review_meeting.",
        values={"task": _task, "campaign": omitted},
        keys={
            "task": pgettext_lazy("audit detail", "Task"),
            "deadline": pgettext_lazy("audit detail", "Due date"),
            "held_on": pgettext_lazy("audit detail", "Held on"),
        },
    )
    register_activity(prefix="guarantor.", keys={"point": pgettext_lazy("audit detail", "Point")})
    register_activity(
        target_type="plans.supervisionorder",
        describe=describe_by_str("plans.supervisionorder", url=_link("oversight:order")),
    )
    register_activity(
        target_type="plans.reviewmeeting",
        describe=describe_by_str("plans.reviewmeeting", url=_link("oversight:meeting")),
    )
    register_activity(
        target_type="plans.guarantor",
        describe=describe_by_str("plans.guarantor", "unit", "region", "point"),
    )
