"""Every read of the plans app a person sees, narrowed to their data scope.

Drafts (generated tasks not yet published) are the office's working copy: only the office
sees them, and only where a selector is asked for them. The task ledger reads rows, not
model instances (`task_ledger`), with keyset pagination on (deadline, id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core import refcache
from wenming.core.errors import InvalidInput, NotFound
from wenming.core.roles import Role, is_office
from wenming.core.scope import scope_queryset, scope_unrestricted
from wenming.org.selectors import REGIONS, UNITS
from wenming.standards.models import Standard

from . import implementations
from .models import Campaign, Letter, Milestone, Status, Task, TaskProgress, WorkPlan
from .models.tasks import OPEN_STATUSES

PAGE = 50
MAX_PAGE = 200


# ---------------------------------------------------------------- campaigns and plans


def campaigns_visible(*, actor) -> QuerySet:
    return scope_queryset(Campaign.objects.select_related("region", "system"), actor)


def campaign_get(*, actor, campaign_id: int) -> Campaign:
    campaign = campaigns_visible(actor=actor).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound()
    return campaign


def campaign_current(*, actor) -> Campaign | None:
    """The campaign pages open on: the latest one the actor can see."""
    return campaigns_visible(actor=actor).first()


def plans_of(*, actor, campaign: Campaign) -> QuerySet:
    return scope_queryset(WorkPlan.objects.filter(campaign=campaign), actor)


def plan_get(*, actor, plan_id: int) -> WorkPlan:
    plan = scope_queryset(WorkPlan.objects.select_related("campaign"), actor).filter(pk=plan_id)
    found = plan.first()
    if found is None:
        raise NotFound()
    return found


# ---------------------------------------------------------------- tasks


def tasks_visible(*, actor, drafts: bool = False) -> QuerySet:
    """Published tasks in the actor's scope; with `drafts`, the office's drafts as well."""
    qs = Task.objects.all()
    if not scope_unrestricted(actor, Task):
        fast = scope_links(actor)
        qs = qs.filter(fast) if fast is not None else scope_queryset(qs, actor)
    if not (drafts and is_office(actor)):
        qs = qs.filter(is_published=True)
    return qs


def scope_links(actor) -> Q | None:
    """`Task.SCOPE` for a region or unit officer written as semi-joins on the link tables.

    `scope_queryset` answers a rule across many-to-many links with a join and DISTINCT; SQLite
    then checks every task against every region of the subtree (200 ms at 5,000 tasks). The
    same rule as `task_id IN (SELECT task_id FROM the link table WHERE …)` reads the links by
    their own index and lets the ledger walk (deadline, id): 2 ms. None for anyone else (the
    caller uses `scope_queryset`). test_selectors holds it equal to `scope_queryset` for
    every persona."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    role = getattr(actor, "role", "")
    if role == Role.REGION_OFFICER and actor.region_id:
        links = Task.regions.through.objects.filter(region_id__in=actor.region.subtree_ids())
        return Q(pk__in=links.values("task_id"))
    if role == Role.UNIT_OFFICER and actor.unit_id:
        helped = Task.co_units.through.objects.filter(unit_id=actor.unit_id)
        return Q(lead_unit_id=actor.unit_id) | Q(pk__in=helped.values("task_id"))
    return None


def _visible_pk(actor, task_id) -> bool:
    qs = Task.objects.filter(pk=task_id)
    if not is_office(actor):
        qs = qs.filter(is_published=True)
    if scope_unrestricted(actor, Task):
        return qs.exists()
    return scope_queryset(qs, actor).exists()


def task_get(*, actor, task_id: int) -> Task:
    """One task the actor may see (drafts only for the office), else 404."""
    try:
        task_id = int(task_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not _visible_pk(actor, task_id):
        raise NotFound()
    return Task.objects.select_related("campaign", "plan", "lead_unit", "person_in_charge").get(
        pk=task_id
    )


def task_lock(*, actor, task_id: int) -> Task:
    """The task locked for a write (inside a transaction), if the actor may see it, else 404."""
    if not _visible_pk(actor, task_id):
        raise NotFound()
    task = Task.objects.select_for_update().filter(pk=task_id).first()
    if task is None:
        raise NotFound()
    return task


def task_detail(*, actor, task_id: int) -> dict:
    """What the task page shows: the task, milestones, progress with files, timeline."""
    task = task_get(actor=actor, task_id=task_id)
    today = timezone.localdate()
    reports = list(
        TaskProgress.objects.filter(task=task)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("-reported_on", "-id")
    )
    return {
        "task": task,
        "standards": list(task.standards.order_by("code")),
        "co_units": list(task.co_units.all()),
        "regions": list(task.regions.all()),
        "milestones": list(task.milestones.all()),
        "progress": reports,
        "events": _labelled(task.events.order_by("created_at", "id")),
        "missing": implementations.missing(task, today),
        "overdue": implementations.is_overdue(task, today),
        "today": today,
    }


def _labelled(events) -> list:
    from .lifecycle import EVENT_LABELS

    events = list(events)
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
    return events


def attachment_get(*, actor, attachment_id: int):
    from .models import ProgressAttachment

    attachment = (
        ProgressAttachment.objects.select_related("progress").filter(pk=attachment_id).first()
    )
    if attachment is None or not _visible_pk(actor, attachment.progress.task_id):
        raise NotFound()
    return attachment


@dataclass
class LedgerFilters:
    campaign: int | None = None
    plan: int | None = None
    unit: int | None = None
    region: int | None = None
    status: str | None = None
    overdue: bool = False
    standard: int | None = None
    missing: str | None = None
    drafts: bool = False

    def clean(self) -> LedgerFilters:
        if self.status and self.status not in Status.values:
            raise InvalidInput(
                _("Unknown status: %(value)s.") % {"value": str(self.status)[:40]},
                code="bad_status",
            )
        if self.missing and self.missing not in implementations.CODES:
            raise InvalidInput(
                _("Unknown implementation: %(value)s.") % {"value": str(self.missing)[:40]},
                code="bad_missing",
            )
        return self


def _filtered(actor, filters: LedgerFilters, today: date, *, with_status=True) -> QuerySet:
    qs = tasks_visible(actor=actor, drafts=filters.drafts)
    if filters.drafts and is_office(actor):
        qs = qs.filter(is_published=False)
    if filters.campaign:
        qs = qs.filter(campaign_id=filters.campaign)
    if filters.plan:
        qs = qs.filter(plan_id=filters.plan)
    # Links are semi-joins on the primary key with literal ids (no correlated subquery per row).
    if filters.unit:
        helped = Task.co_units.through.objects.filter(unit_id=filters.unit).values("task_id")
        qs = qs.filter(Q(lead_unit_id=filters.unit) | Q(pk__in=helped))
    if filters.region:
        region = REGIONS.by_id(filters.region)
        ids = region.subtree_ids() if region is not None else []
        inside = Task.regions.through.objects.filter(region_id__in=ids).values("task_id")
        qs = qs.filter(pk__in=inside)
    if filters.standard:
        linked = Task.standards.through.objects.filter(standard_id=filters.standard)
        qs = qs.filter(pk__in=linked.values("task_id"))
    if filters.overdue:
        qs = qs.filter(implementations.overdue_q(today))
    if filters.missing:
        qs = qs.filter(implementations.missing_q(filters.missing, today))
    if with_status and filters.status:
        qs = qs.filter(status=filters.status)
    return qs


LEDGER_COLUMNS = (
    "id",
    "title",
    "description",
    "status",
    "start",
    "deadline",
    "progress_percent",
    "last_progress_on",
    "lead_unit_id",
    "person_in_charge_id",
    "person_in_charge__display_name",
    "campaign_id",
    "plan_id",
    "is_published",
)


def _cursor_decode(cursor: str | None):
    if not cursor:
        return None
    try:
        day, pk = cursor.split("_", 1)
        return date.fromisoformat(day), int(pk)
    except ValueError:
        raise InvalidInput(_("The cursor is not valid."), code="bad_cursor") from None


def task_rows(rows: list[dict], today: date) -> list[dict]:
    """Ledger rows with the lead unit's name, overdue and the missing implementations."""
    for row in rows:
        unit = UNITS.by_id(row["lead_unit_id"]) if row["lead_unit_id"] else None
        row["lead_unit_name"] = unit.display_name if unit else ""
        row["overdue"] = row["status"] in OPEN_STATUSES and row["deadline"] < today
        row["missing"] = implementations.missing_values(row, today)
    return rows


def task_ledger(
    *, actor, filters: LedgerFilters, cursor: str | None = None, limit: int = PAGE
) -> dict:
    """A page of the ledger: rows, the next cursor, and the counts by status under the other
    filters (each one grouped query)."""
    filters.clean()
    today = timezone.localdate()
    limit = max(1, min(int(limit or PAGE), MAX_PAGE))
    qs = _filtered(actor, filters, today)
    after = _cursor_decode(cursor)
    if after:
        day, pk = after
        qs = qs.filter(Q(deadline__gt=day) | Q(deadline=day, id__gt=pk))
    rows = list(qs.order_by("deadline", "id").values(*LEDGER_COLUMNS)[: limit + 1])
    more = len(rows) > limit
    rows = task_rows(rows[:limit], today)
    nxt = f"{rows[-1]['deadline'].isoformat()}_{rows[-1]['id']}" if more and rows else None
    return {"items": rows, "next": nxt, "today": today}


def task_counts(*, actor, filters: LedgerFilters) -> dict:
    """How many tasks under the filters (status aside) per status, overdue, and in all: one
    pass over the filtered tasks (conditional counts), not one query per figure."""
    filters.clean()
    today = timezone.localdate()
    base = _filtered(actor, filters, today, with_status=False).order_by()
    figures = base.aggregate(
        overdue=Count("id", filter=implementations.overdue_q(today)),
        **{f"s_{value}": Count("id", filter=Q(status=value)) for value in Status.values},
    )
    by_status = {value: figures[f"s_{value}"] for value in Status.values}
    return {
        "by_status": by_status,
        "overdue": figures["overdue"],
        "total": sum(by_status.values()),
    }


def ledger_export_rows(*, actor, filters: LedgerFilters):
    """Every ledger row under the filters, in deadline order, for the streamed Excel."""
    filters.clean()
    today = timezone.localdate()
    qs = _filtered(actor, filters, today).order_by("deadline", "id").values(*LEDGER_COLUMNS)
    # The download is written after the request's middleware has returned: read the reference
    # rows' version once here, not once per row.
    with refcache.batch():
        batch: list[dict] = []
        for row in qs.iterator(chunk_size=1000):
            batch.append(row)
            if len(batch) == 1000:
                yield from task_rows(batch, today)
                batch = []
        yield from task_rows(batch, today)


# ---------------------------------------------------------------- timeline and home


def timeline(*, actor, unit_id: int | None = None, plan_id: int | None = None, campaign_id=None):
    """Tasks of a unit (lead or co-unit) or of a plan, with their milestones, for the bars."""
    filters = LedgerFilters(unit=unit_id, plan=plan_id, campaign=campaign_id)
    today = timezone.localdate()
    tasks = list(
        _filtered(actor, filters, today)
        .order_by("start", "deadline", "id")
        .values("id", "title", "status", "start", "deadline", "progress_percent")[:300]
    )
    milestones: dict[int, list] = {}
    for m in Milestone.objects.filter(task_id__in=[t["id"] for t in tasks]).values(
        "task_id", "title", "deadline", "done_on"
    ):
        milestones.setdefault(m["task_id"], []).append(m)
    if not tasks:
        return {"tasks": [], "first": today, "last": today, "today": today}
    first = min(min(t["start"] for t in tasks), today)
    last = max(max(t["deadline"] for t in tasks), today)
    span = max((last - first).days, 1)

    def pos(day: date) -> float:
        return round(100 * (day - first).days / span, 2)

    for t in tasks:
        t["left"] = pos(t["start"])
        t["width"] = max(round(pos(t["deadline"]) - t["left"], 2), 0.5)
        t["overdue"] = t["status"] in OPEN_STATUSES and t["deadline"] < today
        t["milestones"] = [{**m, "at": pos(m["deadline"])} for m in milestones.get(t["id"], [])]
    return {"tasks": tasks, "first": first, "last": last, "today": today, "now": pos(today)}


def home_items(*, actor, days: int = 14) -> dict:
    """A unit officer's open tasks and milestones due within `days` (or overdue)."""
    today = timezone.localdate()
    horizon = date.fromordinal(today.toordinal() + days)
    tasks = tasks_visible(actor=actor).filter(status__in=OPEN_STATUSES)
    open_tasks = list(
        tasks.order_by("deadline", "id").values("id", "title", "status", "deadline")[:8]
    )
    for t in open_tasks:
        t["overdue"] = t["deadline"] < today
    milestones = list(
        Milestone.objects.filter(
            task__in=tasks.values("pk"), done_on__isnull=True, deadline__lte=horizon
        )
        .order_by("deadline", "id")
        .values("id", "title", "deadline", "task_id", "task__title")[:8]
    )
    for m in milestones:
        m["overdue"] = m["deadline"] < today
    return {"tasks": open_tasks, "milestones": milestones, "open": tasks.count(), "today": today}


# ---------------------------------------------------------------- breakdown coverage


def coverage(*, actor, campaign: Campaign) -> dict:
    """Standards of the campaign's system with no owner (no lead unit) or no live task (no
    published task links them)."""
    live = Task.standards.through.objects.filter(
        standard_id=OuterRef("pk"), task__campaign=campaign, task__is_published=True
    )
    rows = list(
        Standard.objects.filter(system=campaign.system)
        .annotate(has_task=Exists(live))
        .filter(Q(lead_unit__isnull=True) | Q(has_task=False))
        .select_related("lead_unit")
        .order_by("code")
    )
    total = Standard.objects.filter(system=campaign.system).count()
    return {
        "no_owner": [s for s in rows if s.lead_unit_id is None],
        "no_task": [s for s in rows if not s.has_task],
        "total": total,
    }


# ---------------------------------------------------------------- letters


def letters_visible(*, actor, campaign: Campaign | None = None) -> QuerySet:
    qs = scope_queryset(Letter.objects.select_related("unit", "region", "campaign"), actor)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs


def letter_get(*, actor, letter_id: int) -> Letter:
    letter = letters_visible(actor=actor).filter(pk=letter_id).first()
    if letter is None:
        raise NotFound()
    return letter


def letter_signing(*, actor, campaign: Campaign) -> dict:
    """Who has signed and who has not: each letter in scope, split in two."""
    letters = list(letters_visible(actor=actor, campaign=campaign))
    signed = [x for x in letters if x.signed_on]
    unsigned = [x for x in letters if not x.signed_on]
    return {"signed": signed, "unsigned": unsigned, "total": len(letters)}


# ---------------------------------------------------------------- for the scoring app


def task_completion(*, start: date, end: date) -> dict:
    """Per unit and per region: tasks due in [start, end] (`n`) and the share of them accepted
    by their deadline (`rate`, 0..1; the local date of acceptance ≤ the deadline).

    Published tasks only. A task counts for its lead unit, and once for each region it is
    assigned to. Two grouped queries; not scoped (the scoring app publishes the result)."""
    on_time = Q(status=Status.ACCEPTED, accepted_at__date__lte=F("deadline"))
    due = Task.objects.filter(is_published=True, deadline__gte=start, deadline__lte=end)
    units = {}
    for row in (
        due.filter(lead_unit__isnull=False)
        .order_by()
        .values("lead_unit_id")
        .annotate(n=Count("id"), ok=Count("id", filter=on_time))
    ):
        units[row["lead_unit_id"]] = {"rate": row["ok"] / row["n"], "n": row["n"]}
    link = Task.regions.through.objects.filter(
        task__is_published=True, task__deadline__gte=start, task__deadline__lte=end
    )
    on_time_link = Q(task__status=Status.ACCEPTED, task__accepted_at__date__lte=F("task__deadline"))
    regions = {}
    for row in (
        link.order_by()
        .values("region_id")
        .annotate(n=Count("task_id"), ok=Count("task_id", filter=on_time_link))
    ):
        regions[row["region_id"]] = {"rate": row["ok"] / row["n"], "n": row["n"]}
    return {"units": units, "regions": regions}


def guarantor_places(*, on=None) -> dict:
    """unit id -> {"regions", "points"} guaranteed on `on` (the scores rank guarantors by it);
    the oversight part keeps the rule (`oversight/selectors.py`)."""
    from .oversight.selectors import guarantor_places as places

    return places(on=on)
