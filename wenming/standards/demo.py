"""The demo evaluation system: 7 items, 34 indicators, 127 standards, 22 point types, 161 checks.

Points are allocated so that each method's standards add up exactly to its weight (40/40/20):
a standard tested by several methods shares its points equally among them.
"""

from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.progress import progress

from . import demo_content as content
from .models import EvaluationSystem, PointType, SystemStatus
from .services import system_clone, system_load
from .spec import (
    ChecklistSpec,
    IndicatorSpec,
    ItemSpec,
    NegativeSpec,
    PointTypeSpec,
    StandardSpec,
    SystemSpec,
    WorkbookSpec,
)

LETTERS = {"M": "material", "F": "field", "Q": "questionnaire"}
WEIGHTS = {"material": Decimal("40"), "field": Decimal("40"), "questionnaire": Decimal("20")}
SHARED_SHARE = Decimal("0.30")  # what a multi-method standard gives each of its methods
CENT = Decimal("0.01")


def _parse(line: str) -> dict:
    flags, lead, co, text = line.split("|", 3)
    methods = [LETTERS[c] for c in flags if c in LETTERS]
    return {
        "methods": methods,
        "hard": "!" in flags,
        "hint": 2 if "+" in flags else 1,
        "lead": lead,
        "co": co.split() if co else [],
        "text": text,
    }


def _allocate(rows: list[dict]) -> None:
    """Set `points` on every row so each method's shares add up to its weight exactly."""
    budget = dict(WEIGHTS)
    for row in rows:
        if len(row["methods"]) > 1:
            share = SHARED_SHARE * row["hint"]
            row["points"] = share * len(row["methods"])
            for method in row["methods"]:
                budget[method] -= share
    for method, total in budget.items():
        singles = [r for r in rows if r["methods"] == [method]]
        hints = sum(r["hint"] for r in singles)
        exact = [total * r["hint"] / hints for r in singles]
        floors = [x.quantize(CENT, rounding=ROUND_DOWN) for x in exact]
        spare = int((total - sum(floors)) / CENT)
        # Largest remainder: the cents left over go to the rows rounded down the most.
        order = sorted(range(len(singles)), key=lambda i: exact[i] - floors[i], reverse=True)
        for i in order[:spare]:
            floors[i] += CENT
        for row, points in zip(singles, floors, strict=True):
            row["points"] = points


def build_spec(*, code: str = content.DEMO_SYSTEM_CODE, year: int = 2026) -> WorkbookSpec:
    spec = WorkbookSpec(
        system=SystemSpec(
            code=code,
            name=f"全国文明城市测评体系（地级市，演示版 {year}）",
            edition_year=year,
            status=SystemStatus.ACTIVE,
            description="Wenming 演示数据：按国家测评体系的结构自拟，非官方文本。",
        )
    )
    rows = []
    for item_code, item_name, indicators in content.ITEMS:
        spec.items.append(ItemSpec(code=item_code, name=item_name))
        for indicator_code, indicator_name, lines in indicators:
            spec.indicators.append(
                IndicatorSpec(code=indicator_code, item_code=item_code, name=indicator_name)
            )
            for n, line in enumerate(lines, start=1):
                row = _parse(line)
                row["code"], row["indicator"] = f"{indicator_code}.{n}", indicator_code
                rows.append(row)
    _allocate(rows)
    spec.standards = [
        StandardSpec(
            code=r["code"],
            indicator_code=r["indicator"],
            text=r["text"],
            points=r["points"],
            methods=r["methods"],
            is_hard=r["hard"],
            lead_unit=r["lead"],
            co_units=r["co"],
        )
        for r in rows
    ]
    spec.negative = [
        NegativeSpec(code=c, text=t, penalty=p, deduction=Decimal(d) if d else None)
        for c, t, p, d in content.NEGATIVE
    ]
    spec.point_types = [
        PointTypeSpec(
            code=c, name=n, name_en=en, group=g, sampling_weight=Decimal(w), description=d
        )
        for c, n, en, g, w, d in content.POINT_TYPES
    ]
    for type_code, checks in content.CHECKLISTS.items():
        for n, (text, standard, deduction, photo, category, days) in enumerate(checks, start=1):
            spec.checklist.append(
                ChecklistSpec(
                    code=f"{type_code}-{n:02d}",
                    point_type_code=type_code,
                    standard_code=standard,
                    text=text,
                    deduction=Decimal(deduction),
                    photo_required=photo,
                    default_category_code=category,
                    deadline_days=days,
                )
            )
    return spec


def load(*, scale: str = "small", stdout=None) -> None:
    """The demo system in force, its point types and checklists, and a draft next edition."""
    if EvaluationSystem.objects.filter(code=content.DEMO_SYSTEM_CODE).exists():
        return
    with progress(2, _("Demo evaluation system"), unit="steps") as advance, transaction.atomic():
        system = system_load(spec=build_spec(), actor=None, is_demo=True)
        advance(1)
        system_clone(
            system=system,
            actor=None,
            code=content.DEMO_NEXT_CODE,
            name="全国文明城市测评体系（地级市，演示版 2027 草案）",
            edition_year=2027,
        )
        advance(1)


def reset(*, stdout=None) -> None:
    """Remove the demo systems and point types (points and problems go first)."""
    with transaction.atomic():
        EvaluationSystem.objects.filter(is_demo=True).delete()
        PointType.objects.filter(is_demo=True, points__isnull=True).delete()
