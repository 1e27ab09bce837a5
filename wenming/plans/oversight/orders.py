"""Supervision orders (督办单): issued by the office, answered by the lead unit, closed or
returned by the office. Every move is one row of this table, an event and an audit entry.

    issued ──respond──► responded ──close──► closed
       ▲                    │
       └──────return────────┘   (comments required; a new deadline may be set)

Who may act: `office` is a Civilization Office admin; `lead` is an officer of the order's lead
unit (the office may answer for a unit too). Check order: the action exists (400), the role
could ever take it (403), the status allows it (409, naming the moves allowed now), the person
relates to the order (403), the move's own conditions (400).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.core.roles import Role, is_office, require_office
from wenming.problems.deadlines import local_today
from wenming.problems.models import Problem
from wenming.problems.models.choices import OPEN_STATUSES as PROBLEM_OPEN

from ..models import OrderAction, OrderKind, OrderStatus, SupervisionEvent, SupervisionOrder, Task
from ..models import Status as TaskStatus
from . import notices

OFFICE = "office"
LEAD = "lead"


@dataclass(frozen=True)
class Move:
    to: str
    who: frozenset[str]


S, A = OrderStatus, OrderAction
MOVES: dict[tuple[str, str], Move] = {
    (S.ISSUED, A.RESPOND): Move(S.RESPONDED, frozenset({LEAD, OFFICE})),
    (S.RESPONDED, A.CLOSE): Move(S.CLOSED, frozenset({OFFICE})),
    (S.RESPONDED, A.RETURN): Move(S.ISSUED, frozenset({OFFICE})),
}
ROLES_FOR = {
    OFFICE: frozenset({Role.OFFICE_ADMIN}),
    LEAD: frozenset({Role.UNIT_OFFICER, Role.OFFICE_ADMIN}),
}
MAX_ASSISTING = 20
MAX_TEXT = 4000


def actions_now(order: SupervisionOrder) -> list[str]:
    return [action for (status, action) in MOVES if status == order.status]


def actions_for(actor, order: SupervisionOrder) -> list[str]:
    """The moves `actor` may make on `order` now (what the page offers)."""
    return [a for a in actions_now(order) if _relates(actor, order, MOVES[(order.status, a)].who)]


def _relates(actor, order, who: frozenset[str]) -> bool:
    if OFFICE in who and is_office(actor):
        return True
    return (
        LEAD in who
        and getattr(actor, "role", "") == Role.UNIT_OFFICER
        and actor.unit_id == order.lead_unit_id
    )


def _actor_name(actor) -> str:
    if actor is None:
        return ""
    return getattr(actor, "display_name", "") or actor.get_username()


def _text(value, *, what, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("%(what)s is required.") % {"what": what}, code="text_required")
    if len(value) > MAX_TEXT:
        raise InvalidInput(
            _("%(what)s has at most %(n)d characters.") % {"what": what, "n": MAX_TEXT},
            code="text_too_long",
        )
    return value


def _event(order, actor, action, frm, to, note="") -> SupervisionEvent:
    event = SupervisionEvent.objects.create(
        order=order,
        action=action,
        from_status=frm,
        to_status=to,
        actor=actor,
        actor_name=_actor_name(actor),
        note=note,
    )
    audit_record(
        action=f"supervision_order.{action}",
        actor=actor,
        target=order,
        data={"code": order.code, "from": frm, "to": to},
    )
    return event


def _next_code(year: int) -> str:
    """DB2026-007: the year's next number (the caller holds the write transaction)."""
    prefix = f"DB{year}-"
    last = (
        SupervisionOrder.objects.select_for_update()
        .filter(code__startswith=prefix)
        .aggregate(m=Max("code"))["m"]
    )
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:03d}"


def _target(task, problem):
    if (task is None) == (problem is None):
        raise InvalidInput(
            _("A supervision order is on one task or one problem."), code="order_target"
        )
    if task is not None and task.status == TaskStatus.ACCEPTED:
        raise Conflict(_("The task is already accepted; there is nothing left to supervise."))
    if problem is not None and problem.status not in PROBLEM_OPEN:
        raise Conflict(_("The problem is no longer open; there is nothing left to supervise."))
    if problem is not None:
        return problem.region
    return task.regions.order_by("path").first()


def supervision_order_issue(
    *,
    actor,
    kind: str,
    title: str,
    requirement: str,
    deadline: date,
    lead_unit,
    assisting_units=(),
    task: Task | None = None,
    problem: Problem | None = None,
    is_demo: bool = False,
) -> SupervisionOrder:
    """The office issues an order on a task or a problem; the lead unit is told at once."""
    require_office(actor, _("Only the Civilization Office issues supervision orders."))
    if kind not in OrderKind.values:
        raise InvalidInput(_("Unknown kind of supervision order."), code="bad_kind")
    title = _text(title, what=_("A title"), required=True)[:200]
    requirement = _text(requirement, what=_("The requirement"), required=True)
    if lead_unit is None:
        raise InvalidInput(_("Choose the lead unit."), code="lead_unit_required")
    if deadline is None:
        raise InvalidInput(_("A deadline is required."), code="deadline_required")
    if not is_demo and deadline < local_today():
        raise InvalidInput(_("The deadline is in the past."), code="deadline_past")
    assisting = [u for u in assisting_units if u.pk != lead_unit.pk]
    if len(assisting) > MAX_ASSISTING:
        raise InvalidInput(
            _("At most %(n)d assisting units.") % {"n": MAX_ASSISTING}, code="too_many_units"
        )
    region = _target(task, problem)
    with transaction.atomic():
        order = SupervisionOrder.objects.create(
            code=_next_code(timezone.localdate().year),
            kind=kind,
            title=title,
            requirement=requirement,
            task=task,
            problem=problem,
            lead_unit=lead_unit,
            region=region,
            deadline=deadline,
            issued_by=actor,
            is_demo=is_demo,
        )
        if assisting:
            order.assisting_units.set(assisting)
        _event(order, actor, A.ISSUE, "", S.ISSUED, requirement)
        notices.order_issued(order)
    return order


def _lock(order) -> SupervisionOrder:
    pk = order.pk if isinstance(order, SupervisionOrder) else int(order)
    return SupervisionOrder.objects.select_for_update().get(pk=pk)


def _check(actor, order: SupervisionOrder, action: str) -> Move:
    if action not in OrderAction.values or action == A.ISSUE:
        raise InvalidInput(_("Unknown action."), code="bad_action")
    allowed_roles = set().union(
        *(ROLES_FOR[w] for (st, act), m in MOVES.items() if act == action for w in m.who)
    )
    if getattr(actor, "role", "") not in allowed_roles:
        raise NotAllowed(_("Your role may not do this to a supervision order."))
    move = MOVES.get((order.status, action))
    if move is None:
        allowed = ", ".join(str(OrderAction(a).label) for a in actions_now(order)) or "—"
        raise Conflict(
            _("The order is %(status)s; allowed now: %(allowed)s.")
            % {"status": OrderStatus(order.status).label, "allowed": allowed},
            code="illegal_move",
        )
    if not _relates(actor, order, move.who):
        raise NotAllowed(_("Only the lead unit or the office may answer this order."))
    return move


def supervision_order_transition(
    *, actor, order, action: str, note: str = "", deadline: date | None = None
) -> SupervisionOrder:
    """Respond (the lead unit: what was done), close or return (the office, with comments)."""
    with transaction.atomic():
        order = _lock(order)
        move = _check(actor, order, action)
        note = _text(
            note,
            what=_("The response") if action == A.RESPOND else _("A comment"),
            required=action in (A.RESPOND, A.RETURN),
        )
        frm = order.status
        now = timezone.now()
        order.status = move.to
        fields = ["status"]
        if action == A.RESPOND:
            order.response, order.responded_at = note, now
            fields += ["response", "responded_at"]
        elif action == A.CLOSE:
            order.closed_at = now
            fields.append("closed_at")
        elif action == A.RETURN and deadline is not None:
            if deadline < local_today():
                raise InvalidInput(_("The deadline is in the past."), code="deadline_past")
            order.deadline = deadline
            fields.append("deadline")
        order.save(update_fields=fields)
        _event(order, actor, action, frm, move.to, note)
        notices.order_moved(order, action)
    return order


ACTION_LABELS = {a: gettext_lazy(label) for a, label in OrderAction.choices}
