"""The transition table, exhaustively: every allowed transition by every persona, every
forbidden (status, action) pair, and the detail page's action list agreeing with the services.

Each attempt runs in a savepoint that is rolled back, so one problem serves all personas.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.problems import services
from wenming.problems.lifecycle import TRANSITIONS, actions_for, actions_from, role_may_ever
from wenming.problems.models import Action, Problem, Status

from .factories import report

# A category without a required after-photo, so "rectify" needs nothing but a note.
CAT = "civil.behaviour"


class _Undo(Exception):
    pass


def _in_status(cast, status: str, *, by: str) -> Problem:
    """A problem in `status`, handled (once dispatched) by Zhongshan district or the bureau."""
    office = cast.office
    p = report(office, region=cast.zhongshan_community, cat=CAT)
    if status == Status.NEW:
        return p
    if status == Status.REJECTED:
        return services.problem_reject(problem=p, actor=office, note="无效信息")
    p = services.problem_register(problem=p, actor=office)
    if status == Status.REGISTERED:
        return p
    target = {"region": cast.zhongshan_district} if by == "district" else {"unit": cast.urban_unit}
    p = services.problem_dispatch(problem=p, actor=office, **target)
    handler = cast.zhongshan if by == "district" else cast.urban
    if status == Status.DISPATCHED:
        return p
    p = services.problem_accept(problem=p, actor=handler)
    if status == Status.IN_PROGRESS:
        return p
    if status == Status.ON_HOLD:
        until = timezone.localdate() + timedelta(days=90)
        return services.problem_hold(problem=p, actor=office, plan="纳入改造计划", until=until)
    p = services.problem_rectify(problem=p, actor=handler, note="已整改")
    if status == Status.RECTIFIED:
        return p
    return services.problem_verify_pass(problem=p, actor=office)  # closed


def _fields(cast, problem: Problem, actor, action: str) -> dict:
    """Valid fields for `action` as `actor` would send them."""
    later = (problem.deadline or timezone.localdate()) + timedelta(days=10)
    if action == Action.DISPATCH:
        # A region officer passes down to a street; the office names a unit.
        if getattr(actor, "role", "") == "region_officer":
            return {"region": cast.zhongshan_street}
        return {"unit": cast.education_unit}
    return {
        Action.REJECT: {"note": "无效信息"},
        Action.RETURN: {"note": "不属于本单位职责"},
        Action.RECTIFY: {"note": "已整改"},
        Action.VERIFY_FAIL: {"note": "未整改到位"},
        Action.REQUEST_EXTENSION: {"note": "需采购配件", "deadline": later},
        Action.DENY_EXTENSION: {"note": "不同意"},
        Action.HOLD: {"plan": "纳入改造计划", "until": timezone.localdate() + timedelta(90)},
        Action.REQUEST_HOLD: {
            "plan": "纳入明年改造计划",
            "until": timezone.localdate() + timedelta(120),
        },
        Action.DENY_HOLD: {"note": "可先行临时处置，不予挂账"},
        Action.REOPEN: {"note": "群众再次反映"},
    }.get(action, {})


def _attempt(cast, problem: Problem, actor, action: str) -> str:
    fresh = Problem.objects.select_related("handling_region", "region").get(pk=problem.pk)
    try:
        with transaction.atomic():
            services.problem_transition(
                problem=fresh, actor=actor, action=action, **_fields(cast, fresh, actor, action)
            )
            raise _Undo
    except _Undo:
        return "ok"
    except NotAllowed:
        return "forbidden"
    except Conflict:
        return "conflict"
    except InvalidInput as exc:
        return f"invalid: {exc.message}"


def _allowed(cast, who: frozenset, by: str) -> set[str]:
    """The personas the table lets act, for a problem handled by district or bureau."""
    names = set()
    if "office" in who:
        names.add("office")
    if "handler" in who:
        names.add("zhongshan" if by == "district" else "urban")
    if "forwarder" in who and by == "district":
        names.add("zhongshan")
    return names


PERSONAS = ["office", "leader", "zhongshan", "ganjingzi", "urban", "education", "inspector"]


@pytest.mark.parametrize("by", ["district", "bureau"])
@pytest.mark.parametrize(
    ("status", "action"), list(TRANSITIONS), ids=[f"{s}-{a}" for s, a in TRANSITIONS]
)
def test_each_transition_by_each_persona(cast, status, action, by):
    problem = _in_status(cast, status, by=by)
    if action in (Action.APPROVE_EXTENSION, Action.DENY_EXTENSION):
        handler = cast.zhongshan if by == "district" else cast.urban
        problem = services.problem_request_extension(
            problem=problem,
            actor=handler,
            deadline=problem.deadline + timedelta(days=10),
            note="需采购配件",
        )
    if action == Action.DENY_HOLD:
        handler = cast.zhongshan if by == "district" else cast.urban
        problem = services.problem_transition(
            problem=problem,
            actor=handler,
            action=Action.REQUEST_HOLD,
            plan="纳入明年改造计划",
            until=timezone.localdate() + timedelta(days=120),
        )
    assert problem.status == status
    allowed = _allowed(cast, TRANSITIONS[(status, action)].who, by)
    before = Problem.objects.filter(pk=problem.pk).values().get()
    outcomes = {name: _attempt(cast, problem, getattr(cast, name), action) for name in PERSONAS}
    assert {n for n, o in outcomes.items() if o == "ok"} == allowed, outcomes
    assert {o for n, o in outcomes.items() if n not in allowed} == {"forbidden"}, outcomes
    # The page offers the action to exactly those who may take it.
    problem.refresh_from_db()
    offered = {n for n in PERSONAS if action in actions_for(getattr(cast, n), problem)}
    assert offered == allowed
    # Every refusal (and every rolled-back success) left the row as it was.
    assert Problem.objects.filter(pk=problem.pk).values().get() == before


@pytest.mark.parametrize("status", [s for s, _label in Status.choices])
def test_every_action_the_table_lacks_is_a_conflict_naming_the_status(cast, status):
    problem = _in_status(cast, status, by="district")
    for action in Action.values:
        if (status, action) in TRANSITIONS:
            continue
        # Someone whose role could take the action somewhere, so the status is what refuses.
        actor = cast.office if role_may_ever("office_admin", action) else cast.zhongshan
        with pytest.raises(Conflict) as caught:
            services.problem_transition(
                problem=problem, actor=actor, action=action, **_fields(cast, problem, actor, action)
            )
        assert caught.value.details["status"] == status
        assert caught.value.details["allowed_actions"] == actions_from(status)
        assert str(Status(status).label) in str(caught.value.message)
    assert Problem.objects.get(pk=problem.pk).status == status
