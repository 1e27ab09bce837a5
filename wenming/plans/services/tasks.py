"""Every write on tasks: create, edit, milestones, progress reports and the state moves.

Each service is keyword-only, runs in one transaction, locks the task, writes a `TaskEvent`
(the task's timeline) and an audit entry (the global chain). The checks follow the order in
`lifecycle.py`'s docstring.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenming.core.audit import audit_record
from wenming.core.documents import document_delete, document_store, validate_document
from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.core.roles import require_office
from wenming.org.models import Person, Region, Unit
from wenming.standards.models import Standard

from .. import lifecycle, notify, selectors
from ..models import (
    Action,
    Campaign,
    Milestone,
    ProgressAttachment,
    Status,
    Task,
    TaskEvent,
    TaskProgress,
    WorkPlan,
)

ATTACHMENT_FOLDER = "plans/progress"
MAX_ATTACHMENTS = 10
# What a report says was done: a few paragraphs. The details go in its attachments.
MAX_PROGRESS_TEXT = 4000


def task_event(task, actor, action: str, *, frm="", to="", note="", data=None) -> TaskEvent:
    """Write one timeline row and its audit entry (every task write passes here)."""
    data = data or {}
    event = TaskEvent.objects.create(
        task=task,
        action=action,
        from_status=frm,
        to_status=to,
        actor=actor,
        actor_name=(getattr(actor, "display_name", "") or getattr(actor, "username", ""))
        if actor
        else "",
        note=note,
        data=data,
    )
    audit_record(
        action=f"plans.task_{action}",
        actor=actor,
        target=task,
        data={"from": frm, "to": to, **data} if (frm or to) else data,
    )
    return event


def _check_dates(start: date, deadline: date, milestones: Sequence[dict] = ()) -> None:
    if start is None or deadline is None:
        raise InvalidInput(_("A task needs a start and a deadline."), code="dates_required")
    if deadline < start:
        raise InvalidInput(
            _("The deadline cannot be before the start."), code="deadline_before_start"
        )
    for milestone in milestones:
        _check_milestone(milestone["deadline"], deadline)


def _check_milestone(milestone_deadline: date, task_deadline: date) -> None:
    if milestone_deadline is None:
        raise InvalidInput(_("A milestone needs a deadline."), code="milestone_deadline")
    if milestone_deadline > task_deadline:
        raise InvalidInput(
            _("A milestone (%(milestone)s) cannot be due after the task's deadline (%(task)s).")
            % {"milestone": milestone_deadline, "task": task_deadline},
            code="milestone_after_deadline",
        )


def _standards_of(campaign: Campaign, standards) -> list[Standard]:
    chosen = list(standards or [])
    if any(s.system_id != campaign.system_id for s in chosen):
        raise InvalidInput(
            _("Linked standards must come from the campaign's evaluation system."),
            code="foreign_standard",
        )
    return chosen


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("A task needs a title."), code="title_required")
    if len(title) > 200:
        raise InvalidInput(_("A title has at most 200 characters."), code="title_too_long")
    return title


def task_create(
    *,
    actor,
    campaign: Campaign,
    title: str,
    start: date,
    deadline: date,
    description: str = "",
    standards: Sequence[Standard] = (),
    lead_unit: Unit | None = None,
    co_units: Sequence[Unit] = (),
    regions: Sequence[Region] = (),
    person_in_charge: Person | None = None,
    plan: WorkPlan | None = None,
    milestones: Sequence[dict] = (),
    published: bool = True,
    source_standard: Standard | None = None,
    is_demo: bool = False,
) -> Task:
    """A task of `campaign` with its owners and milestones (`{"title", "deadline"}`)."""
    require_office(actor, _("Only the Civilization Office may create tasks."))
    title = _title(title)
    _check_dates(start, deadline, milestones)
    if plan is not None and plan.campaign_id != campaign.pk:
        raise InvalidInput(_("The work plan belongs to another campaign."), code="foreign_plan")
    chosen = _standards_of(campaign, standards)
    with transaction.atomic():
        task = Task.objects.create(
            campaign=campaign,
            plan=plan,
            title=title,
            description=description or "",
            lead_unit=lead_unit,
            person_in_charge=person_in_charge,
            start=start,
            deadline=deadline,
            is_published=published,
            published_at=timezone.now() if published else None,
            source_standard=source_standard,
            created_by=actor,
            is_demo=is_demo,
        )
        if chosen:
            task.standards.set(chosen)
        co = [u for u in co_units if lead_unit is None or u.pk != lead_unit.pk]
        if co:
            task.co_units.set(co)
        if regions:
            task.regions.set(list(regions))
        for m in milestones:
            Milestone.objects.create(task=task, title=m["title"], deadline=m["deadline"])
        task_event(task, actor, "create", to=task.status, data={"published": published})
    return task


EDITABLE = {
    "title",
    "description",
    "standards",
    "lead_unit",
    "co_units",
    "regions",
    "person_in_charge",
    "start",
    "deadline",
    "plan",
}


def task_update(*, actor, task: Task | int, **changes) -> Task:
    """Change a task's fields (the office); an accepted task is closed to edits."""
    require_office(actor, _("Only the Civilization Office may edit tasks."))
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        task = selectors.task_lock(actor=actor, task_id=getattr(task, "pk", task))
        if task.status == Status.ACCEPTED:
            raise Conflict(_("An accepted task can no longer be edited."), code="accepted")
        start = changes.get("start", task.start)
        deadline = changes.get("deadline", task.deadline)
        _check_dates(start, deadline)
        for m_deadline in task.milestones.values_list("deadline", flat=True):
            _check_milestone(m_deadline, deadline)
        changed = []
        for name in ("title", "description", "lead_unit", "person_in_charge", "start", "deadline"):
            if name in changes:
                value = changes[name]
                if name == "title":
                    value = _title(value)
                elif name == "description":
                    value = value or ""
                setattr(task, name, value)
                changed.append(name)
        if "plan" in changes:
            plan = changes["plan"]
            if plan is not None and plan.campaign_id != task.campaign_id:
                raise InvalidInput(
                    _("The work plan belongs to another campaign."), code="foreign_plan"
                )
            task.plan = plan
            changed.append("plan")
        task.version = F("version") + 1
        task.save()
        task.refresh_from_db(fields=["version"])
        if "standards" in changes:
            task.standards.set(_standards_of(task.campaign, changes["standards"]))
            changed.append("standards")
        if "co_units" in changes:
            task.co_units.set([u for u in changes["co_units"] if u.pk != task.lead_unit_id])
            changed.append("co_units")
        if "regions" in changes:
            task.regions.set(list(changes["regions"]))
            changed.append("regions")
        task_event(task, actor, "edit", data={"fields": sorted(changed)})
    return task


def milestone_add(*, actor, task: Task | int, title: str, deadline: date) -> Milestone:
    """Add a milestone (office or the task's handler), due no later than the task."""
    with transaction.atomic():
        task = selectors.task_lock(actor=actor, task_id=getattr(task, "pk", task))
        if lifecycle.OFFICE not in lifecycle.relations(actor, task) and (
            lifecycle.HANDLER not in lifecycle.relations(actor, task)
        ):
            raise NotAllowed(_("Only the office or the task's lead may add milestones."))
        if not (title or "").strip():
            raise InvalidInput(_("A milestone needs a title."), code="title_required")
        _check_milestone(deadline, task.deadline)
        milestone = Milestone.objects.create(task=task, title=title.strip(), deadline=deadline)
        task_event(
            task, actor, "milestone", data={"milestone": milestone.pk, "deadline": str(deadline)}
        )
    return milestone


def milestone_done(*, actor, milestone: Milestone | int, done_on: date | None = None) -> Milestone:
    """Mark a milestone reached (the task's handler or the office)."""
    pk = getattr(milestone, "pk", milestone)
    with transaction.atomic():
        milestone = Milestone.objects.select_related("task").filter(pk=pk).first()
        if milestone is None:
            from wenming.core.errors import NotFound

            raise NotFound()
        task = selectors.task_lock(actor=actor, task_id=milestone.task_id)
        if not ({lifecycle.OFFICE, lifecycle.HANDLER} & lifecycle.relations(actor, task)):
            raise NotAllowed(_("Only the office or the task's lead may mark milestones."))
        done_on = done_on or timezone.localdate()
        if done_on > timezone.localdate():
            raise InvalidInput(_("A milestone cannot be reached in the future."), code="future")
        milestone.done_on = done_on
        milestone.save(update_fields=["done_on"])
        task_event(task, actor, "milestone_done", data={"milestone": milestone.pk})
    return milestone


def _validated_files(files) -> list:
    files = [f for f in (files or []) if f]
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidInput(
            _("At most %(n)s attachments per report.") % {"n": MAX_ATTACHMENTS},
            code="too_many_files",
        )
    return [validate_document(f) for f in files]


def progress_first_day(task: Task) -> date:
    """The earliest day a progress report on `task` may carry: its start, or the day it was
    set if that came first (a unit may begin before the start it was given). Work before
    both is not this task's."""
    return min(task.start, timezone.localdate(task.created_at))


def _check_progress(task: Task, *, percent, text: str, reported_on: date, today: date) -> str:
    """Refuse a report the rules do not allow; its text, stripped, if they do."""
    if percent is None or not 0 <= int(percent) <= 100:
        raise InvalidInput(_("Progress is a percentage from 0 to 100."), code="bad_percent")
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Say what was done."), code="text_required")
    if len(text) > MAX_PROGRESS_TEXT:
        raise InvalidInput(
            _("Say what was done in at most %(n)d characters; attach the details as files.")
            % {"n": MAX_PROGRESS_TEXT},
            code="text_too_long",
        )
    if reported_on > today:
        raise InvalidInput(_("A progress report cannot be dated in the future."), code="future")
    first = progress_first_day(task)
    if reported_on < first:
        raise InvalidInput(
            _("A progress report cannot be dated before the task began (%(day)s).")
            % {"day": first.isoformat()},
            code="before_start",
        )
    return text


def task_progress_report(
    *,
    actor,
    task: Task | int,
    percent: int,
    text: str,
    reported_on: date | None = None,
    files=(),
    is_demo: bool = False,
    created_at=None,
) -> TaskProgress:
    """A dated progress report with its attachments; the first one starts the task."""
    today = timezone.localdate()
    reported_on = reported_on or today
    task_id = getattr(task, "pk", task)
    # Scope first: a task the actor cannot see is not found, whatever else is wrong.
    task = selectors.task_get(actor=actor, task_id=task_id)
    if not lifecycle.may_report(actor, task):
        raise NotAllowed(_("Only the task's units and regions may report its progress."))
    text = _check_progress(task, percent=percent, text=text, reported_on=reported_on, today=today)
    documents = _validated_files(files)
    stored: list[tuple] = []
    try:
        for doc in documents:
            stored.append((doc, document_store(doc, folder=ATTACHMENT_FOLDER)))
        with transaction.atomic():
            task = selectors.task_lock(actor=actor, task_id=task_id)
            if task.status not in lifecycle.REPORTABLE:
                raise Conflict(
                    _("A task that is %(status)s takes no progress reports.")
                    % {"status": task.get_status_display()},
                    code="not_reportable",
                )
            progress = TaskProgress.objects.create(
                task=task,
                reported_on=reported_on,
                percent=int(percent),
                text=text,
                author=actor,
                is_demo=is_demo,
                **({"created_at": created_at} if created_at else {}),
            )
            ProgressAttachment.objects.bulk_create(
                ProgressAttachment(
                    progress=progress,
                    name=name,
                    filename=doc.name,
                    kind=doc.kind,
                    size=doc.size,
                )
                for doc, name in stored
            )
            fields = {"version": F("version") + 1}
            if task.last_progress_on is None or reported_on >= task.last_progress_on:
                fields.update(progress_percent=int(percent), last_progress_on=reported_on)
            if task.status in (Status.NOT_STARTED, Status.RETURNED):
                fields["status"] = Status.IN_PROGRESS
                task_event(task, actor, Action.START, frm=task.status, to=Status.IN_PROGRESS)
            Task.objects.filter(pk=task.pk).update(**fields)
            task_event(
                task,
                actor,
                "progress",
                data={"progress": progress.pk, "percent": int(percent), "files": len(stored)},
            )
    except Exception:
        for _doc, name in stored:
            document_delete(name)
        raise
    return progress


def task_transition(
    *, actor, task: Task | int, action: str, note: str = "", version: int | None = None
) -> Task:
    """Move a task through the state machine (`lifecycle.TRANSITIONS`)."""
    if action not in Action.values:
        raise InvalidInput(
            _("Unknown action %(action)s.") % {"action": action}, code="unknown_action"
        )
    if not lifecycle.roles_may(action, getattr(actor, "role", "")):
        raise NotAllowed(_("Your role cannot take this action on a task."))
    task_id = getattr(task, "pk", task)
    with transaction.atomic():
        task = selectors.task_lock(actor=actor, task_id=task_id)
        if version is not None and version != task.version:
            raise Conflict(_("The task was changed meanwhile; reload it."), code="stale")
        if not task.is_published:
            raise Conflict(_("A draft task is published before it moves."), code="draft")
        transition = lifecycle.TRANSITIONS.get((task.status, action))
        if transition is None:
            allowed = ", ".join(
                str(Action(a).label) for a in lifecycle.allowed_actions(task.status)
            )
            raise Conflict(
                _("A task that is %(status)s cannot be moved that way; allowed now: %(allowed)s.")
                % {"status": task.get_status_display(), "allowed": allowed or "—"},
                code="illegal_transition",
            )
        if not transition.who & lifecycle.relations(actor, task):
            raise NotAllowed(_("You do not answer for this task."))
        note = (note or "").strip()
        fields: dict = {"status": transition.to, "version": F("version") + 1}
        now = timezone.now()
        if action == Action.ACCEPT:
            if not TaskProgress.objects.filter(task=task).exists():
                raise Conflict(
                    _("The task has no progress report yet; there is nothing to accept."),
                    code="no_progress",
                )
            fields.update(accepted_at=now, review_note=note, progress_percent=100)
        elif action == Action.RETURN:
            if not note:
                raise InvalidInput(_("Say why the task is returned."), code="comments_required")
            fields.update(review_note=note, accepted_at=None)
        elif action == Action.SUBMIT:
            fields["submitted_at"] = now
        updated = Task.objects.filter(pk=task.pk, version=task.version).update(**fields)
        if updated != 1:
            raise Conflict(_("The task was changed meanwhile; reload it."), code="stale")
        frm = task.status
        task_event(task, actor, action, frm=frm, to=transition.to, note=note)
        task.refresh_from_db()
        if action == Action.RETURN:
            notify.send(
                kind="return",
                recipients=notify.handler_people(task),
                task=task,
                title=lambda: _("Task returned: %(title)s") % {"title": task.title},
                body=lambda: note,
            )
        elif action == Action.SUBMIT:
            notify.send(
                kind="submitted",
                recipients=notify.office_people(),
                task=task,
                title=lambda: _("Task submitted for acceptance: %(title)s") % {"title": task.title},
            )
        elif action == Action.ACCEPT:
            notify.send(
                kind="decision",
                recipients=notify.handler_people(task),
                task=task,
                title=lambda: _("Task accepted: %(title)s") % {"title": task.title},
            )
    return task


ACTION_DONE = {
    Action.START: gettext_lazy("Started."),
    Action.SUBMIT: gettext_lazy("Submitted for acceptance."),
    Action.ACCEPT: gettext_lazy("Accepted."),
    Action.RETURN: gettext_lazy("Returned."),
}
