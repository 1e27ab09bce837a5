"""Demo creation registry: seven types with small schemes, several hundred entries of each over
the demo regions, a year's cycle at every stage, warnings and a revocation, and coverage
targets some counties fall short of.

- Types and schemes, targets and the county edition of Wafangdian's own campaign are written
  through the services (`type_save`, `target_set`, `schemes.scheme_build`).
- The registry's history (entries and their past honours) goes in by bulk inserts with a
  progress bar: each past honour is an approved application with its approval event.
- This year's cycle is driven through the services (`application_create`,
  `application_transition`): applications waiting for the district, for the office, in their
  public notice (one with an open objection), approved, re-checked, warned, revoked, refused
  and withdrawn, so every step has its event and audit entry.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from wenming.core.progress import progress
from wenming.org.models import Person, Region, RegionKind, RegionLevel, Unit
from wenming.org.roles import Role

from . import services
from .models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    CoverageTarget,
    CreationType,
    EntityKind,
    Entry,
    EntryStatus,
    HonourLevel,
)
from .schemes import scheme_build

SEED = 20261202
SIZES = {"small": 300, "city": 800, "city-year": 1500}

# (code, name, English, entity kind, region kinds, criteria)
TYPES = [
    (
        "UNIT",
        "文明单位",
        "Civilized unit",
        EntityKind.UNIT,
        "",
        [
            ("组织领导", 20),
            ("思想道德建设", 25),
            ("诚信建设", 20),
            ("志愿服务", 15),
            ("环境秩序", 20),
        ],
    ),
    (
        "VILLAGE",
        "文明村",
        "Civilized village",
        EntityKind.REGION,
        "village",
        [("组织领导", 20), ("乡风文明", 30), ("村容村貌", 30), ("移风易俗", 20)],
    ),
    (
        "TOWN",
        "文明乡镇",
        "Civilized town",
        EntityKind.REGION,
        "town,street",
        [("组织领导", 25), ("公共服务", 25), ("人居环境", 25), ("社会治理", 25)],
    ),
    (
        "CAMPUS",
        "文明校园",
        "Civilized campus",
        EntityKind.CAMPUS,
        "",
        [("领导班子", 20), ("思想道德", 30), ("教师队伍", 20), ("校园文化", 15), ("优美环境", 15)],
    ),
    (
        "FAMILY",
        "文明家庭",
        "Civilized family",
        EntityKind.FAMILY,
        "",
        [("爱国守法", 25), ("家风良好", 25), ("邻里和睦", 25), ("热心公益", 25)],
    ),
    (
        "WINDOW",
        "文明服务窗口",
        "Civilized service window",
        EntityKind.WINDOW,
        "",
        [("服务规范", 40), ("便民高效", 30), ("环境整洁", 30)],
    ),
    (
        "PACESETTER",
        "诚信服务标兵",
        "Honest-service pacesetter",
        EntityKind.PERSON,
        "",
        [("诚实守信", 40), ("服务质量", 30), ("群众评价", 30)],
    ),
]
# Share of each county's villages honoured at county level or above (the city's target is
# more than half): some counties are short of it, by design.
VILLAGE_SHARE = {"210214": 0.66, "210224": 0.34, "210281": 0.56, "210283": 0.41}
OWN_CAMPAIGN = "210281"  # 瓦房店市 runs its own campaign with the county edition
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ["建国", "秀英", "丽华", "志强", "海燕", "国庆", "玉兰", "明", "静", "伟", "磊", "红梅"]
ORGS = [
    "派出所",
    "卫生院",
    "税务所",
    "供电所",
    "邮政支局",
    "社区卫生服务中心",
    "市场监管所",
    "司法所",
    "文化站",
    "财政所",
    "农商银行支行",
    "燃气营业厅",
]
SCHOOLS = ["小学", "中学", "实验小学", "幼儿园", "职业学校"]
WINDOWS = ["政务服务中心", "便民服务中心", "社保窗口", "不动产登记窗口", "车管所窗口", "医保窗口"]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def load(*, scale: str = "small", stdout=None, seed: int = SEED) -> None:
    """Load the demo registry (skipped when it exists, or without the demo city)."""
    if CreationType.objects.filter(is_demo=True).exists():
        _say(stdout, "Demo creation registry already exists.")
        return
    office = Person.objects.filter(username="office").first()
    city = Region.objects.filter(parent__isnull=True, is_demo=True).order_by("path").first()
    if office is None or city is None:
        _say(stdout, "creation: no demo city or office; skipped.")
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    types = _types(office)
    _targets(office, city, types, today)
    reviewers = _reviewers()
    size = SIZES.get(scale, SIZES["small"])
    with transaction.atomic():
        entries = _entries(rng, types, city, size, stdout)
        _history(rng, entries, office, today, stdout)
    _cycle(rng, types, office, reviewers, today, stdout)
    _say(stdout, f"creation: {Entry.objects.filter(is_demo=True).count()} entries.")


def reset(*, stdout=None) -> None:
    """Remove the demo registry (entries, applications, events, targets, types)."""
    with transaction.atomic():
        Application.objects.filter(is_demo=True).delete()
        Entry.objects.filter(is_demo=True).delete()
        CoverageTarget.objects.filter(is_demo=True).delete()
        CreationType.objects.filter(is_demo=True).delete()
        Person.objects.filter(username__startswith="demo-creation-", is_demo=True).delete()


def _types(office) -> dict[str, CreationType]:
    result = {}
    for order, (code, name, name_en, kind, region_kinds, criteria) in enumerate(TYPES):
        system = scheme_build(
            actor=office,
            code=f"CR-{code}-2026",
            name=f"{name}测评细则",
            criteria=criteria,
            is_demo=True,
        )
        result[code] = services.type_save(
            actor=office,
            code=code,
            name=name,
            name_en=name_en,
            entity_kind=kind,
            system=system,
            region_kinds=[k for k in region_kinds.split(",") if k],
            pass_score=85,
            order=order,
            is_demo=True,
            notice_days=7,
            validity_years=3,
        )
    return result


def _targets(office, city, types, today) -> None:
    due = date(today.year + 1, 12, 31)
    for code, share in (
        ("VILLAGE", 50),
        ("TOWN", 50),
        ("UNIT", 40),
        ("CAMPUS", 40),
        ("FAMILY", 20),
        ("WINDOW", 40),
        ("PACESETTER", 20),
    ):
        services.target_set(
            actor=office,
            region=city,
            type=types[code],
            share=share,
            due_on=due,
            note="创建规划期末",
            is_demo=True,
        )
    county_edition = scheme_build(
        actor=office,
        code="CR-VILLAGE-2026-COUNTY",
        name="瓦房店市文明村测评细则（县级版）",
        criteria=TYPES[1][5],
        level="county",
        is_demo=True,
    )
    own = Region.objects.filter(code=OWN_CAMPAIGN).first()
    if own is not None:
        services.target_set(
            actor=office,
            region=own,
            type=types["VILLAGE"],
            share=60,
            due_on=due,
            system=county_edition,
            note="县级市自主创建",
            is_demo=True,
        )


def _reviewers() -> dict[int, Person]:
    """One region officer per county-level region (the demo logins cover two districts)."""
    found = {p.region_id: p for p in Person.objects.filter(role=Role.REGION_OFFICER)}
    for region in Region.objects.filter(level=RegionLevel.DISTRICT, is_demo=True):
        if region.pk in found:
            continue
        person = Person(
            username=f"demo-creation-{region.code}",
            role=Role.REGION_OFFICER,
            region=region,
            display_name=f"{region.name} 文明办",
            is_demo=True,
        )
        person.set_unusable_password()  # officers of the story, not logins
        person.save()
        found[region.pk] = person
    return found


def _district_of(region: Region, districts: dict[str, Region]) -> Region | None:
    codes = region.lineage_codes()
    return districts.get(codes[1]) if len(codes) > 1 else None


def _entries(rng, types, city, size, stdout) -> list[Entry]:
    """Entries of every type, built in memory and inserted in bulk."""
    districts = {r.code: r for r in Region.objects.filter(level=RegionLevel.DISTRICT)}
    streets = list(Region.objects.filter(level=RegionLevel.STREET, is_demo=True))
    communities = list(Region.objects.filter(level=RegionLevel.COMMUNITY, is_demo=True))
    rows: list[Entry] = []

    def add(kind, key, name, region, **extra):
        district = _district_of(region, districts)
        system = kind.system
        if kind.code == "VILLAGE" and district is not None and district.code == OWN_CAMPAIGN:
            system = services.scheme_for(type=kind, district=district)
        rows.append(
            Entry(
                type=kind,
                key=key,
                name=name[:200],
                region=region,
                district=district,
                system=system,
                is_demo=True,
                **extra,
            )
        )

    for region in Region.objects.filter(kind__in=[RegionKind.VILLAGE], is_demo=True):
        add(types["VILLAGE"], f"region:{region.pk}", region.name, region)
    for region in streets:
        add(types["TOWN"], f"region:{region.pk}", region.name, region)
    for unit in Unit.objects.filter(is_active=True):
        add(types["UNIT"], f"unit:{unit.pk}", unit.name, city, unit=unit)
    named = {"UNIT": ORGS, "CAMPUS": SCHOOLS, "WINDOW": WINDOWS}
    for code, suffixes in named.items():
        have = sum(1 for r in rows if r.type.code == code)
        for n in range(size - have):
            street = streets[n % len(streets)]
            suffix = suffixes[(n // len(streets)) % len(suffixes)]
            name = f"{street.name.removesuffix('街道').removesuffix('镇')}{suffix}"
            if n >= len(streets) * len(suffixes):
                name += f"（{n // (len(streets) * len(suffixes)) + 1}）"
            add(types[code], f"name:{street.pk}:{name}", name, street)
    for code, label in (("FAMILY", "家庭"), ("PACESETTER", "")):
        for _n in range(size):
            community = communities[rng.randrange(len(communities))]
            person = f"{SURNAMES[rng.randrange(len(SURNAMES))]}{GIVEN[rng.randrange(len(GIVEN))]}"
            name = f"{person}{label}" if label else f"{person}（{rng.choice(WINDOWS)}）"
            add(types[code], f"name:{community.pk}:{name}", name, community)
    unique = {}
    for row in rows:
        unique.setdefault((row.type.code, row.key), row)
    rows = list(unique.values())
    with progress(len(rows), "Demo creation entries", stream=stdout) as advance:
        for start in range(0, len(rows), 1000):
            Entry.objects.bulk_create(rows[start : start + 1000])
            advance(len(rows[start : start + 1000]))
    return list(Entry.objects.filter(is_demo=True).select_related("type", "district", "region"))


def _history(rng, entries, office, today, stdout) -> None:
    """Past honours: a share of each type honoured in earlier years, as approved applications
    (with their approval events) in bulk; the rest carry a score from an earlier try."""
    levels = [HonourLevel.COUNTY] * 6 + [HonourLevel.MUNICIPAL] * 3 + [HonourLevel.PROVINCIAL]
    apps, touched = [], []
    for entry in entries:
        share = 0.35
        if entry.type.code == "VILLAGE" and entry.district is not None:
            share = VILLAGE_SHARE.get(entry.district.code, 0.35)
        if rng.random() < share:
            year = today.year - rng.choice([1, 1, 2, 3, 4])
            approved = date(year, rng.randint(3, 11), rng.randint(1, 28))
            level = rng.choice(levels)
            entry.status, entry.level = EntryStatus.HONOURED, level
            entry.honoured_since, entry.valid_until = approved, approved.replace(year=year + 3)
            entry.score = Decimal(rng.randint(86, 98))
            if entry.valid_until < today:
                # An expired title the county has not renewed: counts for nothing now.
                entry.valid_until = today + timedelta(days=rng.randint(30, 700))
            apps.append(
                Application(
                    entry=entry,
                    type=entry.type,
                    region=entry.region,
                    district=entry.district,
                    unit=entry.unit,
                    reviewer_region=entry.district or entry.region,
                    system=entry.system,
                    year=year,
                    level=level,
                    status=ApplicationStatus.APPROVED,
                    applicant=office,
                    self_score=entry.score + 2,
                    region_score=entry.score + 1,
                    office_score=entry.score,
                    approved_on=approved,
                    valid_until=entry.valid_until,
                    submitted_at=timezone.now(),
                    is_demo=True,
                )
            )
        else:
            entry.score = Decimal(rng.randint(55, 88)) if rng.random() < 0.6 else None
        touched.append(entry)
    with progress(len(touched) + len(apps), "Demo creation history", stream=stdout) as advance:
        Entry.objects.bulk_update(
            touched, ["status", "level", "honoured_since", "valid_until", "score"], batch_size=1000
        )
        advance(len(touched))
        for start in range(0, len(apps), 1000):
            chunk = Application.objects.bulk_create(apps[start : start + 1000])
            ApplicationEvent.objects.bulk_create(
                ApplicationEvent(
                    application=a,
                    actor=office,
                    action="approve",
                    from_status=ApplicationStatus.NOTICE,
                    to_status=ApplicationStatus.APPROVED,
                    note="历年命名",
                    data={"demo": True},
                )
                for a in chunk
            )
            advance(len(chunk))


# This year's cycle, per type: how many applications stop at each stage.
STAGES = [
    ("submitted", 4),
    ("region_passed", 3),
    ("notice", 2),
    ("objection", 1),
    ("approved", 2),
    ("rejected", 1),
    ("withdrawn", 1),
]


def _cycle(rng, types, office, reviewers, today, stdout) -> None:
    """This year's applications, driven through the services so every step is an event."""
    year = today.year
    later = timezone.now() + timedelta(days=10)  # approvals after the notice has run
    plan = []
    for kind in types.values():
        # Zhongshan first, so the demo district officer has reviews waiting.
        pool = list(
            Entry.objects.filter(type=kind, is_demo=True, status=EntryStatus.NONE)
            .exclude(district__isnull=True)
            .order_by(
                "-district__code" if kind.code in ("VILLAGE", "TOWN") else "district__code", "id"
            )
        )
        zhongshan = [e for e in pool if e.district.code == "210202"]
        others = [e for e in pool if e.district.code != "210202"]
        rng.shuffle(others)
        chosen = zhongshan[:3] + others
        n = 0
        for stage, count in STAGES:
            for _i in range(count):
                if n < len(chosen):
                    plan.append((chosen[n], stage))
                    n += 1
    criteria = {}
    with progress(len(plan) + 3, "Demo creation cycle", stream=stdout) as advance:
        for entry, stage in plan:
            reviewer = reviewers.get(entry.district_id)
            if reviewer is None:
                continue
            if entry.system_id not in criteria:
                criteria[entry.system_id] = list(entry.system.standards.all())
            lines = [
                {
                    "criterion": s.code,
                    "points": str(
                        (s.points * Decimal(rng.randint(80, 98)) / 100).quantize(Decimal("0.1"))
                    ),
                }
                for s in criteria[entry.system_id]
            ]
            app = services.application_create(
                actor=reviewer,
                entry=entry,
                year=year,
                level=HonourLevel.COUNTY,
                self_assessment=lines,
                statement="按照测评细则逐项自评",
                is_demo=True,
            )
            _drive(app, stage, reviewer, office, rng, later)
            advance(1)
        _dynamic(office, reviewers, later)
        advance(3)


def _drive(app, stage, reviewer, office, rng, later) -> None:
    step = services.application_transition
    if stage == "submitted":
        return
    if stage == "withdrawn":
        step(actor=reviewer, application=app, action="withdraw", note="材料不全，明年再报")
        return
    app = step(
        actor=reviewer,
        application=app,
        action="region_pass",
        score=app.self_score - rng.randint(1, 5),
        note="经实地复核，同意推荐",
    )
    if stage == "region_passed":
        return
    if stage == "rejected":
        step(actor=office, application=app, action="office_reject", note="得分未达到命名标准")
        return
    app = step(
        actor=office,
        application=app,
        action="office_pass",
        score=app.region_score - 1,
        note="同意进入公示",
    )
    if stage == "objection":
        step(
            actor=office,
            application=app,
            action="object",
            note="群众反映存在违规搭建",
            source="公示期来电",
        )
        return
    if stage == "approved":
        step(actor=office, application=app, action="approve", note="公示期满无异议", at=later)


def _dynamic(office, reviewers, later) -> None:
    """Dynamic management of past honours: a re-check, two warnings and a revocation."""
    step = services.application_transition
    held = list(
        Application.objects.filter(
            is_demo=True, status=ApplicationStatus.APPROVED, year__lt=later.year
        )
        .select_related("type")
        .order_by("type__order", "id")
    )
    by_type = {}
    for app in held:
        by_type.setdefault(app.type.code, []).append(app)
    villages = by_type.get("VILLAGE", [])
    units = by_type.get("UNIT", [])
    if villages:
        step(actor=office, application=villages[0], action="recheck", note="年度复查合格")
    for app in villages[1:2] + units[:1]:
        step(actor=office, application=app, action="warn", note="年度复查发现问题，限期整改")
    if len(villages) > 2:
        step(actor=office, application=villages[2], action="warn", note="发生负面清单事件")
        step(actor=office, application=villages[2], action="revoke", note="整改不到位，撤销称号")
