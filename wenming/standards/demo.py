"""The demo evaluation systems: the main system in force (7 items, four levels, methods per
clause, a negative list of vetoes and graded effects, 41 point types with their checklists)
and the minors' moral education system as its prerequisite, plus a draft next edition.

Points are allocated so that each method's clauses add up exactly to its weight (40/40/20):
a content line tested by several methods gives each method the same share.
"""

from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.progress import progress

from . import demo_content as content
from .demo_content.sampling import check_form, handbook_form
from .models import EvaluationSystem, PointType, SystemKind, SystemStatus
from .services import system_clone, system_load, system_update
from .spec import (
    ChecklistSpec,
    ClauseSpec,
    EffectSpec,
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
SHARED_SHARE = Decimal("0.30")  # what a multi-method line gives each of its methods
CENT = Decimal("0.01")
ZERO = Decimal("0")
# A multi-method line's clauses: the field check is its own clause; material review and the
# questionnaire may share one ("2) material review, questionnaire").
CLAUSE_TEXT = {
    "material": "制度文件、工作台账和近12个月的图片资料齐全",
    "field": "实地考察：{text}",
    "questionnaire": "问卷调查：市民知晓率、满意度达到要求",
}


def _parse(line: str) -> dict:
    flags, lead, co, text = line.split("|", 3)
    methods = [LETTERS[c] for c in flags if c in LETTERS]
    return {
        "methods": methods,
        "hint": 2 if "+" in flags else 1,
        "lead": lead,
        "co": co.split() if co else [],
        "text": text,
    }


def _allocate(rows: list[dict]) -> None:
    """Set `points` and `share` on every row so each method's shares add up to its weight."""
    budget = dict(WEIGHTS)
    for row in rows:
        if len(row["methods"]) > 1:
            share = SHARED_SHARE * row["hint"]
            row["share"] = share
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
            row["points"] = row["share"] = points


def _clauses(row: dict) -> list[ClauseSpec]:
    """A line's numbered clauses, each with the points of the methods that assess it."""
    methods, share = row["methods"], row["share"]
    if len(methods) == 1:
        groups = [methods]
    else:
        groups = [[m for m in methods if m != "field"], ["field"]] if "field" in methods else []
        groups = [g for g in groups if g] or [methods]
    clauses = []
    for number, group in enumerate(groups, start=1):
        points = {m: (share if m in group else ZERO) for m in WEIGHTS}
        if len(methods) == 1:
            text = row["text"]
        else:
            text = "；".join(CLAUSE_TEXT[m].format(text=row["text"]) for m in group)
        clauses.append(
            ClauseSpec(
                number=number,
                text=text,
                points=sum(points.values(), ZERO),
                points_material=points["material"],
                points_field=points["field"],
                points_questionnaire=points["questionnaire"],
            )
        )
    return clauses


def _tree(spec: WorkbookSpec, items) -> dict[str, StandardSpec]:
    rows = []
    for item_code, item_name, indicators in items:
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
            lead_unit=r["lead"],
            co_units=r["co"],
            clauses=_clauses(r),
        )
        for r in rows
    ]
    return {s.code: s for s in spec.standards}


def _field_clause(standard: StandardSpec) -> str:
    """The clause a field check tests: the line's field clause, else its first."""
    chosen = next((c for c in standard.clauses if c.points_field > 0), standard.clauses[0])
    return f"{standard.code}.{chosen.number}"


def _checklist(spec: WorkbookSpec, lines: dict, type_code: str, checks, *, full: bool) -> None:
    for n, check in enumerate(checks, start=1):
        text, standard, deduction, photo, category, days = check[:6]
        form = handbook_form(*check[6:9]) if full else check_form(type_code, text)
        spec.checklist.append(
            ChecklistSpec(
                code=f"{type_code}-{n:02d}",
                point_type_code=type_code,
                standard_code=standard,
                clause_code=_field_clause(lines[standard]),
                text=text,
                deduction=Decimal(deduction),
                photo_required=photo,
                default_category_code=category,
                deadline_days=days,
                **form,
            )
        )


def _point_types() -> list[PointTypeSpec]:
    rows = [(*row, False) for row in content.POINT_TYPES]
    rows += content.handbook.POINT_TYPES + content.minors.POINT_TYPES
    return [
        PointTypeSpec(
            code=c,
            name=n,
            name_en=en,
            group=g,
            sampling_weight=Decimal(w),
            description=d,
            is_virtual=virtual,
        )
        for c, n, en, g, w, d, virtual in rows
    ]


def build_spec(*, code: str = content.DEMO_SYSTEM_CODE, year: int = 2026) -> WorkbookSpec:
    """The main system: tree, negative list, every point type and the main checklists."""
    spec = WorkbookSpec(
        system=SystemSpec(
            code=code,
            name=f"全国文明城市测评体系（地级市，演示版 {year}）",
            edition_year=year,
            status=SystemStatus.ACTIVE,
            description="Wenming 演示数据：按国家测评体系的结构自拟，非官方文本。",
        )
    )
    lines = _tree(spec, content.ITEMS)
    spec.negative = [
        NegativeSpec(
            code=c,
            text=t,
            domain=domain,
            is_veto=veto,
            effects=[
                EffectSpec(grade, effect, Decimal(d) if d else None, condition)
                for grade, condition, effect, d in effects
            ],
        )
        for c, t, domain, veto, effects in content.NEGATIVE
    ]
    spec.point_types = _point_types()
    for type_code, checks in content.CHECKLISTS.items():
        _checklist(spec, lines, type_code, checks, full=False)
    for type_code, checks in content.handbook.CHECKLISTS.items():
        _checklist(spec, lines, type_code, checks, full=True)
    return spec


def build_minors_spec() -> WorkbookSpec:
    """The minors' moral education system: its own tree and field checks, no negative list."""
    minors = content.minors
    spec = WorkbookSpec(
        system=SystemSpec(
            code=minors.MINORS_CODE,
            name=minors.MINORS_NAME,
            edition_year=2026,
            status=SystemStatus.ACTIVE,
            description="Wenming 演示数据：未成年人思想道德建设测评，单独计分，达到门槛方可参评。",
            kind=SystemKind.PREREQUISITE,
            threshold=Decimal(minors.THRESHOLD),
        )
    )
    lines = _tree(spec, minors.ITEMS)
    for type_code, checks in minors.CHECKLISTS.items():
        _checklist(spec, lines, type_code, checks, full=True)
    return spec


def load(*, scale: str = "small", stdout=None) -> None:
    """The demo systems in force (main and prerequisite), their checklists, a draft next edition."""
    if EvaluationSystem.objects.filter(code=content.DEMO_SYSTEM_CODE).exists():
        return
    with progress(3, _("Demo evaluation system"), unit="steps") as advance, transaction.atomic():
        system = system_load(spec=build_spec(), actor=None, is_demo=True)
        advance(1)
        minors = system_load(spec=build_minors_spec(), actor=None, is_demo=True)
        system = system_update(system=system, actor=None, data={"prerequisite": minors})
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
        # A main system protects its prerequisite: the main editions go first.
        EvaluationSystem.objects.filter(is_demo=True, kind=SystemKind.MAIN).delete()
        EvaluationSystem.objects.filter(is_demo=True).delete()
        PointType.objects.filter(is_demo=True, points__isnull=True).delete()
