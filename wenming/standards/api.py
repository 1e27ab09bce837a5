"""Evaluation-system endpoints of the JSON API (thin: parse, call a selector, shape)."""

from decimal import Decimal

from ninja import Router, Schema
from pydantic import Field

from . import selectors, services
from .models import METHOD_ORDER

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
    kind: str
    threshold: float | None
    prerequisite: str | None  # the prerequisite system's code (a main system's)


class MethodPointsOut(Schema):
    material: float
    field: float
    questionnaire: float


class ClauseOut(Schema):
    id: int
    level: str  # "clause": level IV, a numbered standard clause
    code: str
    number: int
    text: str
    points: float
    methods: list[str]
    method_points: MethodPointsOut
    # Its own owners (null/empty: the content line's) and the owners that apply.
    lead_unit: str | None
    co_units: list[str]
    effective_lead_unit: str | None
    effective_co_units: list[str]
    notes: str


class StandardOut(Schema):
    """A content line (测评内容, level III); its points and methods are its clauses' together."""

    id: int
    level: str  # "content"
    code: str
    text: str
    points: float
    methods: list[str]
    is_hard: bool
    lead_unit: str | None
    co_units: list[str]
    notes: str
    clauses: list[ClauseOut]


class IndicatorOut(Schema):
    level: str  # "indicator"
    code: str
    name: str
    standards: list[StandardOut]


class ItemOut(Schema):
    level: str  # "item"
    code: str
    name: str
    indicators: list[IndicatorOut]


class EffectOut(Schema):
    grade: int
    condition: str
    effect: str
    deduction: float | None


class NegativeOut(Schema):
    code: str
    text: str
    # The mildest effect, as the single penalty was before effects were graded.
    penalty: str
    deduction: float | None
    domain: str
    is_veto: bool
    effects: list[EffectOut]


class MethodTotalOut(Schema):
    method: str
    points: float
    weight: float


class TreeOut(Schema):
    system: SystemOut
    totals: list[MethodTotalOut]
    items: list[ItemOut]
    negative_list: list[NegativeOut]


class SamplingOut(Schema):
    route_m: int | None
    spacing_m: int | None
    minutes: int | None
    count: int | None
    note: str


class ChecklistItemOut(Schema):
    id: int
    code: str
    text: str
    standard: str
    deduction: float
    photo_required: bool
    default_category_code: str
    deadline_days: int
    clause: str | None
    observation: str
    scoring: str
    sampling: SamplingOut | None  # None: the form has no sampling rule for this check


class PointTypeOut(Schema):
    code: str
    name: str
    name_en: str
    group: str
    sampling_weight: float
    description: str
    is_active: bool
    is_virtual: bool
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
        "kind": system.kind,
        "threshold": system.threshold,
        "prerequisite": system.prerequisite.code if system.prerequisite_id else None,
    }


def _clause_out(c, line_lead: str | None, line_co: list[str]) -> dict:
    own_co = sorted(u.code for u in c.co_units.all())
    own_lead = c.lead_unit.code if c.lead_unit_id else None
    return {
        "id": c.pk,
        "level": "clause",
        "code": c.code,
        "number": c.number,
        "text": c.text,
        "points": c.points,
        "methods": c.method_list,
        "method_points": {m: c.method_points(m) for m in METHOD_ORDER},
        "lead_unit": own_lead,
        "co_units": own_co,
        "effective_lead_unit": own_lead or line_lead,
        "effective_co_units": own_co or line_co,
        "notes": c.notes,
    }


def _standard_out(s) -> dict:
    lead = s.lead_unit.code if s.lead_unit_id else None
    co = sorted(u.code for u in s.co_units.all())
    return {
        "id": s.pk,
        "level": "content",
        "code": s.code,
        "text": s.text,
        "points": s.points,
        "methods": s.method_list,
        "is_hard": s.is_hard,
        "lead_unit": lead,
        "co_units": co,
        "notes": s.notes,
        "clauses": [_clause_out(c, lead, co) for c in s.clauses.all()],
    }


def _negative_out(e) -> dict:
    effects = list(e.effects.all())
    mildest = effects[0] if effects else None
    return {
        "code": e.code,
        "text": e.text,
        "penalty": mildest.effect if mildest else "",
        "deduction": mildest.deduction if mildest else None,
        "domain": e.domain,
        "is_veto": e.is_veto,
        "effects": [
            {
                "grade": f.grade,
                "condition": f.condition,
                "effect": f.effect,
                "deduction": f.deduction,
            }
            for f in effects
        ],
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
        "clause": c.clause.code if c.clause_id else None,
        "observation": c.observation,
        "scoring": c.scoring,
        "sampling": _sampling_out(c),
    }


def _sampling_out(c) -> dict | None:
    rule = {
        "route_m": c.sample_route_m,
        "spacing_m": c.sample_spacing_m,
        "minutes": c.sample_minutes,
        "count": c.sample_count,
        "note": c.sampling_note,
    }
    return rule if any(rule.values()) else None


@router.get(
    "/evaluation-systems", response=list[SystemOut], summary="Evaluation systems the caller may see"
)
def list_systems(request):
    return [_system_out(s) for s in selectors.systems_visible(actor=request.auth)]


class SystemPatchIn(Schema):
    # A plain number: a threshold outside 0–100 is the service's 400 with a readable message.
    threshold: float | None = None
    prerequisite: str | None = Field(
        None, description="code of a prerequisite system; an empty string clears it"
    )


@router.patch(
    "/evaluation-systems/{code}",
    response=SystemOut,
    summary="Change a system's threshold or its prerequisite system (the office)",
)
def patch_system(request, code: str, body: SystemPatchIn):
    actor = request.auth
    system = selectors.system_get(actor=actor, code=code)
    data = {}
    sent = body.model_fields_set
    if "threshold" in sent:
        data["threshold"] = None if body.threshold is None else Decimal(str(body.threshold))
    if "prerequisite" in sent:
        data["prerequisite"] = (
            selectors.system_get(actor=actor, code=body.prerequisite) if body.prerequisite else None
        )
    return _system_out(services.system_update(system=system, actor=actor, data=data))


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
                "level": "item",
                "code": i.code,
                "name": i.name,
                "indicators": [
                    {
                        "level": "indicator",
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
            _negative_out(e) for e in selectors.negative_list(actor=actor, system=chosen)
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
            "is_virtual": t.is_virtual,
            "checklist": [_checklist_out(c) for c in t.checklist],
        }
        for t in selectors.point_types_with_checklists(actor=actor, system=chosen)
    ]


@router.get(
    "/negative-list",
    response=list[NegativeOut],
    summary="The negative list of one evaluation system, with domains, vetoes and graded effects",
)
def negative_list(request, system: str | None = None):
    actor = request.auth
    chosen = selectors.system_resolve(actor=actor, code=system)
    return [_negative_out(e) for e in selectors.negative_list(actor=actor, system=chosen)]


@router.get("/checklist-items/{item_id}", response=ChecklistItemOut, summary="One checklist item")
def checklist_item(request, item_id: int):
    return _checklist_out(selectors.checklist_item_get(actor=request.auth, pk=item_id))
