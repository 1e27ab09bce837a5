"""Oversight endpoints of the JSON API: `GET/POST /api/v1/supervision-orders` (with one order
and its moves) and `GET/POST /api/v1/guarantors`. Scoped: what the reader may not see is 404.
Lists are `{"items": [...], "next": cursor}`, newest first."""

from datetime import date

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from wenming.core.errors import InvalidInput, NotFound
from wenming.core.pagination import id_page
from wenming.core.roles import require_office
from wenming.org.models import Region, Unit
from wenming.points.models import Point
from wenming.problems.models import Problem

from ..models import OrderStatus, SupervisionOrder
from ..selectors import tasks_visible
from . import guarantors as guarantor_services
from . import orders as order_services
from . import selectors

router = Router(tags=["plans"])
MAX_PAGE = 200


class OrderPageQuery(Schema):
    after: str | None = Field(None, description="cursor: `next` of the previous page")
    limit: int = Field(50, ge=1, le=MAX_PAGE)


def _page(qs, page: OrderPageQuery, out) -> dict:
    return id_page(qs, after=page.after, limit=page.limit, out=out)


# ---------------------------------------------------------------- supervision orders


class OrderOut(Schema):
    id: int
    code: str
    kind: str
    title: str
    requirement: str
    task: int | None
    problem: str | None
    lead_unit: str
    assisting_units: list[str]
    region: str | None
    deadline: date
    status: str
    overdue: bool
    response: str
    actions: list[str]


class OrderPageOut(Schema):
    items: list[OrderOut]
    next: str | None


def order_out(order: SupervisionOrder, actor=None) -> dict:
    return {
        "id": order.pk,
        "code": order.code,
        "kind": order.kind,
        "title": order.title,
        "requirement": order.requirement,
        "task": order.task_id,
        "problem": order.problem.code if order.problem_id else None,
        "lead_unit": order.lead_unit.code,
        "assisting_units": [u.code for u in order.assisting_units.all()],
        "region": order.region.code if order.region_id else None,
        "deadline": order.deadline,
        "status": order.status,
        "overdue": selectors.order_is_overdue(order),
        "response": order.response,
        "actions": order_services.actions_for(actor, order) if actor is not None else [],
    }


class OrderFilter(OrderPageQuery):
    status: str = Field("", description="issued, responded or closed")
    overdue: bool = False


class OrderIn(Schema):
    kind: str = Field("routine", description="routine or special")
    title: str = Field(max_length=200)
    requirement: str = Field(max_length=4000)
    deadline: date
    lead_unit: str = Field(max_length=32, description="unit code")
    assisting_units: list[str] = Field(default_factory=list, max_length=20)
    task: int | None = Field(None, description="task id (or give `problem`)")
    problem: str | None = Field(None, max_length=20, description="problem code (or give `task`)")


class OrderMoveIn(Schema):
    action: str = Field(description="respond, close or return")
    note: str = Field("", max_length=4000)
    deadline: date | None = None


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code, is_active=True).first()
    if unit is None:
        raise InvalidInput(_("Unknown unit: %(code)s.") % {"code": code}, code="bad_unit")
    return unit


@router.get("/supervision-orders", response=OrderPageOut, summary="Supervision orders you can see")
def list_orders(request, q: Query[OrderFilter]):
    if q.status and q.status not in OrderStatus.values:
        raise InvalidInput(_("Unknown status."), code="bad_status")
    qs = selectors.orders_visible(request.auth, status=q.status, overdue=q.overdue)
    qs = qs.prefetch_related("assisting_units")
    return _page(qs, q, lambda o: order_out(o, request.auth))


@router.get("/supervision-orders/{order_id}", response=OrderOut, summary="One supervision order")
def get_order(request, order_id: int):
    return order_out(selectors.order_for(request.auth, order_id), request.auth)


@router.post("/supervision-orders", response={201: OrderOut}, summary="Issue a supervision order")
def issue_order(request, data: OrderIn):
    actor = request.auth
    # The office check comes before any look-up, so a refusal never tells what exists.
    require_office(actor, _("Only the Civilization Office issues supervision orders."))
    task = problem = None
    if data.task is not None:
        task = tasks_visible(actor=actor).filter(pk=data.task).first()
        if task is None:
            raise NotFound(_("No such task."))
    if data.problem:
        problem = Problem.objects.filter(code=data.problem).first()
        if problem is None:
            raise NotFound(_("No such problem."))
    order = order_services.supervision_order_issue(
        actor=actor,
        kind=data.kind,
        title=data.title,
        requirement=data.requirement,
        deadline=data.deadline,
        lead_unit=_unit(data.lead_unit),
        assisting_units=[_unit(c) for c in data.assisting_units],
        task=task,
        problem=problem,
    )
    return Status(201, order_out(order, actor))


@router.post(
    "/supervision-orders/{order_id}/transitions",
    response=OrderOut,
    summary="Respond to, close or return an order (409 on an illegal move)",
)
def move_order(request, order_id: int, data: OrderMoveIn):
    order = selectors.order_for(request.auth, order_id)
    order = order_services.supervision_order_transition(
        actor=request.auth,
        order=order,
        action=data.action,
        note=data.note,
        deadline=data.deadline,
    )
    return order_out(order, request.auth)


# ---------------------------------------------------------------- guarantors


class GuarantorOut(Schema):
    id: int
    unit: str
    unit_kind: str
    region: str | None
    point: str | None
    since: date
    until: date | None
    note: str


class GuarantorPageOut(Schema):
    items: list[GuarantorOut]
    next: str | None


class GuarantorFilter(OrderPageQuery):
    unit: str = Field("", description="unit code")
    include_ended: bool = False


class GuarantorIn(Schema):
    unit: str = Field(max_length=32, description="unit code")
    region: str | None = Field(None, max_length=12, description="street or community code")
    point: str | None = Field(None, max_length=40, description="assessment point code")
    since: date | None = None
    note: str = Field("", max_length=200)


def guarantor_out(g) -> dict:
    return {
        "id": g.pk,
        "unit": g.unit.code,
        "unit_kind": g.unit.kind,
        "region": g.region.code if g.region_id else None,
        "point": g.point.code if g.point_id else None,
        "since": g.since,
        "until": g.until,
        "note": g.note,
    }


@router.get("/guarantors", response=GuarantorPageOut, summary="Guarantor units and their places")
def list_guarantors(request, q: Query[GuarantorFilter]):
    unit = _unit(q.unit) if q.unit else None
    qs = selectors.guarantors_visible(request.auth, live_only=not q.include_ended, unit=unit)
    return _page(qs, q, guarantor_out)


@router.post("/guarantors", response={201: GuarantorOut}, summary="Assign a guarantor unit")
def assign_guarantor(request, data: GuarantorIn):
    region = point = None
    if data.region:
        region = Region.objects.filter(code=data.region).first()
        if region is None:
            raise InvalidInput(
                _("Unknown region: %(code)s.") % {"code": data.region}, code="bad_region"
            )
    if data.point:
        point = Point.objects.filter(code=data.point).first()
        if point is None:
            raise InvalidInput(
                _("Unknown point: %(code)s.") % {"code": data.point}, code="bad_point"
            )
    row = guarantor_services.guarantor_assign(
        actor=request.auth,
        unit=_unit(data.unit),
        region=region,
        point=point,
        since=data.since,
        note=data.note,
    )
    return Status(201, guarantor_out(row))
