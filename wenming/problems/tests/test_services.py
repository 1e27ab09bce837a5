"""The lifecycle through the services: every transition, who may act, and bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from wenming.core.audit import audit_verify
from wenming.core.calendar import add_working_days
from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.problems import services
from wenming.problems.lifecycle import TRANSITIONS, actions_for
from wenming.problems.models import (
    Action,
    EventKind,
    Problem,
    ProblemCounter,
    Source,
    Status,
)

from .factories import HERE, accepted, category, closed, dispatched, photo, rectified, report


def today():
    return timezone.localdate()


def test_office_records_a_citizen_report_with_a_code_and_an_event(cast):
    problem = report(cast.office, region=cast.zhongshan_community, address="天津街12号")
    year = today().year
    assert problem.code == f"WM{year}-000001"
    assert (problem.code_year, problem.code_serial) == (year, 1)
    assert problem.status == Status.NEW and problem.is_open and not problem.is_pending
    assert problem.district == cast.zhongshan_district
    assert problem.street == cast.zhongshan_street
    assert [e.action for e in problem.events.all()] == [EventKind.CREATE]
    assert report(cast.office, region=cast.zhongshan_community).code == f"WM{year}-000002"
    assert ProblemCounter.objects.get(year=year).last == 2
    assert audit_verify().ok


def test_every_transition_in_the_table_has_a_function():
    assert {a for (_s, a) in TRANSITIONS} == set(services.ACTION_FUNCTIONS) == set(Action.values)


# --- the closed loop -----------------------------------------------------------------------


def test_the_whole_loop_from_report_to_verified_close(cast):
    problem = report(cast.office, region=cast.zhongshan_community)
    problem = services.problem_register(problem=problem, actor=cast.office)
    assert problem.status == Status.REGISTERED and problem.registered_at
    problem = services.problem_dispatch(problem=problem, actor=cast.office, unit=cast.urban_unit)
    assert problem.status == Status.DISPATCHED and problem.is_pending
    assert problem.responsible_unit == cast.urban_unit
    assert problem.deadline == add_working_days(today(), category("dirty.sanitation").deadline_days)
    assert problem.original_deadline == problem.deadline
    problem = services.problem_accept(problem=problem, actor=cast.urban)
    assert problem.status == Status.IN_PROGRESS and problem.accepted_at
    services.problem_photo_add(
        problem=problem, actor=cast.urban, kind="after", upload=photo(5, gps=HERE)
    )
    problem = services.problem_rectify(problem=problem, actor=cast.urban, note="已清运")
    assert problem.status == Status.RECTIFIED and not problem.is_pending and problem.is_open
    assert problem.rectified_on == today() and problem.handling_days == 0
    problem = services.problem_verify_pass(problem=problem, actor=cast.office)
    assert problem.status == Status.CLOSED and not problem.is_open
    assert problem.closed_on == today()
    events = list(problem.events.values_list("action", "from_status", "to_status"))
    assert [e for e in events if e[0] != EventKind.ATTACH] == [
        ("create", "", "new"),
        ("register", "new", "registered"),
        ("dispatch", "registered", "dispatched"),
        ("accept", "dispatched", "in_progress"),
        ("rectify", "in_progress", "rectified"),
        ("verify_pass", "rectified", "closed"),
    ]
    rectify = problem.events.get(action="rectify")
    assert rectify.photos.count() == 1  # the after-photo is the rectification's attachment
    assert problem.version == 6 and audit_verify().ok


def test_dispatch_accepts_an_explicit_deadline_and_a_locality(cast):
    problem = report(cast.office, region=cast.zhongshan_community)
    deadline = today() + timedelta(days=10)
    problem = services.problem_dispatch(
        problem=problem, actor=cast.office, region=cast.zhongshan_street, deadline=deadline
    )
    assert problem.handling_region == cast.zhongshan_street and problem.responsible_unit is None
    assert problem.deadline == deadline
    # The street's district officer answers for it too, and may start work.
    assert services.problem_accept(problem=problem, actor=cast.zhongshan).status == "in_progress"


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"deadline": "past"}, "date_in_past"),
        ({}, "target_required"),
        ({"both": True}, "target_required"),
        ({"inactive": True}, "unknown_unit"),
        ({"foreign_region": True}, "bad_region"),
    ],
)
def test_bad_dispatches_are_refused_and_change_nothing(cast, kwargs, code):
    problem = report(cast.office, region=cast.zhongshan_community)
    args = {"unit": cast.urban_unit}
    if kwargs.get("deadline"):
        args["deadline"] = today() - timedelta(days=1)
    if not kwargs or kwargs.get("both"):
        args = {"unit": cast.urban_unit, "region": cast.zhongshan_street} if kwargs else {}
    if kwargs.get("inactive"):
        cast.police_unit.is_active = False
        cast.police_unit.save()
        args = {"unit": cast.police_unit}
    if kwargs.get("foreign_region"):
        args = {"region": cast.ganjingzi_street}
    with pytest.raises(InvalidInput) as caught:
        services.problem_dispatch(problem=problem, actor=cast.office, **args)
    assert caught.value.code == code
    problem.refresh_from_db()
    assert problem.status == Status.NEW and problem.version == 1
    assert problem.events.count() == 1


def test_an_illegal_transition_is_a_conflict_naming_the_status_and_allowed_actions(cast):
    problem = report(cast.office, region=cast.zhongshan_community)
    with pytest.raises(Conflict) as caught:
        services.problem_verify_pass(problem=problem, actor=cast.office)
    error = caught.value
    assert error.details["status"] == "new"
    assert error.details["allowed_actions"] == ["register", "reject", "dispatch"]
    # The message speaks the user's language: status and actions by their labels, not codes.
    assert "待受理" in str(error.message) and "register" not in str(error.message)
    assert "立案、不予立案、派遣" in str(error.message)
    with translation.override("en"), pytest.raises(Conflict) as caught:
        services.problem_verify_pass(problem=problem, actor=cast.office)
    assert "Allowed actions: Register, Reject, Dispatch." in str(caught.value.message)
    problem.refresh_from_db()
    assert problem.status == Status.NEW and problem.version == 1


def test_who_may_act_is_checked_before_the_status(cast):
    problem = dispatched(cast)
    with pytest.raises(NotAllowed):  # leaders read, never act
        services.problem_register(problem=problem, actor=cast.leader)
    with pytest.raises(NotAllowed):  # the Education Bureau does not answer for it
        services.problem_accept(problem=problem, actor=cast.education)
    with pytest.raises(NotAllowed):  # a unit cannot close its own problem
        services.problem_verify_pass(problem=problem, actor=cast.urban)
    with pytest.raises(NotAllowed):  # inspectors report, they do not handle
        services.problem_accept(problem=problem, actor=cast.inspector)
    with pytest.raises(NotAllowed):  # Ganjingzi is not the handler of a unit's problem
        services.problem_accept(problem=problem, actor=cast.ganjingzi)


def test_a_stale_version_is_a_conflict(cast):
    problem = dispatched(cast)
    with pytest.raises(Conflict) as caught:
        services.problem_accept(problem=problem, actor=cast.urban, version=problem.version - 1)
    assert caught.value.details["version"] == problem.version
    assert (
        services.problem_accept(problem=problem, actor=cast.urban, version=problem.version).status
        == Status.IN_PROGRESS
    )


def test_return_needs_a_reason_and_sends_the_problem_back_to_the_queue(cast):
    problem = dispatched(cast)
    with pytest.raises(InvalidInput):
        services.problem_return(problem=problem, actor=cast.urban, note="  ")
    problem = services.problem_return(
        problem=problem, actor=cast.urban, note="属公安局交警支队职责"
    )
    assert problem.status == Status.REGISTERED and problem.return_count == 1
    assert problem.responsible_unit is None and problem.deadline is None
    event = problem.events.get(action="return")
    assert event.unit == cast.urban_unit and event.note == "属公安局交警支队职责"
    # Re-dispatched to the right unit, it runs again.
    problem = services.problem_dispatch(problem=problem, actor=cast.office, unit=cast.police_unit)
    assert problem.status == Status.DISPATCHED and problem.responsible_unit == cast.police_unit


def test_rework_counts_and_needs_a_fresh_after_photo(cast):
    problem = rectified(cast)
    with pytest.raises(InvalidInput):
        services.problem_verify_fail(problem=problem, actor=cast.office, note="")
    problem = services.problem_verify_fail(problem=problem, actor=cast.office, note="仍有垃圾")
    assert problem.status == Status.IN_PROGRESS and problem.rework_count == 1
    with pytest.raises(InvalidInput) as caught:  # the first round's photo does not count
        services.problem_rectify(problem=problem, actor=cast.urban)
    assert caught.value.code == "after_photo_required"
    services.problem_photo_add(
        problem=problem, actor=cast.urban, kind="after", upload=photo(21, gps=HERE)
    )
    assert services.problem_rectify(problem=problem, actor=cast.urban).status == "rectified"


def test_a_category_without_after_photo_rule_rectifies_without_photo(cast):
    problem = accepted(cast, cat="civil.behaviour")
    assert services.problem_rectify(problem=problem, actor=cast.urban).status == "rectified"


def test_extension_request_approval_and_denial(cast):
    problem = accepted(cast)
    later = problem.deadline + timedelta(days=7)
    with pytest.raises(InvalidInput):  # a reason is required
        services.problem_request_extension(problem=problem, actor=cast.urban, deadline=later)
    with pytest.raises(InvalidInput):  # not later than the current deadline
        services.problem_request_extension(
            problem=problem, actor=cast.urban, deadline=problem.deadline, note="需要采购"
        )
    with pytest.raises(Conflict):  # nothing to approve yet
        services.problem_approve_extension(problem=problem, actor=cast.office)
    problem = services.problem_request_extension(
        problem=problem, actor=cast.urban, deadline=later, note="需要采购配件"
    )
    assert problem.extension_requested_until == later
    assert "approve_extension" in actions_for(cast.office, problem)
    with pytest.raises(Conflict):  # one request at a time
        services.problem_request_extension(
            problem=problem, actor=cast.urban, deadline=later + timedelta(days=1), note="再延"
        )
    with pytest.raises(NotAllowed):  # the unit cannot approve its own request
        services.problem_approve_extension(problem=problem, actor=cast.urban)
    problem = services.problem_approve_extension(problem=problem, actor=cast.office)
    assert problem.deadline == later and problem.extension_count == 1
    assert problem.extension_requested_until is None
    problem = services.problem_request_extension(
        problem=problem, actor=cast.urban, deadline=later + timedelta(days=3), note="再延"
    )
    problem = services.problem_deny_extension(problem=problem, actor=cast.office, note="不同意")
    assert problem.deadline == later and problem.extension_count == 1
    assert problem.extension_requested_until is None


def test_hold_and_resume_need_a_plan_and_dates(cast):
    problem = accepted(cast)
    with pytest.raises(InvalidInput):
        services.problem_hold(
            problem=problem, actor=cast.office, plan="", until=today() + timedelta(days=90)
        )
    with pytest.raises(InvalidInput):
        services.problem_hold(problem=problem, actor=cast.office, plan="纳入年度改造计划")
    with pytest.raises(InvalidInput):
        services.problem_hold(
            problem=problem,
            actor=cast.office,
            plan="纳入年度改造计划",
            until=today() - timedelta(days=1),
        )
    with pytest.raises(NotAllowed):  # holding is the office's approval
        services.problem_hold(
            problem=problem, actor=cast.urban, plan="计划", until=today() + timedelta(days=90)
        )
    until = today() + timedelta(days=90)
    problem = services.problem_hold(
        problem=problem, actor=cast.office, plan="纳入年度改造计划", until=until
    )
    assert problem.status == Status.ON_HOLD and problem.is_open and not problem.is_pending
    assert problem.hold_until == until and problem.hold_plan == "纳入年度改造计划"
    problem = services.problem_resume(problem=problem, actor=cast.office)
    assert problem.status == Status.IN_PROGRESS
    assert problem.deadline == add_working_days(today(), problem.category.deadline_days)


def test_reopen_within_the_window_only(cast):
    problem = closed(cast)
    with pytest.raises(InvalidInput):
        services.problem_reopen(problem=problem, actor=cast.office, note="")
    problem = services.problem_reopen(problem=problem, actor=cast.office, note="群众再次反映")
    assert problem.status == Status.IN_PROGRESS and problem.reopen_count == 1
    assert problem.closed_at is None and problem.closed_on is None
    old = closed(cast)
    Problem.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=31))
    with pytest.raises(Conflict) as caught:
        services.problem_reopen(problem=old, actor=cast.office, note="群众再次反映")
    assert "30" in str(caught.value.message)


def test_reject_as_duplicate_counts_on_the_original(cast):
    original = report(cast.office, region=cast.zhongshan_community)
    copy = report(cast.office, region=cast.zhongshan_community)
    with pytest.raises(InvalidInput):  # neither a reason nor an original
        services.problem_reject(problem=copy, actor=cast.office)
    with pytest.raises(InvalidInput):
        services.problem_reject(problem=copy, actor=cast.office, duplicate_of=copy)
    copy = services.problem_reject(problem=copy, actor=cast.office, duplicate_of=original)
    assert copy.status == Status.REJECTED and copy.duplicate_of == original
    original.refresh_from_db()
    assert original.also_reported_count == 1
    assert original.events.filter(action=EventKind.ALSO_REPORTED).count() == 1
    spam = report(cast.office, region=cast.zhongshan_community)
    spam = services.problem_reject(problem=spam, actor=cast.office, note="重复广告信息")
    assert spam.status == Status.REJECTED and not spam.is_open


def test_a_district_forwards_to_its_street_but_not_to_a_unit(cast):
    problem = dispatched(cast, region=cast.zhongshan_district)
    with pytest.raises(NotAllowed):
        services.problem_dispatch(problem=problem, actor=cast.zhongshan, unit=cast.urban_unit)
    with pytest.raises(InvalidInput):  # sideways is not down
        services.problem_dispatch(
            problem=problem, actor=cast.zhongshan, region=cast.zhongshan_district
        )
    problem = services.problem_dispatch(
        problem=problem, actor=cast.zhongshan, region=cast.zhongshan_street
    )
    assert problem.handling_region == cast.zhongshan_street
    assert problem.deadline == problem.original_deadline  # the district's deadline stays


# --- reporting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, error",
    [
        ({"title": " "}, InvalidInput),
        ({"region": "city"}, InvalidInput),
        ({"lat": 38.9, "lon": None}, InvalidInput),
        ({"lat": 91.0, "lon": 121.0}, InvalidInput),
        ({"source": "rumour"}, InvalidInput),
        ({"severity": "apocalyptic"}, InvalidInput),
        ({"actor": "leader"}, NotAllowed),
        ({"source": Source.LEADER, "actor": "inspector"}, NotAllowed),
    ],
)
def test_bad_reports_are_refused(cast, change, error):
    args = {
        "actor": cast.office,
        "title": "井盖缺失",
        "category": category("poor.facilities"),
        "source": Source.CITIZEN,
        "region": cast.zhongshan_community,
    }
    args.update(change)
    if change.get("region") == "city":
        args["region"] = cast.city
    if change.get("actor"):
        args["actor"] = getattr(cast, change["actor"])
    with pytest.raises(error):
        services.problem_create(**args)
    assert Problem.objects.count() == 0


def test_a_region_officer_reports_only_inside_their_region(cast):
    with pytest.raises(InvalidInput):
        report(cast.zhongshan, region=cast.ganjingzi_community, source=Source.SELF_FOUND)
    problem = report(cast.zhongshan, region=cast.zhongshan_street, source=Source.SELF_FOUND)
    assert problem.reported_by == cast.zhongshan and problem.street == cast.zhongshan_street


def test_anonymous_reports_keep_no_contact(cast):
    problem = report(
        cast.office,
        region=cast.zhongshan_community,
        reporter_name="张三",
        reporter_phone="13800000000",
        is_anonymous=True,
    )
    assert problem.reporter_name == "" and problem.reporter_phone == ""
    named = report(
        cast.office,
        region=cast.zhongshan_community,
        reporter_name="张三",
        reporter_phone="13800000000",
    )
    assert named.reporter_phone == "13800000000"
