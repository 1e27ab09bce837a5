"""Creation registry endpoints: types, entries, applications and their moves, coverage.
Scoped like every list: what lies outside the reader's scope is a 404; lists are
`{"items": [...], "next": cursor}`."""

from datetime import date

from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from wenming.core.errors import InvalidInput, NotFound
from wenming.core.pagination import id_page
from wenming.org.models import Region, Unit
from wenming.points.models import Point

from . import coverage as coverage_rules
from . import selectors, services
from .models import Application, EntryStatus

router = Router(tags=["creation"])
MAX_PAGE = 200


class TypeOut(Schema):
    code: str
    name: str
    name_en: str
    entity_kind: str
    levels: list[str]
    scheme: str
    pass_score: float
    validity_years: int
    notice_days: int
    criteria: list[dict]


class TypePageOut(Schema):
    items: list[TypeOut]
    next: str | None


class EntryOut(Schema):
    id: int
    type: str
    name: str
    region: str
    district: str | None
    unit: str | None
    point: str | None
    scheme: str
    status: str
    level: str
    valid_until: date | None
    honoured_since: date | None
    score: float | None
    stage: str


class EntryPageOut(Schema):
    items: list[EntryOut]
    next: str | None


class EntryFilters(Schema):
    type: str | None = Field(None, max_length=32)
    region: str | None = Field(None, max_length=12, description="region code: entries inside it")
    status: str | None = Field(None, max_length=10)
    after: str | None = Field(None, description="cursor: `next` of the previous page")
    limit: int = Field(100, ge=1, le=MAX_PAGE)


class CriterionIn(Schema):
    criterion: str = Field(max_length=20)
    points: float = Field(ge=0, le=10000)
    note: str = Field("", max_length=2000)


class ApplicationIn(Schema):
    type: str = Field(max_length=32)
    entry: int | None = None
    region: str | None = Field(None, max_length=12)
    unit: str | None = Field(None, max_length=32)
    point: str | None = Field(None, max_length=40)
    name: str = Field("", max_length=200)
    year: int
    level: str = Field(max_length=12)
    statement: str = Field("", max_length=5000)
    self_assessment: list[CriterionIn] = Field(max_length=500)


class EntryTransitionIn(Schema):
    action: str = Field(max_length=20)
    note: str = Field("", max_length=5000)
    score: float | None = Field(None, ge=0, le=10000)
    objection: int | None = None
    upheld: bool | None = None
    source: str = Field("", max_length=200)


class ObjectionOut(Schema):
    id: int
    text: str
    source: str
    answer: str
    upheld: bool | None
    open: bool


class ApplicationOut(Schema):
    id: int
    entry: int
    name: str
    type: str
    region: str
    reviewer_region: str
    scheme: str
    year: int
    level: str
    status: str
    self_score: float
    region_score: float | None
    office_score: float | None
    notice_starts: date | None
    notice_ends: date | None
    approved_on: date | None
    valid_until: date | None
    reason: str
    objections: list[ObjectionOut]
    actions: list[str] = Field(description="the moves you may make now")


class CoverageOut(Schema):
    district: str
    name: str
    population: int
    registered: int
    reached: int
    share: float | None
    target_share: float | None
    min_level: str | None
    due_on: date | None
    needed: int | None
    gap: float | None
    met: bool | None
    gained_12m: int
    lost_12m: int
    campaign_scheme: str | None
    candidates: list[dict]


class CoveragePageOut(Schema):
    items: list[CoverageOut]
    next: str | None


def _f(value):
    return float(value) if value is not None else None


def type_out(t, criteria) -> dict:
    return {
        "code": t.code,
        "name": t.name,
        "name_en": t.name_en,
        "entity_kind": t.entity_kind,
        "levels": t.level_list,
        "scheme": t.system.code,
        "pass_score": float(t.pass_score),
        "validity_years": t.validity_years,
        "notice_days": t.notice_days,
        "criteria": criteria.get(t.system_id, []),
    }


@router.get("/creation/types", response=TypePageOut, summary="Creation types and their schemes")
def list_types(request):
    from wenming.standards.models import Standard

    kinds = list(selectors.types_visible(actor=request.auth))
    criteria: dict[int, list] = {}
    for s in Standard.objects.filter(system__in={k.system_id for k in kinds}).order_by(
        "order", "code"
    ):
        criteria.setdefault(s.system_id, []).append(
            {"code": s.code, "text": s.text, "points": float(s.points)}
        )
    return {"items": [type_out(t, criteria) for t in kinds], "next": None}


ENTRY_COLUMNS = (
    "id",
    "type__code",
    "name",
    "region__code",
    "district__code",
    "unit__code",
    "point__code",
    "system__code",
    "status",
    "level",
    "valid_until",
    "honoured_since",
    "score",
    "stage",
)


@router.get("/creation/entries", response=EntryPageOut, summary="Registry entries you may see")
def list_entries(request, filters: Query[EntryFilters]):
    actor = request.auth
    kind = selectors.type_get(actor=actor, code=filters.type) if filters.type else None
    region = None
    if filters.region:
        region = Region.objects.filter(code=filters.region).first()
        if region is None:
            raise NotFound(code="region_not_found")
    if filters.status and filters.status not in EntryStatus.values:
        raise InvalidInput(_("Unknown status."), code="bad_status")
    qs = selectors.entries_visible(actor=actor, type=kind, region=region, status=filters.status)
    return id_page(
        qs.values(*ENTRY_COLUMNS),
        after=filters.after,
        limit=filters.limit,
        out=entry_row_out,
        newest_first=False,
    )


def entry_row_out(r: dict) -> dict:
    return {
        "id": r["id"],
        "type": r["type__code"],
        "name": r["name"],
        "region": r["region__code"],
        "district": r["district__code"],
        "unit": r["unit__code"],
        "point": r["point__code"],
        "scheme": r["system__code"],
        "status": r["status"],
        "level": r["level"],
        "valid_until": r["valid_until"],
        "honoured_since": r["honoured_since"],
        "score": _f(r["score"]),
        "stage": r["stage"],
    }


def application_out(actor, a: Application) -> dict:
    return {
        "id": a.pk,
        "entry": a.entry_id,
        "name": a.entry.name,
        "type": a.type.code,
        "region": a.region.code,
        "reviewer_region": a.reviewer_region.code,
        "scheme": a.system.code,
        "year": a.year,
        "level": a.level,
        "status": a.status,
        "self_score": float(a.self_score),
        "region_score": _f(a.region_score),
        "office_score": _f(a.office_score),
        "notice_starts": a.notice_starts,
        "notice_ends": a.notice_ends,
        "approved_on": a.approved_on,
        "valid_until": a.valid_until,
        "reason": a.closed_reason,
        "objections": [
            {
                "id": o.pk,
                "text": o.text,
                "source": o.source,
                "answer": o.answer,
                "upheld": o.upheld,
                "open": o.is_open,
            }
            for o in a.objections.all()
        ],
        "actions": selectors.actions_for(actor=actor, application=a),
    }


def _reloaded(actor, pk: int) -> dict:
    found = selectors.application_get(actor=actor, application_id=pk)
    return application_out(actor, found)


def _entity(actor, payload: ApplicationIn):
    kind = selectors.type_get(actor=actor, code=payload.type)
    if payload.entry is not None:
        entry = selectors.entry_get(actor=actor, entry_id=payload.entry)
        if entry.type_id != kind.pk:
            raise InvalidInput(_("The entry is of another type."), code="wrong_type")
        return entry
    region = unit = point = None
    if payload.region:
        region = Region.objects.filter(code=payload.region).first()
        if region is None:
            raise NotFound(code="region_not_found")
    if payload.unit:
        unit = Unit.objects.filter(code=payload.unit).first()
        if unit is None:
            raise NotFound(code="unit_not_found")
    if payload.point:
        point = Point.objects.filter(code=payload.point).first()
        if point is None:
            raise NotFound(code="point_not_found")
    return services.entry_register(
        actor=actor, type=kind, name=payload.name, region=region, unit=unit, point=point
    )


@router.post(
    "/creation/applications",
    response={201: ApplicationOut},
    summary="Apply: the entity, year, level and self-assessment against the type's scheme",
)
def create_application(request, payload: ApplicationIn):
    actor = request.auth
    entry = _entity(actor, payload)
    application = services.application_create(
        actor=actor,
        entry=entry,
        year=payload.year,
        level=payload.level,
        statement=payload.statement,
        self_assessment=[line.dict() for line in payload.self_assessment],
    )
    return Status(201, _reloaded(actor, application.pk))


@router.post(
    "/creation/applications/{application_id}/transitions",
    response=ApplicationOut,
    summary="One step of the cycle (region_pass, office_pass, object, answer, approve, …)",
)
def transition(request, application_id: int, payload: EntryTransitionIn):
    actor = request.auth
    application = selectors.application_get(actor=actor, application_id=application_id)
    services.application_transition(
        actor=actor,
        application=application,
        action=payload.action,
        note=payload.note,
        score=payload.score,
        objection=payload.objection,
        upheld=payload.upheld,
        source=payload.source,
    )
    return _reloaded(actor, application_id)


class EvidenceOut(Schema):
    id: int
    filename: str
    event: int | None


@router.post(
    "/creation/applications/{application_id}/evidence",
    response={201: list[EvidenceOut]},
    summary="More evidence for an application under way (multipart: files, note)",
)
def add_evidence(
    request,
    application_id: int,
    files: File[list[UploadedFile]],
    note: Form[str] = "",  # kept to 2,000 characters by the service
):
    actor = request.auth
    application = selectors.application_get(actor=actor, application_id=application_id)
    added = services.application_evidence_add(
        actor=actor, application=application, documents=files, note=note
    )
    return Status(201, [{"id": d.pk, "filename": d.filename, "event": d.event_id} for d in added])


def coverage_out(row) -> dict:
    target = row.target
    return {
        "district": row.district.code,
        "name": row.district.display_name,
        "population": row.population,
        "registered": row.registered,
        "reached": row.reached,
        "share": _f(row.share),
        "target_share": _f(target.share) if target else None,
        "min_level": target.min_level if target else None,
        "due_on": target.due_on if target else None,
        "needed": row.needed,
        "gap": _f(row.gap),
        "met": row.met,
        "gained_12m": row.gained,
        "lost_12m": row.lost,
        "campaign_scheme": row.campaign.code if row.campaign else None,
        "candidates": [
            {"id": c["id"], "name": c["name"], "score": _f(c["score"]), "stage": c["stage"]}
            for c in row.candidates
        ],
    }


@router.get(
    "/creation/coverage",
    response=CoveragePageOut,
    summary="Coverage per county-level region: share reached, gap, trend, closest candidates",
)
def get_coverage(request, type: str = Query(..., max_length=32)):
    actor = request.auth
    kind = selectors.type_get(actor=actor, code=type)
    rows = coverage_rules.coverage(actor=actor, type=kind)
    return {"items": [coverage_out(r) for r in rows], "next": None}
