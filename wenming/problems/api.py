"""Ledger endpoints of the JSON API (thin: parse, call one service or selector, shape the answer).

Every list is scoped and keyset-paginated; every POST honours an Idempotency-Key header.
Out-of-scope problems answer 404; refusals answer {"error", "message", "details"}.
"""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from wenming.core.api_schemas import ErrorOut
from wenming.core.errors import DomainError, InvalidInput, NotFound
from wenming.core.idempotency import idempotent
from wenming.core.scope import scope_allows
from wenming.org.selectors import region_cached, regions_visible, unit_cached, units_visible

from . import listing, metrics, selectors, services
from .deadlines import DeadlineClock, local_today
from .lifecycle import actions_for
from .models import STAGE_TIMES, EventKind, Severity
from .models import Status as ProblemStatus
from .photofiles import photo_response
from .privacy import mask_phone
from .reference import CATEGORIES
from .services._common import check_co_units
from .services.transitions import ACTION_FUNCTIONS, check_role

try:  # django-ninja ≥ 1.7 wants Status(...) instead of a (status, body) tuple
    from ninja import Status
except ImportError:  # pragma: no cover - older django-ninja

    def Status(code, body):  # noqa: N802 - stands in for the class
        return code, body


router = Router(tags=["problems"])


class ProblemOut(Schema):
    code: str
    title: str
    status: str
    status_label: str
    category: str
    category_name: str
    source: str
    severity: str
    region: str
    region_name: str
    district: str | None
    street: str | None
    responsible_unit: str | None
    handling_region: str | None
    handler_name: str
    deadline: date | None
    overdue: bool
    due_soon: bool
    created_at: datetime
    updated_at: datetime
    rework_count: int
    extension_count: int
    lat: float | None
    lon: float | None
    address: str
    version: int


class ProblemEventOut(Schema):
    action: str
    label: str
    from_status: str
    to_status: str
    actor: str | None
    created_at: datetime
    note: str
    data: dict


class ProblemPhotoOut(Schema):
    id: int
    kind: str
    round: int
    url: str
    thumb_url: str
    width: int
    height: int
    taken_at: datetime | None
    lat: float | None
    lon: float | None
    distance_m: float | None
    flags: list[str]
    copy_of_problem: str | None
    uploaded_at: datetime


class CandidateOut(Schema):
    code: str
    title: str
    status: str
    distance_m: float


class ProblemDetailOut(ProblemOut):
    description: str
    point: str | None
    checklist_item: int | None
    standard: str | None
    co_units: list[str]
    original_deadline: date | None
    registered_at: datetime | None
    dispatched_at: datetime | None
    accepted_at: datetime | None
    rectified_at: datetime | None
    closed_at: datetime | None
    rejected_at: datetime | None
    held_at: datetime | None
    reopened_at: datetime | None
    return_count: int
    reopen_count: int
    also_reported_count: int
    flagged_photo_count: int
    duplicate_of: str | None
    recurrence_of: str | None
    is_anonymous: bool
    reporter_name: str | None
    reporter_phone: str | None
    hotline_ticket: str
    hold_plan: str
    hold_until: date | None
    extension_requested_until: date | None
    extension_reason: str
    hold_requested_until: date | None
    hold_request_plan: str
    allowed_actions: list[str]
    events: list[ProblemEventOut]
    photos: list[ProblemPhotoOut]
    duplicate_candidates: list[CandidateOut]


class PageOut(Schema):
    items: list[ProblemOut]
    next_cursor: str | None
    count: int | None
    count_exact: bool | None = None
    counts_by_status: dict[str, int] | None = None


class ProblemIn(Schema):
    title: str
    category: str | None = None
    source: str  # no default: which sources a role may give is the service's rule
    description: str = ""
    region: str | None = None
    point: str | None = None
    checklist_item: int | None = None
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    severity: str = Severity.NORMAL
    reporter_name: str = ""
    reporter_phone: str = ""
    is_anonymous: bool = False
    hotline_ticket: str = ""
    co_units: list[str] = []


class ProblemTransitionIn(Schema):
    action: str
    note: str = ""
    unit: str | None = None
    region: str | None = None
    deadline: date | None = None
    duplicate_of: str | None = None
    plan: str = ""
    until: date | None = None
    co_units: list[str] | None = None
    version: int | None = None


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    problem_class: str
    subject: str
    kind: str
    deadline_days: int
    after_photo_required: bool
    is_active: bool


class MetricsOut(Schema):
    period: str
    region: str | None
    unit: str | None
    due: int
    closed: int
    closed_on_time: int
    handled_on_time: int
    reworked: int
    overdue_pending: int
    extended: int
    recurrences: int
    handling_days_avg: float | None
    dispatched: int
    returned: int
    reports: int
    valid_reports: int
    after_photos: int
    flagged_photos: int
    flags: dict[str, int]
    closing_rate: float | None
    on_time_closing_rate: float | None
    on_time_handling_rate: float | None
    rework_rate: float | None
    overdue_pending_rate: float | None
    extension_rate: float | None
    accurate_dispatch_rate: float | None
    recurrence_rate: float | None
    valid_report_rate: float | None
    flagged_photo_rate: float | None


class BreakdownRowOut(MetricsOut):
    name: str


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# --- shaping answers ----------------------------------------------------------------------


_iso = listing.iso


def _problem_out(p, *, clock: DeadlineClock) -> dict:
    overdue, due_soon = clock.due(p.is_pending, p.deadline)
    return {
        "code": p.code,
        "title": p.title,
        "status": p.status,
        "status_label": str(ProblemStatus(p.status).label),
        "category": p.category.code,
        "category_name": p.category.display_name,
        "source": p.source,
        "severity": p.severity,
        "region": p.region.code,
        "region_name": p.region.display_name,
        "district": p.district.code if p.district_id else None,
        "street": p.street.code if p.street_id else None,
        "responsible_unit": p.responsible_unit.code if p.responsible_unit_id else None,
        "handling_region": p.handling_region.code if p.handling_region_id else None,
        "handler_name": p.handler_display,
        "deadline": _iso(p.deadline),
        "overdue": overdue,
        "due_soon": due_soon,
        "created_at": _iso(p.created_at),
        "updated_at": _iso(p.updated_at),
        "rework_count": p.rework_count,
        "extension_count": p.extension_count,
        "lat": p.lat,
        "lon": p.lon,
        "address": p.address,
        "version": p.version,
    }


def _photo_out(photo, *, private: bool) -> dict:
    """A photo of the answer; its URLs are API URLs, so they answer to the same bearer token,
    and `copy_of_problem` is set only when the caller may see that problem
    (`selectors.photo_copy_codes`)."""
    from django.urls import reverse

    return {
        "id": photo.pk,
        "kind": photo.kind,
        "round": photo.round,
        "url": reverse("api:problem_photo", kwargs={"photo_id": photo.pk, "variant": "full"}),
        "thumb_url": reverse(
            "api:problem_photo", kwargs={"photo_id": photo.pk, "variant": "thumb"}
        ),
        "width": photo.width,
        "height": photo.height,
        "taken_at": _iso(photo.taken_at),
        "lat": photo.lat if private else None,
        "lon": photo.lon if private else None,
        "distance_m": photo.distance_m,
        "flags": photo.flags,
        "copy_of_problem": getattr(photo, "copy_of_code", None),
        "uploaded_at": _iso(photo.uploaded_at),
    }


def _detail_out(actor, p, *, just_created: bool = False, co_units=None) -> dict:
    """The detail answer. `just_created`: `p` is the service's own instance of a problem this
    request reported (with `co_units` as given), so what a new problem cannot have yet — photos
    (they come through the attachments endpoint) — is not looked up, and its few events are
    read without the timeline's joins."""
    private = selectors.shows_private_details(actor)
    if just_created:
        photos = {"before": [], "after": []}
        events = _events_of_new(actor, p)
        co_units = sorted(u.code for u in co_units or ())
    else:
        photos = selectors.problem_photos(actor=actor, problem=p)
        events = selectors.problem_timeline(actor=actor, problem=p)
        co_units = sorted(p.co_units.values_list("code", flat=True))
    candidates = selectors.duplicate_candidates(actor=actor, problem=p) if p.is_open else []
    data = _problem_out(p, clock=DeadlineClock())
    data.update(
        {
            "description": p.description,
            "point": p.point.code if p.point_id else None,
            "checklist_item": p.checklist_item_id,
            "standard": p.standard.code if p.standard_id else None,
            "co_units": co_units,
            "original_deadline": _iso(p.original_deadline),
            **{name: _iso(getattr(p, name)) for name in STAGE_TIMES},
            "return_count": p.return_count,
            "reopen_count": p.reopen_count,
            "also_reported_count": p.also_reported_count,
            "flagged_photo_count": p.flagged_photo_count,
            "duplicate_of": p.duplicate_of.code if p.duplicate_of_id else None,
            "recurrence_of": p.recurrence_of.code if p.recurrence_of_id else None,
            "is_anonymous": p.is_anonymous,
            "reporter_name": p.reporter_name if private else None,
            # Whole for the office, masked for everyone else (privacy.py: the one rule).
            "reporter_phone": mask_phone(actor, p.reporter_phone),
            "hotline_ticket": p.hotline_ticket or "",
            "hold_plan": p.hold_plan,
            "hold_until": _iso(p.hold_until),
            "extension_requested_until": _iso(p.extension_requested_until),
            "extension_reason": p.extension_reason,
            "hold_requested_until": _iso(p.hold_requested_until),
            "hold_request_plan": p.hold_request_plan,
            "allowed_actions": actions_for(actor, p),
            "events": [
                {
                    "action": e.action,
                    "label": str(EventKind(e.action).label),
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "actor": e.actor_name or None,
                    "created_at": _iso(e.created_at),
                    "note": e.note,
                    "data": e.data,
                }
                for e in events
            ],
            "photos": [
                _photo_out(ph, private=private)
                for kind in ("before", "after")
                for ph in photos[kind]
            ],
            "duplicate_candidates": [
                {
                    "code": other.code,
                    "title": other.title,
                    "status": other.status,
                    "distance_m": distance,
                }
                for other, distance in candidates
            ],
        }
    )
    return data


def _events_of_new(actor, p) -> list:
    """The events of a problem this request reported: what the timeline would show."""
    if not scope_allows(actor, p):
        return []  # e.g. a bureau officer reporting for another unit: theirs to send, not read
    return p.events_written  # the service's own record of this request (services/_common.py)


# --- resolving codes in requests ------------------------------------------------------------


def _region(actor, code):
    if not code:
        return None
    region = region_cached(actor=actor, code=code)
    if region is None:
        raise InvalidInput(
            _("Unknown region: %(code)s.") % {"code": str(code)[:20]}, code="unknown_region"
        )
    return region


def _unit(actor, code):
    if not code:
        return None
    unit = unit_cached(actor=actor, code=code)
    if unit is None:
        raise InvalidInput(
            _("Unknown member unit: %(code)s.") % {"code": str(code)[:40]}, code="unknown_unit"
        )
    return unit


def _units(actor, codes):
    if codes is None:
        return None
    check_co_units(codes)  # before resolving them one by one
    return [_unit(actor, code) for code in codes]


def _category(code):
    if not code:
        return None
    category = CATEGORIES.by_key(str(code)[:40])
    if category is None:
        raise InvalidInput(
            _("Unknown category: %(code)s.") % {"code": str(code)[:40]}, code="unknown_category"
        )
    return category


def _point(actor, code):
    if not code:
        return None
    from wenming.points.selectors import point_get

    try:
        return point_get(actor=actor, code=str(code)[:40])
    except NotFound:
        raise InvalidInput(
            _("Unknown assessment point: %(code)s.") % {"code": str(code)[:40]},
            code="unknown_point",
        ) from None


def _checklist_item(actor, pk):
    if pk is None:
        return None
    from wenming.standards.selectors import checklist_item_get

    try:
        return checklist_item_get(actor=actor, pk=pk)
    except NotFound:
        raise InvalidInput(
            _("Unknown checklist item: %(id)s.") % {"id": pk}, code="unknown_checklist_item"
        ) from None


def _duplicate_of(actor, code):
    if not code:
        return None
    try:
        return selectors.problem_get(actor=actor, code=code)
    except NotFound:
        raise InvalidInput(
            _("Unknown problem: %(code)s.") % {"code": str(code)[:20]}, code="unknown_problem"
        ) from None


# --- endpoints ----------------------------------------------------------------------------


# `count` is exact up to the cap (10,000; 1,000 for a text search), else `count_exact` is false
# and `count` is the cap; both are null when the client asked for no count.
_NOT_COUNTED = {"count": None, "count_exact": None}


@router.get("/problems", response={200: PageOut, **ERRORS}, summary="The ledger (scoped)")
def list_problems(
    request,
    status: str | None = None,
    open: str | None = None,
    region: str | None = None,
    unit: str | None = None,
    category: str | None = None,
    source: str | None = None,
    overdue: str | None = None,
    due_soon: str | None = None,
    mine: str | None = None,
    flagged: str | None = None,
    returned: str | None = None,
    extension: str | None = None,
    hold_request: str | None = None,
    today: str | None = None,
    created_from: str | None = None,
    created_to: str | None = None,
    q: str | None = None,
    code: str | None = None,
    sort: str | None = None,
    cursor: str | None = None,
    limit: int = selectors.DEFAULT_LIMIT,
    count: bool = True,
    counts: bool = False,
):
    """Filters as in the ledger page; `cursor` from the previous page's `next_cursor`."""
    actor = request.auth
    params = {k: v for k, v in locals().items() if k not in ("request", "actor")}
    found = selectors.ledger_filter(actor=actor, params=params)
    qs = selectors.ledger_queryset(actor=actor, f=found)
    text_search = selectors.count_cap(found) == selectors.SEARCH_COUNT_CAP
    if count or text_search:  # a text search is counted anyway: the count picks its plan
        page, number, exact = selectors.ledger_counted_page(
            qs, f=found, cursor=cursor, limit=limit, columns=selectors.LIST_COLUMNS
        )
        counted = {"count": number, "count_exact": exact} if count else _NOT_COUNTED
    else:
        page = selectors.ledger_page(
            qs, sort=found.sort, cursor=cursor, limit=limit, columns=selectors.LIST_COLUMNS
        )
        counted = _NOT_COUNTED
    rows = listing.LedgerRows(local_today())
    # Built once and rendered as is: PageOut documents it, test_api holds each item equal to
    # the same problem validated through ProblemOut (listing.py says why).
    return listing.json_response(
        {
            "items": [rows.out(row) for row in page.items],
            "next_cursor": page.next_cursor,
            **counted,
            "counts_by_status": selectors.status_counts(actor=actor, f=found) if counts else None,
        }
    )


@router.post("/problems", response={201: ProblemDetailOut, **ERRORS}, summary="Report a problem")
def create_problem(request, payload: ProblemIn):
    actor = request.auth

    def run():
        checklist_item = _checklist_item(actor, payload.checklist_item)
        co_units = _units(actor, payload.co_units) or ()
        problem = services.problem_create(
            actor=actor,
            title=payload.title,
            category=_category(payload.category),
            source=payload.source,
            description=payload.description,
            region=_region(actor, payload.region),
            point=_point(actor, payload.point),
            checklist_item=checklist_item,
            lat=payload.lat,
            lon=payload.lon,
            address=payload.address,
            severity=payload.severity,
            reporter_name=payload.reporter_name,
            reporter_phone=payload.reporter_phone,
            is_anonymous=payload.is_anonymous,
            hotline_ticket=payload.hotline_ticket,
            co_units=co_units,
        )
        return 201, _detail_out(actor, problem, just_created=True, co_units=co_units)

    status, body = idempotent(request, "POST /problems", run)
    # Rendered without a second validation: the body is the detail answer that GET
    # /problems/{code} validates against ProblemDetailOut, and test_api_create holds the two
    # equal. Validating it again cost each report as much as writing its event.
    from wenming.core.api import api  # it mounts this router: imported at call time

    return api.create_response(request, body, status=status)


@router.get(
    "/problems/{code}",
    response={200: ProblemDetailOut, **ERRORS},
    summary="One problem with its timeline and photos",
)
def get_problem(request, code: str):
    return Status(
        200, _detail_out(request.auth, selectors.problem_get(actor=request.auth, code=code))
    )


@router.post(
    "/problems/{code}/transitions",
    response={200: ProblemDetailOut, **ERRORS},
    summary="Apply a lifecycle action",
)
def transition(request, code: str, payload: ProblemTransitionIn):
    """409 with `details` = the current state when the action is not possible now."""
    actor = request.auth
    problem = selectors.problem_get(actor=actor, code=code)
    if payload.action in ACTION_FUNCTIONS:
        check_role(actor, payload.action)  # before resolving codes the role could not use

    def run():
        services.problem_transition(
            problem=problem,
            actor=actor,
            action=payload.action,
            note=payload.note,
            version=payload.version,
            unit=_unit(actor, payload.unit),
            region=_region(actor, payload.region),
            deadline=payload.deadline,
            duplicate_of=_duplicate_of(actor, payload.duplicate_of),
            plan=payload.plan,
            until=payload.until,
            co_units=_units(actor, payload.co_units),
        )
        return 200, _detail_out(
            actor,
            selectors.problem_get(actor=actor, code=problem.code)
            if _still_visible(actor, problem)
            else _fresh(problem),
        )

    return Status(*idempotent(request, f"POST /problems/{problem.code}/transitions", run))


def _still_visible(actor, problem) -> bool:
    return selectors.problems_visible(actor=actor).filter(pk=problem.pk).exists()


def _fresh(problem):
    return selectors.Problem.objects.select_related(
        "category", "region", "district", "street", "responsible_unit", "handling_region"
    ).get(pk=problem.pk)


@router.post(
    "/problems/{code}/attachments",
    response={201: ProblemPhotoOut, **ERRORS},
    summary="Add a before- or after-photo (multipart)",
)
def add_attachment(request, code: str, kind: Form[str], file: File[UploadedFile]):
    """201 with the integrity flags of an after-photo; 400 for anything but a real image."""
    actor = request.auth
    problem = selectors.problem_get(actor=actor, code=code)
    # Encoded and stored before the idempotency record's transaction begins; deleted again
    # unless that transaction commits the photo (a replay, a refusal, a rollback).
    try:
        prepared, refusal = (
            services.photo_prepare(problem=problem, actor=actor, kind=kind, upload=file),
            None,
        )
    except DomainError as exc:
        if "Idempotency-Key" not in request.headers:
            raise
        # A retry of an upload that succeeded (its photo may have filled the last place, or
        # moved nothing): idempotent() replays the first answer without calling run().
        prepared, refusal = None, exc

    def run():
        if refusal is not None:
            raise refusal
        photo = services.problem_photo_add(problem=problem, actor=actor, prepared=prepared)
        selectors.photo_copy_codes(actor=actor, photos=[photo])
        return 201, _photo_out(photo, private=selectors.shows_private_details(actor))

    with services.photos_kept_if_recorded([prepared.stored] if prepared else []):
        status, body = idempotent(request, f"POST /problems/{problem.code}/attachments", run)
    return Status(status, body)


@router.get(
    "/photos/{photo_id}/{variant}",
    response={200: None, **ERRORS},
    url_name="problem_photo",
    summary="An evidence photo's image (variant full or thumb), within the caller's scope",
)
def photo_file(request, photo_id: int, variant: str):
    """The image bytes (JPEG or WebP); 404 outside the scope; 503 when the file store is down.
    Only the office gets the original with EXIF and GPS."""
    return photo_response(actor=request.auth, photo_id=photo_id, variant=variant)


@router.get(
    "/problem-categories", response={200: list[CategoryOut], **ERRORS}, summary="Problem categories"
)
def list_categories(request, active: bool = False):
    return Status(200, list(selectors.categories_visible(actor=request.auth, active_only=active)))


def _metrics_out(values: metrics.ProblemMetrics, *, period, region=None, unit=None) -> dict:
    return {"period": period.label, "region": region, "unit": unit, **values.as_dict()}


@router.get(
    "/metrics/problems",
    response={200: MetricsOut, **ERRORS},
    summary="Ledger metrics of a month for a region subtree or a unit",
)
def problem_metrics(request, period: str, region: str | None = None, unit: str | None = None):
    actor = request.auth
    month = metrics.period_parse(period)
    region_obj, unit_obj = _region(actor, region), _unit(actor, unit)
    values = metrics.problem_metrics(actor=actor, period=month, region=region_obj, unit=unit_obj)
    return Status(
        200,
        _metrics_out(
            values,
            period=month,
            region=region_obj and region_obj.code,
            unit=unit_obj and unit_obj.code,
        ),
    )


@router.get(
    "/metrics/problems/breakdown",
    response={200: list[BreakdownRowOut], **ERRORS},
    summary="Ledger metrics of a month for every district or every unit",
)
def problem_metrics_breakdown(request, period: str, by: str = "district"):
    actor = request.auth
    month = metrics.period_parse(period)
    rows = metrics.metrics_breakdown(actor=actor, period=month, by=by)
    if by == "district":
        names = {r.pk: r for r in regions_visible(actor=actor).filter(pk__in=list(rows))}
    else:
        names = {u.pk: u for u in units_visible(actor=actor).filter(pk__in=list(rows))}
    result = []
    for key, values in rows.items():
        owner = names.get(key)
        if owner is None:
            continue
        result.append(
            {
                **_metrics_out(
                    values,
                    period=month,
                    region=owner.code if by == "district" else None,
                    unit=owner.code if by == "unit" else None,
                ),
                "name": owner.display_name,
            }
        )
    result.sort(key=lambda row: row["region"] or row["unit"] or "")
    return Status(200, result)
