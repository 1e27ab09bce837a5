"""Plans endpoints of the JSON API: campaigns, tasks (ledger, detail, progress, moves) and
letters of responsibility. Scoped like every list: a task outside the reader's scope is a 404.
Lists are `{"items": [...], "next": cursor}`."""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from wenming.core.errors import InvalidInput
from wenming.core.ids import RowId
from wenming.core.pagination import id_page
from wenming.org.models import Person, Region, Unit
from wenming.problems.listing import json_response
from wenming.standards.models import EvaluationSystem, Standard

from . import implementations, selectors
from .models import Campaign, WorkPlan
from .services import campaigns as campaign_services
from .services import tasks as task_services

router = Router(tags=["plans"])
MAX_PAGE = 200
# The plans API was published answering a malformed cursor with this code (the other lists say
# "invalid_cursor"); its clients rely on it.
CURSOR_CODE = "bad_cursor"


# ---------------------------------------------------------------- campaigns


class CampaignOut(Schema):
    id: int
    name: str
    region: str
    system: str
    cycle_start_year: int
    cycle_end_year: int
    competition_group: str


class CampaignPageOut(Schema):
    items: list[CampaignOut]
    next: str | None


class CampaignIn(Schema):
    name: str = Field(max_length=200)
    region: str = Field(max_length=12, description="region code")
    system: str = Field(max_length=40, description="evaluation system code")
    cycle_start_year: int
    cycle_end_year: int
    competition_group: str = "prefecture"


def campaign_out(c: Campaign) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "region": c.region.code,
        "system": c.system.code,
        "cycle_start_year": c.cycle_start_year,
        "cycle_end_year": c.cycle_end_year,
        "competition_group": c.competition_group,
    }


class CampaignPageQuery(Schema):
    after: str | None = Field(None, description="cursor: `next` of the previous page")
    limit: int = Field(50, ge=1, le=MAX_PAGE)


@router.get("/campaigns", response=CampaignPageOut, summary="Campaigns you can see")
def list_campaigns(request, page: Query[CampaignPageQuery]):
    qs = selectors.campaigns_visible(actor=request.auth)
    return id_page(
        qs, after=page.after, limit=page.limit, out=campaign_out, cursor_code=CURSOR_CODE
    )


@router.post("/campaigns", response={201: CampaignOut}, summary="Create a campaign (office)")
def create_campaign(request, payload: CampaignIn):
    region = Region.objects.filter(code=payload.region).first()
    system = EvaluationSystem.objects.filter(code=payload.system).first()
    if region is None:
        raise InvalidInput(
            _("Unknown region: %(code)s.") % {"code": payload.region[:20]}, code="unknown_reference"
        )
    if system is None:
        raise InvalidInput(
            _("Unknown evaluation system: %(code)s.") % {"code": payload.system[:40]},
            code="unknown_reference",
        )
    campaign = campaign_services.campaign_create(
        actor=request.auth,
        name=payload.name,
        region=region,
        system=system,
        cycle_start_year=payload.cycle_start_year,
        cycle_end_year=payload.cycle_end_year,
        competition_group=payload.competition_group,
    )
    return Status(201, campaign_out(campaign))


# ---------------------------------------------------------------- tasks


class TaskOut(Schema):
    id: int
    title: str
    status: str
    start: date
    deadline: date
    progress_percent: int
    last_progress_on: date | None
    lead_unit: str | None
    person_in_charge: str | None
    campaign: int
    plan: int | None
    overdue: bool
    missing: list[str] = Field(description="six implementations still missing")


class TaskPageOut(Schema):
    items: list[TaskOut]
    next: str | None
    counts: dict | None = None


class MilestoneOut(Schema):
    id: int
    title: str
    deadline: date
    done_on: date | None


class AttachmentOut(Schema):
    id: int
    filename: str
    kind: str
    size: int


class ProgressOut(Schema):
    id: int
    reported_on: date
    percent: int
    text: str
    author: str | None
    attachments: list[AttachmentOut]


class TaskEventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str
    at: datetime
    note: str


class TaskDetailOut(TaskOut):
    description: str
    standards: list[str]
    co_units: list[str]
    regions: list[str]
    milestones: list[MilestoneOut]
    progress: list[ProgressOut]
    events: list[TaskEventOut]
    review_note: str
    version: int
    is_published: bool


class TaskFilters(Schema):
    campaign: RowId | None = None
    plan: RowId | None = None
    unit: str | None = Field(None, description="unit code (lead or co-unit)")
    region: str | None = Field(None, description="region code (its subtree)")
    status: str | None = None
    overdue: bool = False
    standard: RowId | None = Field(None, description="standard id")
    missing: str | None = Field(None, description="|".join(implementations.CODES))
    counts: bool = Field(False, description="add the counts by status and overdue")
    after: str | None = Field(None, description="cursor: `next` of the previous page")
    limit: int = Field(50, ge=1, le=MAX_PAGE)


class MilestoneIn(Schema):
    title: str = Field(max_length=200)
    deadline: date


class TaskIn(Schema):
    campaign: int
    title: str = Field(max_length=200)
    description: str = Field("", max_length=10000)
    standards: list[str] = Field(default_factory=list, max_length=200, description="codes")
    lead_unit: str | None = Field(None, description="unit code")
    co_units: list[str] = Field(default_factory=list, max_length=100)
    regions: list[str] = Field(default_factory=list, max_length=500)
    person_in_charge: str | None = Field(None, description="username")
    plan: int | None = None
    start: date
    deadline: date
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=50)


class TaskTransitionIn(Schema):
    action: str = Field(max_length=20, description="start|submit|accept|return")
    note: str = Field("", max_length=4000)
    version: int | None = None


def _unit_code(unit_id):
    from wenming.org.selectors import UNITS

    unit = UNITS.by_id(unit_id) if unit_id else None
    return unit.code if unit else None


def task_item(row: dict) -> dict:
    return {
        "id": row["id"],
        "title": row["title"],
        "status": row["status"],
        "start": row["start"],
        "deadline": row["deadline"],
        "progress_percent": row["progress_percent"],
        "last_progress_on": row["last_progress_on"],
        "lead_unit": _unit_code(row["lead_unit_id"]),
        "person_in_charge": row["person_in_charge__display_name"],
        "campaign": row["campaign_id"],
        "plan": row["plan_id"],
        "overdue": row["overdue"],
        "missing": row["missing"],
    }


def _lookup(model, field: str, value):
    if value is None:
        return None
    found = model.objects.filter(**{field: value}).first()
    if found is None:
        raise InvalidInput(f"unknown {model._meta.model_name} {value!r}", code="unknown_reference")
    return found


def _ledger_filters(f: TaskFilters) -> selectors.LedgerFilters:
    unit = _lookup(Unit, "code", f.unit)
    region = _lookup(Region, "code", f.region)
    return selectors.LedgerFilters(
        campaign=f.campaign,
        plan=f.plan,
        unit=unit.pk if unit else None,
        region=region.pk if region else None,
        status=f.status,
        overdue=f.overdue,
        standard=f.standard,
        missing=f.missing,
    )


@router.get("/tasks", response=TaskPageOut, summary="The task ledger (filters, keyset pages)")
def list_tasks(request, f: Query[TaskFilters]):
    filters = _ledger_filters(f)
    page = selectors.task_ledger(actor=request.auth, filters=filters, cursor=f.after, limit=f.limit)
    out = {"items": [task_item(r) for r in page["items"]], "next": page["next"]}
    if f.counts:
        out["counts"] = selectors.task_counts(actor=request.auth, filters=filters)
    # Built once and rendered as is (orjson), not validated a second time: TaskPageOut
    # documents it, and test_api holds each item equal to the same task through TaskOut.
    return json_response(out)


def task_detail_out(actor, task_id: int) -> dict:
    d = selectors.task_detail(actor=actor, task_id=task_id)
    t = d["task"]
    return {
        "id": t.pk,
        "title": t.title,
        "description": t.description,
        "status": t.status,
        "start": t.start,
        "deadline": t.deadline,
        "progress_percent": t.progress_percent,
        "last_progress_on": t.last_progress_on,
        "lead_unit": t.lead_unit.code if t.lead_unit else None,
        "person_in_charge": t.person_in_charge.display_name if t.person_in_charge else None,
        "campaign": t.campaign_id,
        "plan": t.plan_id,
        "overdue": d["overdue"],
        "missing": d["missing"],
        "standards": [s.code for s in d["standards"]],
        "co_units": [u.code for u in d["co_units"]],
        "regions": [r.code for r in d["regions"]],
        "milestones": [
            {"id": m.pk, "title": m.title, "deadline": m.deadline, "done_on": m.done_on}
            for m in d["milestones"]
        ],
        "progress": [
            {
                "id": p.pk,
                "reported_on": p.reported_on,
                "percent": p.percent,
                "text": p.text,
                "author": p.author.display_name if p.author else None,
                "attachments": [
                    {"id": a.pk, "filename": a.filename, "kind": a.kind, "size": a.size}
                    for a in p.attachments.all()
                ],
            }
            for p in d["progress"]
        ],
        "events": [
            {
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": e.actor_name,
                "at": e.created_at,
                "note": e.note,
            }
            for e in d["events"]
        ],
        "review_note": t.review_note,
        "version": t.version,
        "is_published": t.is_published,
    }


def _refuse_unknown(asked, found, message) -> None:
    """400 naming the codes of `asked` that are not in `found` (the first ten)."""
    missing = [code for code in dict.fromkeys(asked) if code not in set(found)]
    if missing:
        codes = ", ".join(str(code)[:40] for code in missing[:10])
        raise InvalidInput(message % {"codes": codes}, code="unknown_reference")


@router.post("/tasks", response={201: TaskDetailOut}, summary="Create a task (office)")
def create_task(request, payload: TaskIn):
    actor = request.auth
    campaign = selectors.campaign_get(actor=actor, campaign_id=payload.campaign)
    standards = list(Standard.objects.filter(system=campaign.system, code__in=payload.standards))
    _refuse_unknown(
        payload.standards,
        [s.code for s in standards],
        _("Unknown standards in this campaign's evaluation system: %(codes)s."),
    )
    co_units = list(Unit.objects.filter(code__in=payload.co_units))
    _refuse_unknown(payload.co_units, [u.code for u in co_units], _("Unknown units: %(codes)s."))
    regions = list(Region.objects.filter(code__in=payload.regions))
    _refuse_unknown(payload.regions, [r.code for r in regions], _("Unknown regions: %(codes)s."))
    plan = None
    if payload.plan is not None:
        plan = WorkPlan.objects.filter(pk=payload.plan).first()
        if plan is None:
            raise InvalidInput(
                _("Unknown work plan: %(plan)s.") % {"plan": payload.plan},
                code="unknown_reference",
            )
    task = task_services.task_create(
        actor=actor,
        campaign=campaign,
        title=payload.title,
        description=payload.description,
        standards=standards,
        lead_unit=_lookup(Unit, "code", payload.lead_unit),
        co_units=co_units,
        regions=regions,
        person_in_charge=_lookup(Person, "username", payload.person_in_charge),
        plan=plan,
        start=payload.start,
        deadline=payload.deadline,
        milestones=[m.dict() for m in payload.milestones],
    )
    return Status(201, task_detail_out(actor, task.pk))


@router.get("/tasks/{task_id}", response=TaskDetailOut, summary="One task with its timeline")
def get_task(request, task_id: int):
    return task_detail_out(request.auth, task_id)


@router.post(
    "/tasks/{task_id}/progress",
    response={201: ProgressOut},
    summary="A dated progress report (multipart: percent, text, reported_on, files)",
)
def report_progress(
    request,
    task_id: int,
    percent: Form[int],
    text: Form[str],
    reported_on: Form[date | None] = None,
    files: File[list[UploadedFile]] = None,
):
    progress = task_services.task_progress_report(
        actor=request.auth,
        task=task_id,
        percent=percent,
        text=text,
        reported_on=reported_on,
        files=files or [],
    )
    return Status(
        201,
        {
            "id": progress.pk,
            "reported_on": progress.reported_on,
            "percent": progress.percent,
            "text": progress.text,
            "author": request.auth.display_name,
            "attachments": [
                {"id": a.pk, "filename": a.filename, "kind": a.kind, "size": a.size}
                for a in progress.attachments.all()
            ],
        },
    )


@router.post(
    "/tasks/{task_id}/transitions",
    response=TaskDetailOut,
    summary="Move a task: start, submit, accept, return (409 on an illegal move)",
)
def transition_task(request, task_id: int, payload: TaskTransitionIn):
    task_services.task_transition(
        actor=request.auth,
        task=task_id,
        action=payload.action,
        note=payload.note,
        version=payload.version,
    )
    return task_detail_out(request.auth, task_id)


# ---------------------------------------------------------------- letters


class LetterOut(Schema):
    id: int
    campaign: int
    holder: str
    unit: str | None
    region: str | None
    generated_at: datetime | None
    signed: bool
    signer: str
    signed_on: date | None


class LetterPageOut(Schema):
    items: list[LetterOut]
    next: str | None


class LetterFilters(CampaignPageQuery):
    campaign: RowId | None = None
    signed: bool | None = None


@router.get("/letters", response=LetterPageOut, summary="Letters of responsibility you can see")
def list_letters(request, f: Query[LetterFilters]):
    campaign = None
    if f.campaign is not None:
        campaign = selectors.campaign_get(actor=request.auth, campaign_id=f.campaign)
    qs = selectors.letters_visible(actor=request.auth, campaign=campaign)
    if f.signed is not None:
        qs = qs.filter(signed_on__isnull=not f.signed)
    return id_page(
        qs,
        after=f.after,
        limit=f.limit,
        out=letter_out,
        newest_first=False,
        cursor_code=CURSOR_CODE,
    )


def letter_out(x) -> dict:
    return {
        "id": x.pk,
        "campaign": x.campaign_id,
        "holder": x.holder,
        "unit": x.unit.code if x.unit_id else None,
        "region": x.region.code if x.region_id else None,
        "generated_at": x.generated_at,
        "signed": x.signed_on is not None,
        "signer": x.signer,
        "signed_on": x.signed_on,
    }
