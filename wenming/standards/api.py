"""Evaluation-system endpoints of the JSON API (thin: parse, call a selector, shape)."""

from ninja import Router, Schema

from . import selectors

router = Router(tags=["standards"])


class SystemOut(Schema):
    code: str
    name: str
    edition_year: int
    level: str
    status: str
    weight_material: float
    weight_field: float
    weight_questionnaire: float


class StandardOut(Schema):
    id: int
    code: str
    text: str
    points: float
    methods: list[str]
    is_hard: bool
    lead_unit: str | None
    co_units: list[str]
    notes: str


class IndicatorOut(Schema):
    code: str
    name: str
    standards: list[StandardOut]


class ItemOut(Schema):
    code: str
    name: str
    indicators: list[IndicatorOut]


class NegativeOut(Schema):
    code: str
    text: str
    penalty: str
    deduction: float | None


class MethodTotalOut(Schema):
    method: str
    points: float
    weight: float


class TreeOut(Schema):
    system: SystemOut
    totals: list[MethodTotalOut]
    items: list[ItemOut]
    negative_list: list[NegativeOut]


class ChecklistItemOut(Schema):
    id: int
    code: str
    text: str
    standard: str
    deduction: float
    photo_required: bool
    default_category_code: str
    deadline_days: int


class PointTypeOut(Schema):
    code: str
    name: str
    name_en: str
    group: str
    sampling_weight: float
    description: str
    is_active: bool
    checklist: list[ChecklistItemOut]


def _system_out(system) -> dict:
    return {
        "code": system.code,
        "name": system.name,
        "edition_year": system.edition_year,
        "level": system.level,
        "status": system.status,
        "weight_material": system.weight_material,
        "weight_field": system.weight_field,
        "weight_questionnaire": system.weight_questionnaire,
    }


def _standard_out(s) -> dict:
    return {
        "id": s.pk,
        "code": s.code,
        "text": s.text,
        "points": s.points,
        "methods": s.method_list,
        "is_hard": s.is_hard,
        "lead_unit": s.lead_unit.code if s.lead_unit_id else None,
        "co_units": sorted(u.code for u in s.co_units.all()),
        "notes": s.notes,
    }


def _checklist_out(c) -> dict:
    return {
        "id": c.pk,
        "code": c.code,
        "text": c.text,
        "standard": c.standard.code,
        "deduction": c.deduction,
        "photo_required": c.photo_required,
        "default_category_code": c.default_category_code,
        "deadline_days": c.deadline_days,
    }


@router.get(
    "/evaluation-systems", response=list[SystemOut], summary="Evaluation systems the caller may see"
)
def list_systems(request):
    return [_system_out(s) for s in selectors.systems_visible(actor=request.auth)]


@router.get(
    "/standards",
    response=TreeOut,
    summary="One evaluation system as a tree (the one in force when no code is given)",
)
def standards_tree(request, system: str | None = None):
    actor = request.auth
    chosen = selectors.system_resolve(actor=actor, code=system)
    items = selectors.system_tree(actor=actor, system=chosen)
    return {
        "system": _system_out(chosen),
        "totals": [
            {"method": r["method"], "points": r["points"], "weight": r["weight"]}
            for r in selectors.method_balance(system=chosen)
        ],
        "items": [
            {
                "code": i.code,
                "name": i.name,
                "indicators": [
                    {
                        "code": d.code,
                        "name": d.name,
                        "standards": [_standard_out(s) for s in d.standards.all()],
                    }
                    for d in i.indicators.all()
                ],
            }
            for i in items
        ],
        "negative_list": [
            {"code": e.code, "text": e.text, "penalty": e.penalty, "deduction": e.deduction}
            for e in selectors.negative_list(actor=actor, system=chosen)
        ],
    }


@router.get(
    "/point-types",
    response=list[PointTypeOut],
    summary="Point types with their checklist items in one evaluation system",
)
def point_types(request, system: str | None = None):
    actor = request.auth
    chosen = selectors.system_resolve(actor=actor, code=system)
    return [
        {
            "code": t.code,
            "name": t.name,
            "name_en": t.name_en,
            "group": t.group,
            "sampling_weight": t.sampling_weight,
            "description": t.description,
            "is_active": t.is_active,
            "checklist": [_checklist_out(c) for c in t.checklist],
        }
        for t in selectors.point_types_with_checklists(actor=actor, system=chosen)
    ]


@router.get("/checklist-items/{item_id}", response=ChecklistItemOut, summary="One checklist item")
def checklist_item(request, item_id: int):
    return _checklist_out(selectors.checklist_item_get(actor=request.auth, pk=item_id))
