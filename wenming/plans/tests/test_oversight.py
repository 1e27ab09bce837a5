"""Supervision orders, review meetings and guarantor units (issue 14, scope 3, 7 and 8)."""

import datetime

import pytest

from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.core.models import AuditEntry
from wenming.notifications.models import Notice
from wenming.org.models import Unit, UnitKind
from wenming.plans.models import (
    Guarantor,
    OrderStatus,
    SupervisionEvent,
    SupervisionOrder,
)
from wenming.plans.models import Status as TaskStatus
from wenming.plans.oversight import guarantors, meetings, orders, selectors, ticks
from wenming.problems.tests.factories import dispatched, report

TODAY = datetime.date.today()


def _order(cast, task, **extra):
    values = {
        "actor": cast.office,
        "kind": "special",
        "title": "主干道保洁督办",
        "requirement": "三日内完成整改并反馈",
        "deadline": TODAY + datetime.timedelta(days=3),
        "lead_unit": cast.urban_unit,
        "assisting_units": [cast.police_unit],
        "task": task,
    }
    values.update(extra)
    return orders.supervision_order_issue(**values)


# ---------------------------------------------------------------- supervision orders


def test_an_order_runs_issue_respond_return_respond_close_with_events_audit_and_notices(
    cast, urban_task
):
    order = _order(cast, urban_task)
    assert order.code == f"DB{TODAY.year}-001"
    assert order.region == cast.zhongshan_street  # the task's region: region officers see it
    assert Notice.objects.filter(kind="supervision").count() >= 1
    orders.supervision_order_transition(
        actor=cast.urban, order=order, action="respond", note="已清扫完毕"
    )
    new_deadline = TODAY + datetime.timedelta(days=7)
    orders.supervision_order_transition(
        actor=cast.office,
        order=order,
        action="return",
        note="背街小巷未覆盖",
        deadline=new_deadline,
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED and order.deadline == new_deadline
    orders.supervision_order_transition(
        actor=cast.urban, order=order, action="respond", note="背街小巷已覆盖"
    )
    orders.supervision_order_transition(actor=cast.office, order=order, action="close")
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and order.closed_at is not None
    assert list(SupervisionEvent.objects.filter(order=order).values_list("action", flat=True)) == [
        "issue",
        "respond",
        "return",
        "respond",
        "close",
    ]
    assert AuditEntry.objects.filter(action__startswith="supervision_order.").count() == 5


def test_second_order_of_the_year_is_numbered_next(cast, urban_task, education_task):
    _order(cast, urban_task)
    second = _order(cast, education_task, lead_unit=cast.education_unit)
    assert second.code == f"DB{TODAY.year}-002"


def test_an_order_is_on_exactly_one_thing(cast, urban_task):
    problem = dispatched(cast)
    with pytest.raises(InvalidInput):
        _order(cast, urban_task, problem=problem)
    with pytest.raises(InvalidInput):
        _order(cast, None)
    assert not SupervisionOrder.objects.exists()


def test_an_order_on_a_problem_takes_its_region(cast):
    problem = dispatched(cast)
    order = _order(cast, None, problem=problem)
    assert order.region_id == problem.region_id


def test_refusals_write_nothing(cast, urban_task):
    with pytest.raises(NotAllowed):
        _order(cast, urban_task, actor=cast.urban)
    with pytest.raises(InvalidInput):
        _order(cast, urban_task, deadline=TODAY - datetime.timedelta(days=1))
    with pytest.raises(InvalidInput):
        _order(cast, urban_task, requirement="  ")
    assert not SupervisionOrder.objects.exists()
    order = _order(cast, urban_task)
    with pytest.raises(Conflict) as refused:  # closing before an answer
        orders.supervision_order_transition(actor=cast.office, order=order, action="close")
    assert refused.value.status == 409
    with pytest.raises(NotAllowed):  # another unit answers
        orders.supervision_order_transition(
            actor=cast.education, order=order, action="respond", note="x"
        )
    with pytest.raises(InvalidInput):  # an answer needs words
        orders.supervision_order_transition(actor=cast.urban, order=order, action="respond")
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED
    assert SupervisionEvent.objects.filter(order=order).count() == 1


def test_no_order_on_an_accepted_task(cast, urban_task):
    urban_task.status = TaskStatus.ACCEPTED
    urban_task.save(update_fields=["status"])
    with pytest.raises(Conflict):
        _order(cast, urban_task)


def test_orders_are_scoped(cast, urban_task, education_task):
    urban_order = _order(cast, urban_task)
    edu_order = _order(cast, education_task, lead_unit=cast.education_unit, assisting_units=[])
    assert set(selectors.orders_visible(cast.urban)) == {urban_order}
    assert set(selectors.orders_visible(cast.education)) == {edu_order}
    assert set(selectors.orders_visible(cast.zhongshan)) == {urban_order}
    assert set(selectors.orders_visible(cast.ganjingzi)) == {edu_order}
    assert set(selectors.orders_visible(cast.office)) == {urban_order, edu_order}
    assert not selectors.orders_visible(cast.inspector).exists()


def test_the_tick_reminds_due_soon_and_escalates_overdue_once_a_day(cast, urban_task):
    order = _order(cast, urban_task, deadline=TODAY)
    SupervisionOrder.objects.filter(pk=order.pk).update(deadline=TODAY - datetime.timedelta(days=2))
    monday = datetime.datetime(2026, 12, 7, 9, tzinfo=datetime.UTC)  # a working day
    first = ticks.supervision_tick(now=monday)
    again = ticks.supervision_tick(now=monday)
    assert first["overdue"] == 1 and again["overdue"] == 0
    overdue = Notice.objects.filter(kind="overdue", url__contains="/plans/orders/")
    assert set(overdue.values_list("messages__recipient__username", flat=True)) == {"urban", "office"}


# ---------------------------------------------------------------- API


def test_api_issues_lists_moves_and_refuses(cast, api_as, urban_task):
    office = api_as(cast.office)
    created = office.post(
        "supervision-orders",
        {
            "kind": "routine",
            "title": "督办",
            "requirement": "按期完成",
            "deadline": (TODAY + datetime.timedelta(days=5)).isoformat(),
            "lead_unit": "URBAN",
            "assisting_units": ["PSB"],
            "task": urban_task.pk,
        },
    )
    assert created.status_code == 201, created.content
    order_id = created.json()["id"]
    assert created.json()["assisting_units"] == ["PSB"]
    urban = api_as(cast.urban)
    listed = urban.get("supervision-orders").json()
    assert [o["id"] for o in listed["items"]] == [order_id] and listed["next"] is None
    assert listed["items"][0]["actions"] == ["respond"]
    assert api_as(cast.education).get(f"supervision-orders/{order_id}").status_code == 404
    illegal = office.post(f"supervision-orders/{order_id}/transitions", {"action": "close"})
    assert illegal.status_code == 409
    answered = urban.post(
        f"supervision-orders/{order_id}/transitions", {"action": "respond", "note": "已完成"}
    )
    assert answered.status_code == 200 and answered.json()["status"] == "responded"
    # Only the office issues; the refusal comes before any look-up.
    refused = urban.post(
        "supervision-orders",
        {
            "title": "x",
            "requirement": "y",
            "deadline": TODAY.isoformat(),
            "lead_unit": "URBAN",
            "problem": "WM2099-999999",
        },
    )
    assert refused.status_code == 403
    bad = office.post(
        "supervision-orders",
        {
            "title": "x",
            "requirement": "y",
            "deadline": "2026-02-30",
            "lead_unit": "URBAN",
            "task": urban_task.pk,
        },
    )
    assert bad.status_code in (400, 422)


# ---------------------------------------------------------------- meetings


def test_a_meeting_freezes_its_figures_and_the_next_opens_with_open_commitments(
    cast, campaign, urban_task
):
    first = meetings.meeting_create(
        actor=cast.office,
        campaign=campaign,
        title="十一月调度会",
        held_on=TODAY - datetime.timedelta(days=30),
        attendees="市领导、各区",
        decisions="集中整治背街小巷",
    )
    assert first.figures["tasks_total"] == 1
    done = meetings.meeting_commit(
        actor=cast.office,
        meeting=first,
        title="背街小巷整治",
        lead_unit=cast.urban_unit,
        deadline=TODAY + datetime.timedelta(days=10),
    )
    open_one = meetings.meeting_commit(
        actor=cast.office,
        meeting=first,
        title="校园周边整治",
        lead_unit=cast.education_unit,
        deadline=TODAY + datetime.timedelta(days=20),
    )
    assert done.commitment.meeting == first and done.start == first.held_on
    type(done).objects.filter(pk=done.pk).update(status=TaskStatus.ACCEPTED)
    second = meetings.meeting_create(
        actor=cast.office, campaign=campaign, title="十二月调度会", held_on=TODAY
    )
    carried = [c.task for c in selectors.open_commitments(campaign, before=second.held_on)]
    assert carried == [open_one]
    assert second.figures["commitments_open"] == 1
    assert second.figures["tasks_total"] == 3
    first.refresh_from_db()
    assert first.figures["tasks_total"] == 1  # frozen


def test_meeting_refusals(cast, campaign):
    with pytest.raises(NotAllowed):
        meetings.meeting_create(actor=cast.urban, campaign=campaign, title="x", held_on=TODAY)
    with pytest.raises(InvalidInput):
        meetings.meeting_create(
            actor=cast.office,
            campaign=campaign,
            title="x",
            held_on=TODAY + datetime.timedelta(days=1),
        )
    meeting = meetings.meeting_create(
        actor=cast.office, campaign=campaign, title="x", held_on=TODAY
    )
    with pytest.raises(InvalidInput):
        meetings.meeting_commit(
            actor=cast.office, meeting=meeting, title="无人负责", deadline=TODAY
        )
    with pytest.raises(InvalidInput):  # deadline before the meeting's day (the task's start)
        meetings.meeting_commit(
            actor=cast.office,
            meeting=meeting,
            title="倒签",
            lead_unit=cast.urban_unit,
            deadline=TODAY - datetime.timedelta(days=1),
        )
    assert not meeting.commitments.exists()


# ---------------------------------------------------------------- guarantors


@pytest.fixture
def bank(db):
    return Unit.objects.create(
        code="ICBC", name="工商银行大连分行", kind=UnitKind.CENTRAL_PROVINCIAL
    )


def test_a_guarantor_sees_problems_on_its_street(cast, bank):
    from wenming.org.models import Person
    from wenming.org.roles import Role

    guarantors.guarantor_assign(actor=cast.office, unit=bank, region=cast.zhongshan_street)
    inside = dispatched(cast, place=cast.zhongshan_community)
    report(cast.office, region=cast.ganjingzi_community)  # elsewhere
    assert list(selectors.guaranteed_problems(bank.pk)) == [inside]
    assert selectors.guarantor_places() == {
        bank.pk: {"regions": {cast.zhongshan_street.pk}, "points": set()}
    }
    officer = Person.objects.create(username="bank", role=Role.UNIT_OFFICER, unit=bank)
    from django.test import RequestFactory

    from wenming.plans.oversight.panels import panel_guaranteed

    request = RequestFactory().get("/")
    request.user = officer
    panel = panel_guaranteed(request)
    assert panel["items"][0]["count"] == 1


def test_guarantor_rules(cast, bank):
    with pytest.raises(InvalidInput):  # a district is not guaranteed
        guarantors.guarantor_assign(actor=cast.office, unit=bank, region=cast.zhongshan_district)
    with pytest.raises(NotAllowed):
        guarantors.guarantor_assign(actor=cast.urban, unit=bank, region=cast.zhongshan_street)
    row = guarantors.guarantor_assign(actor=cast.office, unit=bank, region=cast.zhongshan_street)
    with pytest.raises(Conflict):
        guarantors.guarantor_assign(actor=cast.office, unit=bank, region=cast.zhongshan_street)
    guarantors.guarantor_end(actor=cast.office, guarantor=row)  # `until` is its last day
    assert selectors.guarantor_places(on=TODAY + datetime.timedelta(days=1)) == {}
    assert not selectors.guarantors_visible(cast.office).exists()
    # Ended, it may be assigned again.
    guarantors.guarantor_assign(actor=cast.office, unit=bank, region=cast.zhongshan_street)
    assert Guarantor.objects.count() == 2


def test_guarantors_api(cast, api_as, bank):
    office = api_as(cast.office)
    made = office.post("guarantors", {"unit": "ICBC", "region": cast.zhongshan_street.code})
    assert made.status_code == 201 and made.json()["unit_kind"] == "central_prov"
    assert office.post("guarantors", {"unit": "ICBC"}).status_code == 400
    assert office.post("guarantors", {"unit": "NOPE", "region": "x"}).status_code == 400
    assert (
        api_as(cast.urban)
        .post("guarantors", {"unit": "ICBC", "region": cast.ganjingzi_street.code})
        .status_code
        == 403
    )
    listed = api_as(cast.urban).get("guarantors").json()
    assert [g["unit"] for g in listed["items"]] == ["ICBC"]


# ---------------------------------------------------------------- pages


def test_pages_answer_and_refuse(cast, page_as, urban_task, bank):
    office = page_as(cast.office)
    assert office.get("/plans/orders/").status_code == 200
    assert office.get("/plans/orders/new/").status_code == 200
    refused = office.post(
        "/plans/orders/new/",
        {
            "title": "x",
            "requirement": "y",
            "deadline": "2026-13-01",
            "kind": "routine",
            "lead_unit": cast.urban_unit.pk,
            "task": urban_task.pk,
        },
    )
    assert refused.status_code == 400 and b"form-error" in refused.content
    made = office.post(
        "/plans/orders/new/",
        {
            "title": "督办",
            "requirement": "按期",
            "kind": "routine",
            "deadline": (TODAY + datetime.timedelta(days=2)).isoformat(),
            "lead_unit": cast.urban_unit.pk,
            "task": urban_task.pk,
        },
    )
    assert made.status_code == 302
    order = SupervisionOrder.objects.get()
    urban = page_as(cast.urban)
    page = urban.get(f"/plans/orders/{order.pk}/")
    assert page.status_code == 200 and b'value="respond"' in page.content
    assert page_as(cast.education).get(f"/plans/orders/{order.pk}/").status_code == 404
    assert (
        urban.post(
            f"/plans/orders/{order.pk}/move/", {"action": "respond", "note": "完成"}
        ).status_code
        == 302
    )
    assert office.get("/plans/meetings/").status_code == 200
    assert office.get("/plans/guarantors/").status_code == 200
    assert urban.get("/plans/orders/new/").status_code == 404


# ---------------------------------------------------------------- demo


def test_demo_oversight_on_a_campaign(cast, campaign, urban_task, education_task):
    from wenming.org.models import Person
    from wenming.plans.models import MeetingCommitment
    from wenming.plans.oversight import demo

    Person.objects.filter(pk=cast.office.pk).update(username="office")
    type(campaign).objects.filter(pk=campaign.pk).update(is_demo=True)
    Unit.objects.create(code="ICBC", name="工商银行大连分行", kind=UnitKind.CENTRAL_PROVINCIAL)
    cast.zhongshan_street.is_demo = True
    cast.zhongshan_street.save()
    demo.load()
    assert SupervisionOrder.objects.filter(is_demo=True).count() == 2  # two tasks, no problem
    statuses = sorted(SupervisionOrder.objects.values_list("status", flat=True))
    assert statuses == ["closed", "responded"]
    assert MeetingCommitment.objects.count() >= 1
    assert Guarantor.objects.filter(unit__code="ICBC").exists()
    demo.load()  # a second run adds nothing
    assert SupervisionOrder.objects.count() == 2
