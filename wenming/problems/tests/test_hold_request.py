"""The long-term hold (挂账) asked for by the handler and answered by the office: services,
the API, the detail page and the office's queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.problems import services
from wenming.problems.lifecycle import actions_for
from wenming.problems.models import Action, EventKind, Problem, Status

from .factories import accepted, dispatched

HTMX = {"HX-Request": "true"}
PLAN = "纳入明年道路改造计划，先设置警示标志"


def later(days: int = 120):
    return timezone.localdate() + timedelta(days=days)


def request_hold(problem, actor, **fields):
    return services.problem_transition(
        problem=problem, actor=actor, action=Action.REQUEST_HOLD, **fields
    )


def row(problem) -> dict:
    return Problem.objects.filter(pk=problem.pk).values().get()


# --- services ------------------------------------------------------------------------------


def test_the_unit_asks_and_the_office_holds_with_the_requested_plan_and_date(cast):
    problem = accepted(cast)  # in progress at the Urban Management Bureau
    problem = request_hold(problem, cast.urban, plan=PLAN, until=later())
    assert problem.status == Status.IN_PROGRESS  # nothing changes until the office answers
    assert problem.hold_requested_until == later() and problem.hold_request_plan == PLAN
    event = problem.events.latest("id")
    assert event.action == EventKind.REQUEST_HOLD and event.actor == cast.urban
    assert event.from_status == event.to_status == Status.IN_PROGRESS
    assert event.note == PLAN and event.data == {"until": later().isoformat()}
    # The office sees "hold" and "deny_hold"; the unit may not ask twice.
    assert {"hold", "deny_hold"} <= set(actions_for(cast.office, problem))
    assert "request_hold" not in actions_for(cast.urban, problem)

    problem = services.problem_hold(problem=problem, actor=cast.office)
    assert problem.status == Status.ON_HOLD and not problem.is_pending
    assert problem.hold_plan == PLAN and problem.hold_until == later()
    assert problem.hold_requested_until is None and problem.hold_request_plan == ""
    event = problem.events.latest("id")
    assert event.action == EventKind.HOLD and event.actor == cast.office
    assert event.data == {"until": later().isoformat(), "requested": True}


def test_the_office_may_change_the_plan_or_date_when_approving(cast):
    problem = request_hold(dispatched(cast), cast.urban, plan=PLAN, until=later())
    problem = services.problem_hold(
        problem=problem, actor=cast.office, plan="分两期改造", until=later(200)
    )
    assert problem.hold_plan == "分两期改造" and problem.hold_until == later(200)
    assert problem.hold_requested_until is None


def test_the_page_sends_the_plan_as_the_note(cast):
    problem = request_hold(accepted(cast), cast.urban, note=PLAN, until=later())
    assert problem.hold_request_plan == PLAN


def test_a_district_asks_for_a_problem_dispatched_to_it(cast):
    problem = dispatched(cast, region=cast.zhongshan_district)
    problem = request_hold(problem, cast.zhongshan, plan=PLAN, until=later())
    assert problem.status == Status.DISPATCHED and problem.hold_requested_until == later()


def test_the_office_denies_with_a_reason_and_the_unit_may_ask_again(cast):
    problem = request_hold(accepted(cast), cast.urban, plan=PLAN, until=later())
    before = row(problem)
    with pytest.raises(InvalidInput) as caught:
        services.problem_transition(problem=problem, actor=cast.office, action=Action.DENY_HOLD)
    assert caught.value.code == "note_required"
    assert row(problem) == before
    problem = services.problem_transition(
        problem=problem, actor=cast.office, action=Action.DENY_HOLD, note="可先行临时处置"
    )
    assert problem.status == Status.IN_PROGRESS
    assert problem.hold_requested_until is None and problem.hold_request_plan == ""
    event = problem.events.latest("id")
    assert event.action == EventKind.DENY_HOLD and event.note == "可先行临时处置"
    assert event.data == {"requested": later().isoformat()}
    assert "request_hold" in actions_for(cast.urban, problem)
    problem = request_hold(problem, cast.urban, plan=PLAN + "（补充说明）", until=later(90))
    assert problem.hold_requested_until == later(90)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"until": later()}, "note_required"),  # no plan
        ({"plan": "   ", "until": later()}, "note_required"),
        ({"plan": PLAN}, "until_required"),
        ({"plan": PLAN, "until": timezone.localdate() - timedelta(days=1)}, "date_in_past"),
        ({"plan": PLAN, "until": "2030-01-01"}, "invalid"),  # not a date object
        ({"plan": "长" * 2001, "until": later()}, "invalid"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(cast, fields, code):
    problem = accepted(cast)
    before, events = row(problem), problem.events.count()
    with pytest.raises(InvalidInput) as caught:
        request_hold(problem, cast.urban, **fields)
    assert caught.value.code == code
    assert row(problem) == before and problem.events.count() == events


def test_a_second_request_while_one_waits_is_a_conflict(cast):
    problem = request_hold(accepted(cast), cast.urban, plan=PLAN, until=later())
    before = row(problem)
    with pytest.raises(Conflict) as caught:
        request_hold(problem, cast.urban, plan="另一个计划", until=later(60))
    assert "已有一项挂账申请" in str(caught.value.message)
    assert caught.value.details["status"] == Status.IN_PROGRESS
    assert row(problem) == before


def test_deny_without_a_pending_request_is_a_conflict(cast):
    problem = accepted(cast)
    assert "deny_hold" not in actions_for(cast.office, problem)
    with pytest.raises(Conflict) as caught:
        services.problem_transition(
            problem=problem, actor=cast.office, action=Action.DENY_HOLD, note="不同意"
        )
    assert "没有待审批的挂账申请" in str(caught.value.message)


def test_the_offices_own_hold_still_needs_a_plan_and_a_date(cast):
    problem = accepted(cast)
    with pytest.raises(InvalidInput):
        services.problem_hold(problem=problem, actor=cast.office, until=later())
    with pytest.raises(InvalidInput):
        services.problem_hold(problem=problem, actor=cast.office, plan=PLAN)
    problem = services.problem_hold(problem=problem, actor=cast.office, plan=PLAN, until=later())
    assert problem.events.latest("id").data == {"until": later().isoformat(), "requested": False}


def test_a_requested_date_that_has_passed_needs_a_new_one(cast):
    problem = request_hold(accepted(cast), cast.urban, plan=PLAN, until=later(1))
    Problem.objects.filter(pk=problem.pk).update(
        hold_requested_until=timezone.localdate() - timedelta(days=2)
    )
    with pytest.raises(InvalidInput) as caught:
        services.problem_hold(problem=problem, actor=cast.office)
    assert caught.value.code == "date_in_past"
    problem = services.problem_hold(problem=problem, actor=cast.office, until=later(30))
    assert problem.status == Status.ON_HOLD and problem.hold_plan == PLAN


def test_who_may_ask_and_answer(cast):
    problem = accepted(cast)
    for outsider in (cast.office, cast.leader, cast.inspector, cast.education, cast.zhongshan):
        with pytest.raises(NotAllowed):
            request_hold(problem, outsider, plan=PLAN, until=later())
    problem = request_hold(problem, cast.urban, plan=PLAN, until=later())
    for not_office in (cast.urban, cast.zhongshan, cast.leader):
        with pytest.raises(NotAllowed):
            services.problem_hold(problem=problem, actor=not_office)
        with pytest.raises(NotAllowed):
            services.problem_transition(
                problem=problem, actor=not_office, action=Action.DENY_HOLD, note="x"
            )


def test_returning_the_problem_drops_its_hold_request(cast):
    problem = request_hold(accepted(cast), cast.urban, plan=PLAN, until=later())
    problem = services.problem_return(problem=problem, actor=cast.urban, note="属于市场监管局")
    assert problem.hold_requested_until is None and problem.hold_request_plan == ""


# --- API -----------------------------------------------------------------------------------


def test_the_api_requests_and_denies_a_hold(cast, api_as):
    problem = accepted(cast)
    url = f"problems/{problem.code}/transitions"
    body = {"action": "request_hold", "plan": PLAN, "until": later().isoformat()}
    response = api_as(cast.urban).post(url, body)
    assert response.status_code == 200, response.content
    state = response.json()
    assert state["status"] == "in_progress" and "request_hold" not in state["allowed_actions"]
    assert state["events"][-1]["action"] == "request_hold"
    assert Problem.objects.get(pk=problem.pk).hold_requested_until == later()

    again = api_as(cast.urban).post(url, body)
    assert again.status_code == 409 and again.json()["details"]["status"] == "in_progress"
    past = {**body, "until": (timezone.localdate() - timedelta(days=1)).isoformat()}
    assert api_as(cast.zhongshan).post(url, past).status_code == 403  # not theirs
    assert api_as(cast.ganjingzi).post(url, body).status_code == 404  # out of scope

    office = api_as(cast.office).get(f"problems/{problem.code}").json()
    assert {"hold", "deny_hold"} <= set(office["allowed_actions"])
    denied = api_as(cast.office).post(url, {"action": "deny_hold"})
    assert denied.status_code == 400 and denied.json()["error"] == "note_required"
    denied = api_as(cast.office).post(url, {"action": "deny_hold", "note": "先行临时处置"})
    assert denied.status_code == 200
    assert Problem.objects.get(pk=problem.pk).hold_requested_until is None


def test_the_api_refuses_a_request_without_plan_or_in_the_past(cast, api_as):
    problem = accepted(cast)
    url = f"problems/{problem.code}/transitions"
    client = api_as(cast.urban)
    no_plan = client.post(url, {"action": "request_hold", "until": later().isoformat()})
    assert no_plan.status_code == 400 and no_plan.json()["error"] == "note_required"
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    in_past = client.post(url, {"action": "request_hold", "plan": PLAN, "until": past})
    assert in_past.status_code == 400 and in_past.json()["error"] == "date_in_past"
    assert Problem.objects.get(pk=problem.pk).hold_requested_until is None


def test_the_api_approves_a_request_with_hold(cast, api_as):
    problem = request_hold(accepted(cast), cast.urban, plan=PLAN, until=later())
    response = api_as(cast.office).post(f"problems/{problem.code}/transitions", {"action": "hold"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "on_hold" and body["hold_plan"] == PLAN
    assert body["hold_until"] == later().isoformat()


# --- pages ---------------------------------------------------------------------------------


def test_the_detail_page_offers_the_request_and_the_answers(cast, page_as):
    problem = accepted(cast)
    url = f"/problems/{problem.code}/"
    unit_page = page_as(cast.urban).get(url).content.decode()
    assert 'data-action="request_hold"' in unit_page and "申请挂账" in unit_page
    assert 'data-action="deny_hold"' not in unit_page
    office_page = page_as(cast.office).get(url).content.decode()
    assert 'data-action="request_hold"' not in office_page
    assert 'data-action="deny_hold"' not in office_page

    response = page_as(cast.urban).post(
        f"{url}act/",
        {"action": "request_hold", "plan": PLAN, "until": later().isoformat()},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="hold-requested"' in html and 'data-action="request_hold"' not in html
    office_page = page_as(cast.office).get(url).content.decode()
    assert 'data-action="deny_hold"' in office_page
    # Approving is "hold" with the request's plan and date filled in.
    assert f'value="{PLAN}"' in office_page and f'value="{later().isoformat()}"' in office_page
    # The leader reads and never acts.
    leader_page = page_as(cast.leader).get(url).content.decode()
    assert 'data-action="deny_hold"' not in leader_page and 'data-action="hold"' not in leader_page

    response = page_as(cast.office).post(f"{url}act/", {"action": "deny_hold", "note": ""})
    assert response.status_code == 400
    assert "请说明驳回挂账的理由" in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).hold_requested_until == later()
    response = page_as(cast.office).post(f"{url}act/", {"action": "hold", "plan": "", "until": ""})
    assert response.status_code == 302
    assert Problem.objects.get(pk=problem.pk).status == Status.ON_HOLD


def test_a_page_request_without_a_date_is_400(cast, page_as):
    problem = accepted(cast)
    response = page_as(cast.urban).post(
        f"/problems/{problem.code}/act/", {"action": "request_hold", "plan": PLAN}, headers=HTMX
    )
    assert response.status_code == 400
    assert 'data-testid="action-error"' in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).hold_requested_until is None


def test_the_office_queue_lists_pending_hold_requests(cast, page_as):
    waiting = request_hold(accepted(cast), cast.urban, plan=PLAN, until=later())
    other = accepted(cast, title="另一问题")
    home = page_as(cast.office).get("/").content.decode()
    assert "挂账申请" in home and "/problems/?hold_request=1" in home
    ledger = page_as(cast.office).get("/problems/", {"hold_request": "1"}).content.decode()
    assert waiting.code in ledger and other.code not in ledger
    # A Ganjingzi officer's ledger filtered the same way shows nothing of Zhongshan's.
    theirs = page_as(cast.ganjingzi).get("/problems/", {"hold_request": "1"}).content.decode()
    assert waiting.code not in theirs
