"""The demo's oversight: three supervision orders (one closed, one answered, one overdue), two
review meetings with their commitments (one carried over), and guarantor units — the central
and provincial units guarantee streets, some bureaus guarantee assessment points.

Runs after the plans demo (it needs the demo campaign and its tasks), through the services.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from wenming.core.roles import Role
from wenming.org.models import Person, Region, RegionLevel, Unit, UnitKind
from wenming.points.models import Point
from wenming.problems.deadlines import local_today
from wenming.problems.models import Problem
from wenming.problems.models.choices import OPEN_STATUSES

from ..models import Campaign, Guarantor, ReviewMeeting, SupervisionOrder, Task
from ..models import Status as TaskStatus
from ..services import tasks as task_services
from . import guarantors, meetings, orders


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def load(*, scale: str = "small", stdout=None) -> None:
    if SupervisionOrder.objects.filter(is_demo=True).exists():
        _say(stdout, "Demo oversight already exists.")
        return
    campaign = Campaign.objects.filter(is_demo=True).order_by("-id").first()
    office = Person.objects.filter(username="office", role=Role.OFFICE_ADMIN).first()
    if campaign is None or office is None:
        _say(stdout, "No demo campaign: oversight skipped.")
        return
    with transaction.atomic():
        _guarantors(office)
        _orders(office, campaign)
        _meetings(office, campaign)
    _say(
        stdout,
        f"Oversight: {SupervisionOrder.objects.filter(is_demo=True).count()} supervision orders, "
        f"{ReviewMeeting.objects.filter(is_demo=True).count()} review meetings, "
        f"{Guarantor.objects.filter(is_demo=True).count()} guarantor assignments.",
    )


def _guarantors(office) -> None:
    streets = list(Region.objects.filter(level=RegionLevel.STREET, is_demo=True).order_by("path"))
    central = list(Unit.objects.filter(kind=UnitKind.CENTRAL_PROVINCIAL).order_by("code"))
    for i, unit in enumerate(central):
        for street in streets[i * 3 : i * 3 + 3]:
            guarantors.guarantor_assign(
                actor=office, unit=unit, region=street, is_demo=True, note="中省驻市单位包保街道"
            )
    bureaus = list(Unit.objects.filter(kind=UnitKind.GOVERNMENT).order_by("code")[:4])
    if not bureaus:
        return
    for i, point in enumerate(Point.objects.order_by("id")[:8]):
        guarantors.guarantor_assign(
            actor=office,
            unit=bureaus[i % len(bureaus)],
            point=point,
            is_demo=True,
            note="包联点位",
        )


def _orders(office, campaign) -> None:
    today = local_today()
    tasks = list(
        Task.objects.filter(campaign=campaign, is_published=True, lead_unit__isnull=False)
        .exclude(status=TaskStatus.ACCEPTED)
        .order_by("deadline", "id")[:2]
    )
    problem = (
        Problem.objects.filter(status__in=OPEN_STATUSES, responsible_unit__isnull=False)
        .order_by("deadline", "id")
        .first()
    )
    made = []
    for task, kind, title in zip(
        tasks,
        ("special", "routine"),
        ("背街小巷环境卫生专项督办", "公益广告设置进度督办"),
        strict=False,
    ):
        made.append(
            orders.supervision_order_issue(
                actor=office,
                kind=kind,
                title=title,
                requirement="请于期限内完成整改，并附整改前后照片反馈。",
                deadline=today + timedelta(days=5),
                lead_unit=task.lead_unit,
                assisting_units=list(task.co_units.all()[:2]),
                task=task,
                is_demo=True,
            )
        )
    if problem is not None:
        late = orders.supervision_order_issue(
            actor=office,
            kind="special",
            title=f"{problem.title}（市领导批示件）",
            requirement="市领导批示，限期整改到位。",
            deadline=today - timedelta(days=2),
            lead_unit=problem.responsible_unit,
            problem=problem,
            is_demo=True,
        )
        made.append(late)
    if made:
        first = made[0]
        handler = Person.objects.filter(role=Role.UNIT_OFFICER, unit=first.lead_unit).first()
        orders.supervision_order_transition(
            actor=handler or office,
            order=first,
            action="respond",
            note="已完成清理，照片已上传至任务进度。",
        )
        orders.supervision_order_transition(
            actor=office, order=first, action="close", note="经复核整改到位。"
        )
    if len(made) > 1:
        second = made[1]
        handler = Person.objects.filter(role=Role.UNIT_OFFICER, unit=second.lead_unit).first()
        orders.supervision_order_transition(
            actor=handler or office,
            order=second,
            action="respond",
            note="已完成 80%，剩余点位本周内完成。",
        )


def _meetings(office, campaign) -> None:
    today = local_today()
    units = {
        u.code: u for u in Unit.objects.filter(code__in=("URBAN", "EDU", "TRAFFIC", "CULTURE"))
    }
    first = meetings.meeting_create(
        actor=office,
        campaign=campaign,
        title="创建工作月度调度会（上月）",
        held_on=today - timedelta(days=30),
        attendees="市委常委、宣传部部长；各区（市）县分管领导；市直成员单位主要负责人",
        decisions="一、背街小巷集中整治一个月；二、公益广告补齐缺口；三、未达标点位周通报。",
        attending_units=list(units.values()),
        is_demo=True,
    )
    promised = [
        ("背街小巷集中整治", "URBAN", 20),
        ("校园周边交通秩序整治", "TRAFFIC", 45),
        ("公益广告补设", "CULTURE", 10),
    ]
    for title, code, days in promised:
        if code in units:
            meetings.meeting_commit(
                actor=office,
                meeting=first,
                title=title,
                lead_unit=units[code],
                deadline=first.held_on + timedelta(days=days),
                is_demo=True,
            )
    done = first.commitments.select_related("task", "task__lead_unit").first()
    if done is not None:
        _carry_out(office, done.task)
    second = meetings.meeting_create(
        actor=office,
        campaign=campaign,
        title="创建工作月度调度会（本月）",
        held_on=today,
        attendees="市委常委、宣传部部长；各区（市）县分管领导",
        decisions="对排名末位的区进行约谈。",
        attending_units=list(units.values())[:2],
        is_demo=True,
    )
    if "EDU" in units:
        meetings.meeting_commit(
            actor=office,
            meeting=second,
            title="未成年人思想道德建设材料补齐",
            lead_unit=units["EDU"],
            deadline=today + timedelta(days=20),
            is_demo=True,
        )


def _carry_out(office, task) -> None:
    """A commitment kept: reported, submitted and accepted through the task's state machine."""
    handler = Person.objects.filter(role=Role.UNIT_OFFICER, unit=task.lead_unit).first()
    if handler is None:
        return
    task_services.task_progress_report(
        actor=handler, task=task, percent=100, text="整治完成，已逐条销号。", is_demo=True
    )
    task_services.task_transition(actor=handler, task=task, action="submit")
    task_services.task_transition(actor=office, task=task, action="accept", note="验收通过。")
