"""The demo city's campaign: its promotion plan, about 300 tasks and most letters signed.

Driven through the services, as the office and the units would:

- the campaign on the demo system (`DEMO-2026`) with its promotion action plan (a Word file
  made here) and a monthly promotion plan for the current month;
- the breakdown: one draft per standard with a lead unit (`tasks_generate`), a few drafts
  merged, all published; then edited: a person in charge for most, the districts the field
  standards concern, milestones; and per-district tasks for the field standards of the
  monthly plan, so the ledger holds about 300 tasks;
- progress over the past months (`task_progress_report`, dated monthly), some tasks submitted
  and accepted, some returned with comments, some left overdue (deadlines in the past);
- the letters of every unit made and most of them signed, each with a scanned PDF.

Everything is `is_demo`; `reset()` removes it (files included).
"""

from __future__ import annotations

import io
import random
import time
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from wenming.core.roles import Role
from wenming.org.models import Person, Region, RegionLevel
from wenming.standards.models import EvaluationSystem, Standard

from . import letters as letter_docs
from .models import Action, Campaign, Letter, LetterHolder, PlanKind, Status, Task
from .services import breakdown, campaigns
from .services import tasks as task_services
from .services.letters import letter_sign

SEED = 20260514
SYSTEM_CODE = "DEMO-2026"
# Field standards copied per district into the monthly plan (enough for ~300 tasks in all).
PER_DISTRICT_STANDARDS = 18
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def load(*, scale: str = "small", stdout=None, seed: int = SEED) -> None:
    """Load the demo campaign (skipped when it exists, or without the demo system)."""
    if Campaign.objects.filter(is_demo=True).exists():
        _say(stdout, "Demo campaign already exists.")
        return
    system = EvaluationSystem.objects.filter(code=SYSTEM_CODE).first()
    office = Person.objects.filter(username="office").first()
    city = Region.objects.filter(parent__isnull=True, is_demo=True).order_by("path").first()
    if system is None or office is None or city is None:
        _say(stdout, "plans: no demo system, office or city; skipped.")
        return
    started = time.monotonic()
    rng = random.Random(seed)
    today = timezone.localdate()
    with transaction.atomic():
        campaign = campaigns.campaign_create(
            actor=office,
            name=f"{city.name}全国文明城市创建（{today.year - 2}–{today.year}）",
            region=city,
            system=system,
            cycle_start_year=today.year - 2,
            cycle_end_year=today.year,
            is_demo=True,
        )
        promotion = campaigns.plan_create(
            actor=office,
            campaign=campaign,
            kind=PlanKind.PROMOTION,
            title="创建全国文明城市推进行动方案",
            document=_plan_document(campaign),
            is_demo=True,
        )
        monthly = campaigns.plan_create(
            actor=office,
            campaign=campaign,
            kind=PlanKind.MONTHLY,
            title=f"{today:%Y年%m月}创城推进计划",
            month=today.replace(day=1),
            is_demo=True,
        )
        start = today - timedelta(days=180)
        breakdown.tasks_generate(
            actor=office,
            campaign=campaign,
            start=start,
            deadline=today + timedelta(days=120),
            is_demo=True,
        )
        _merge_some(office, campaign)
        breakdown.tasks_publish(actor=office, campaign=campaign)
        people = _people_in_charge(campaign)
        districts = list(
            Region.objects.filter(level=RegionLevel.DISTRICT, path__startswith=city.path)
        )
        _edit(office, campaign, promotion, people, districts, rng, today)
        _per_district(office, campaign, monthly, people, districts, rng, today)
    # Progress, moves and letters each in their own transactions (as they happen in life).
    _progress(office, campaign, rng, today)
    _letters(office, campaign, rng, today)
    n = Task.objects.filter(campaign=campaign).count()
    _say(stdout, f"plans: {n} tasks, letters made ({time.monotonic() - started:.1f} s).")


def reset(*, stdout=None) -> None:
    """Remove the demo campaigns (tasks, plans, letters) and their files."""
    from .models import ProgressAttachment, WorkPlan

    names = [
        *WorkPlan.objects.filter(is_demo=True).values_list("document", flat=True),
        *Letter.objects.filter(is_demo=True).values_list("document", flat=True),
        *Letter.objects.filter(is_demo=True).values_list("signed_scan", flat=True),
        *ProgressAttachment.objects.filter(progress__task__is_demo=True).values_list(
            "name", flat=True
        ),
    ]
    with transaction.atomic():
        Campaign.objects.filter(is_demo=True).delete()
        Person.objects.filter(username__startswith="plans-", is_demo=True).delete()
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)


def _plan_document(campaign) -> SimpleUploadedFile:
    from docx import Document

    doc = Document()
    doc.add_heading("创建全国文明城市推进行动方案", level=0)
    doc.add_paragraph(
        f"为巩固提升创建成果，推动{campaign.region.name}全国文明城市创建工作常态长效，"
        "按照测评体系要求，制定本方案。"
    )
    for heading, text in (
        ("一、总体目标", "测评成绩位居同组别前列，问题整改按时完成率达到95%以上。"),
        ("二、重点任务", "按测评标准分解任务到牵头单位和配合单位，明确责任人和完成时限。"),
        ("三、保障措施", "建立月度调度、督查督办和考核奖惩机制。"),
    ):
        doc.add_heading(heading, level=1)
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return SimpleUploadedFile("推进行动方案.docx", out.getvalue())


def _merge_some(office, campaign) -> None:
    """The office merges drafts of the same unit under the same indicator (three pairs)."""
    seen: dict[tuple, int] = {}
    merged = 0
    drafts = Task.objects.filter(campaign=campaign, is_published=False).select_related(
        "source_standard"
    )
    for task in drafts.order_by("source_standard__code"):
        key = (task.lead_unit_id, task.source_standard.indicator_id)
        if key in seen and merged < 3:
            breakdown.tasks_merge(
                actor=office, campaign=campaign, task_ids=[seen.pop(key), task.pk]
            )
            merged += 1
        else:
            seen[key] = task.pk


def _people_in_charge(campaign) -> dict[int, Person]:
    """A liaison officer per lead unit (the demo logins `urban`, `education` where they exist)."""
    people: dict[int, Person] = {}
    units = Task.objects.filter(campaign=campaign).values_list("lead_unit", flat=True).distinct()
    existing = {
        p.unit_id: p
        for p in Person.objects.filter(role=Role.UNIT_OFFICER, unit_id__in=list(units)).order_by(
            "id"
        )
    }
    from wenming.org.models import Unit

    for unit in Unit.objects.filter(pk__in=list(units)):
        person = existing.get(unit.pk)
        if person is None:
            person = Person.objects.create(
                username=f"plans-{unit.code.lower()}",
                role=Role.UNIT_OFFICER,
                unit=unit,
                display_name=f"{unit.short_name or unit.name} 联络员",
                is_demo=True,
            )
            person.set_unusable_password()
            person.save(update_fields=["password"])
        people[unit.pk] = person
    return people


def _edit(office, campaign, promotion, people, districts, rng, today) -> None:
    """The office edits the published tasks: plan, person in charge, districts, milestones."""
    for task in Task.objects.filter(campaign=campaign).order_by("id"):
        changes = {"plan": promotion}
        if rng.random() < 0.8:
            changes["person_in_charge"] = people.get(task.lead_unit_id)
        if rng.random() < 0.4:
            changes["regions"] = rng.sample(districts, k=min(2, len(districts)))
        # Some deadlines already passed: the tasks that will show as overdue.
        if rng.random() < 0.15:
            changes["deadline"] = today - timedelta(days=rng.randint(5, 40))
        task_services.task_update(actor=office, task=task, **changes)
        deadline = changes.get("deadline", task.deadline)
        middle = task.start + (deadline - task.start) / 2
        task_services.milestone_add(actor=office, task=task, title="阶段性自查", deadline=middle)


def _per_district(office, campaign, monthly, people, districts, rng, today) -> None:
    field = list(
        Standard.objects.filter(
            system=campaign.system, methods__contains="field", lead_unit__isnull=False
        ).order_by("code")[:PER_DISTRICT_STANDARDS]
    )
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    for standard in field:
        for district in districts:
            task_services.task_create(
                actor=office,
                campaign=campaign,
                plan=monthly,
                title=f"{district.name}：{standard.text[:60]}",
                description=f"{monthly.title}：按标准 {standard.code} 开展点位整治。",
                standards=[standard],
                lead_unit=standard.lead_unit,
                regions=[district],
                person_in_charge=people.get(standard.lead_unit_id) if rng.random() < 0.7 else None,
                start=today.replace(day=1),
                deadline=month_end,
                is_demo=True,
            )


def _actor_for(task, office):
    return task.person_in_charge or office


def _progress(office, campaign, rng, today) -> None:
    """Monthly progress since each task started; then some submitted, accepted, returned."""
    tasks = list(Task.objects.filter(campaign=campaign).select_related("person_in_charge"))
    for task in tasks:
        if rng.random() < 0.12:
            continue  # never reported: missing "progress"
        day, percent = task.start + timedelta(days=rng.randint(10, 30)), 0
        while day <= today:
            percent = min(100, percent + rng.randint(10, 35))
            with transaction.atomic():
                task_services.task_progress_report(
                    actor=_actor_for(task, office),
                    task=task.pk,
                    percent=percent,
                    text=rng.choice(PROGRESS_TEXTS),
                    reported_on=day,
                    is_demo=True,
                )
            day += timedelta(days=30)
        task.refresh_from_db()
        if task.person_in_charge_id is None or task.status != Status.IN_PROGRESS:
            continue
        roll = rng.random()
        if task.progress_percent >= 80 and roll < 0.7:
            task_services.task_transition(
                actor=task.person_in_charge, task=task.pk, action=Action.SUBMIT
            )
            if roll < 0.45:
                task_services.task_transition(
                    actor=office, task=task.pk, action=Action.ACCEPT, note="验收合格。"
                )
            elif roll < 0.58:
                task_services.task_transition(
                    actor=office, task=task.pk, action=Action.RETURN, note=rng.choice(RETURNS)
                )


PROGRESS_TEXTS = [
    "已召开专题部署会，明确分工和时间表。",
    "完成辖区点位摸底排查，建立问题清单。",
    "对照测评标准开展自查，整改问题若干处。",
    "组织集中整治行动，持续巩固整治成果。",
    "完成阶段性整改，正在整理佐证材料。",
]
RETURNS = [
    "佐证材料不全，请补充现场照片。",
    "整改效果未达到测评标准要求，请继续整改。",
]


def _letters(office, campaign, rng, today) -> None:
    """Every unit's letter made (as the worker would), about 85 % signed."""
    share = letter_docs.Share(campaign)
    for unit in share.holders(LetterHolder.UNIT):
        letter = letter_docs._keep(
            campaign,
            LetterHolder.UNIT,
            unit,
            letter_docs.letter_docx(share, LetterHolder.UNIT, unit),
        )
        if rng.random() < 0.85:
            letter_sign(
                actor=office,
                letter=letter,
                scan=SimpleUploadedFile(f"{unit.code}-签署.pdf", SCAN),
                signer=f"{unit.short_name or unit.name}主要负责人",
                signed_on=today - timedelta(days=rng.randint(60, 170)),
            )
