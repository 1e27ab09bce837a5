"""Breakdown from the standards: draft tasks generated from the evaluation system, one per
standard for its lead unit with its co-units; the office reviews, merges and publishes them.

Generating twice adds only the standards no task of the campaign links yet (a merged draft
keeps its standards linked; `Task.source_standard` is unique per campaign); publishing twice changes nothing (only drafts are published).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, InvalidInput, NotFound
from wenming.core.roles import require_office
from wenming.standards.models import Standard

from ..models import Campaign, Task, TaskEvent
from .tasks import task_event


def tasks_generate(
    *, actor, campaign: Campaign, start: date, deadline: date, is_demo: bool = False
) -> int:
    """Draft one task per standard of the campaign's system that has a lead unit and that no
    task of the campaign links yet; returns how many were drafted."""
    require_office(actor, _("Only the Civilization Office may break the standards down."))
    if deadline < start:
        raise InvalidInput(
            _("The deadline cannot be before the start."), code="deadline_before_start"
        )
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        done = set(
            Task.standards.through.objects.filter(task__campaign=campaign).values_list(
                "standard_id", flat=True
            )
        ) | set(
            Task.objects.filter(campaign=campaign, source_standard__isnull=False).values_list(
                "source_standard_id", flat=True
            )
        )
        standards = list(
            Standard.objects.filter(system=campaign.system, lead_unit__isnull=False)
            .exclude(pk__in=done)
            .select_related("indicator")
            .prefetch_related("co_units")
            .order_by("code")
        )
        now = timezone.now()
        tasks = Task.objects.bulk_create(
            Task(
                campaign=campaign,
                title=f"{s.code} {s.text}"[:200],
                description=s.text,
                source_standard=s,
                lead_unit_id=s.lead_unit_id,
                start=start,
                deadline=deadline,
                is_published=False,
                created_by=actor,
                created_at=now,
                is_demo=is_demo,
            )
            for s in standards
        )
        standards_links, co_links = [], []
        for task, s in zip(tasks, standards, strict=True):
            standards_links.append(Task.standards.through(task_id=task.pk, standard_id=s.pk))
            for unit in s.co_units.all():
                if unit.pk != s.lead_unit_id:
                    co_links.append(Task.co_units.through(task_id=task.pk, unit_id=unit.pk))
        Task.standards.through.objects.bulk_create(standards_links)
        Task.co_units.through.objects.bulk_create(co_links)
        TaskEvent.objects.bulk_create(
            TaskEvent(
                task=task,
                action="generate",
                to_status=task.status,
                actor=actor,
                actor_name=getattr(actor, "display_name", "") if actor else "",
                data={"standard": s.code},
            )
            for task, s in zip(tasks, standards, strict=True)
        )
        audit_record(
            action="plans.tasks_generate",
            actor=actor,
            target=campaign,
            data={"drafted": len(tasks)},
        )
    return len(tasks)


def tasks_merge(*, actor, campaign: Campaign, task_ids: Sequence[int], title: str = "") -> Task:
    """Merge draft tasks into the first of them: standards, co-units and regions joined, the
    earliest start and latest deadline; the others are removed."""
    require_office(actor, _("Only the Civilization Office may merge tasks."))
    ids = sorted({int(i) for i in task_ids})
    if len(ids) < 2:
        raise InvalidInput(_("Choose at least two draft tasks to merge."), code="merge_two")
    with transaction.atomic():
        tasks = list(
            Task.objects.select_for_update().filter(campaign=campaign, pk__in=ids).order_by("id")
        )
        if len(tasks) != len(ids):
            raise NotFound()
        if any(t.is_published for t in tasks):
            raise Conflict(_("Only draft tasks can be merged."), code="not_draft")
        keep, others = tasks[0], tasks[1:]
        standards = set(
            Task.standards.through.objects.filter(task_id__in=ids).values_list(
                "standard_id", flat=True
            )
        )
        co_units = set(
            Task.co_units.through.objects.filter(task_id__in=ids).values_list("unit_id", flat=True)
        )
        regions = set(
            Task.regions.through.objects.filter(task_id__in=ids).values_list("region_id", flat=True)
        )
        for other in others:
            if other.lead_unit_id and other.lead_unit_id != keep.lead_unit_id:
                co_units.add(other.lead_unit_id)
        co_units.discard(keep.lead_unit_id)
        keep.start = min(t.start for t in tasks)
        keep.deadline = max(t.deadline for t in tasks)
        if title.strip():
            keep.title = title.strip()[:200]
        keep.description = "\n".join(t.description for t in tasks if t.description)
        keep.save()
        keep.standards.set(standards)
        keep.co_units.set(co_units)
        keep.regions.set(regions)
        # The merged standards stay linked to the kept task, so a later generation (which
        # skips every standard a task of the campaign links) does not draft them again.
        merged = [{"id": t.pk, "standard": t.source_standard_id} for t in others]
        Task.objects.filter(pk__in=[t.pk for t in others]).delete()
        task_event(keep, actor, "merge", data={"merged": merged})
    return keep


def tasks_publish(*, actor, campaign: Campaign, task_ids: Sequence[int] | None = None) -> int:
    """Publish the campaign's drafts (all, or those in `task_ids`); returns how many. Already
    published tasks are left alone, so publishing twice changes nothing."""
    require_office(actor, _("Only the Civilization Office may publish tasks."))
    with transaction.atomic():
        drafts = Task.objects.select_for_update().filter(campaign=campaign, is_published=False)
        if task_ids is not None:
            drafts = drafts.filter(pk__in=list(task_ids))
        ids = list(drafts.values_list("pk", flat=True))
        if not ids:
            return 0
        now = timezone.now()
        Task.objects.filter(pk__in=ids).update(is_published=True, published_at=now)
        TaskEvent.objects.bulk_create(
            TaskEvent(
                task_id=pk,
                action="publish",
                actor=actor,
                actor_name=getattr(actor, "display_name", "") if actor else "",
                created_at=now,
            )
            for pk in ids
        )
        audit_record(
            action="plans.tasks_publish",
            actor=actor,
            target=campaign,
            data={"published": len(ids)},
        )
    return len(ids)
