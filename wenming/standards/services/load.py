"""A whole system in bulk, all or nothing (the Excel import and the demo)."""

from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.errors import InvalidInput
from wenming.org.models import Unit

from ..models import (
    ChecklistItem,
    Clause,
    EvaluationSystem,
    Indicator,
    Item,
    NegativeEffect,
    NegativeListEntry,
    PointType,
    Standard,
    SystemKind,
    SystemStatus,
)

# Tables of this app refer to each other freely; a reference from any other app is a result.
from . import rules
from .checklists import POINT_TYPE_FIELDS
from .rules import _record, methods_normalise, require_office
from .systems import DEFAULT_THRESHOLD

# --- whole systems in bulk (Excel import, demo) ----------------------------------------------


class ImportRefused(InvalidInput):
    """The workbook (or spec) has problems; `details["errors"]` lists every one of them."""

    code = "import_refused"


def system_load(
    *, spec, actor, is_demo: bool = False, reporter=None, missing_sheets=frozenset(), broken=None
) -> EvaluationSystem:
    """Write a whole system (tree, negative list, point types, checklists, points) or nothing."""
    from ..spec import Reporter, spec_validate

    require_office(actor)
    with transaction.atomic():
        existing = (
            EvaluationSystem.objects.select_for_update().filter(code=spec.system.code).first()
        )
        replacing = (
            existing
            if (
                existing is not None
                and existing.status == SystemStatus.DRAFT
                and not rules.system_references(existing)
            )
            else None
        )
        reporter = reporter or Reporter()
        spec_validate(
            spec, reporter=reporter, replacing=replacing, missing=missing_sheets, broken=broken
        )
        if reporter.problems:
            raise ImportRefused(
                _("The workbook has %(n)s error(s); nothing was imported.")
                % {"n": len(reporter.problems)},
                details={"errors": [p.as_dict() for p in reporter.problems]},
            )
        system = _write_spec(spec, replacing, is_demo=is_demo)
        counts = {
            "items": len(spec.items),
            "indicators": len(spec.indicators),
            "standards": len(spec.standards),
            "negative": len(spec.negative),
            "point_types": len(spec.point_types),
            "checklist": len(spec.checklist),
            "points": len(spec.points),
            "replaced": replacing is not None,
        }
        from wenming.points.services import points_bulk_upsert

        points_bulk_upsert(rows=spec.points, actor=actor, is_demo=is_demo, audit=False)
        _record(system=system, actor=actor, action="system.import", data=counts)
    return system


def _write_spec(spec, replacing: EvaluationSystem | None, *, is_demo: bool) -> EvaluationSystem:
    s = spec.system
    fields = {
        "name": s.name,
        "edition_year": s.edition_year,
        "level": s.level,
        "status": s.status,
        "weight_material": s.weight_material,
        "weight_field": s.weight_field,
        "weight_questionnaire": s.weight_questionnaire,
        "description": s.description,
        "kind": s.kind,
        # A prerequisite's threshold is 85 unless the sheet says otherwise (system_kind_check).
        "threshold": s.threshold
        if s.threshold is not None or s.kind != SystemKind.PREREQUISITE
        else DEFAULT_THRESHOLD,
        "prerequisite": EvaluationSystem.objects.filter(code=s.prerequisite).first()
        if s.prerequisite
        else None,
    }
    if replacing is not None:
        system = replacing
        for model in (ChecklistItem, Standard, Indicator, Item, NegativeListEntry):
            model.objects.filter(system=system).delete()
        for name, value in fields.items():
            setattr(system, name, value)
        system.save()
    else:
        system = EvaluationSystem.objects.create(code=s.code, is_demo=is_demo, **fields)
    _upsert_point_types(spec.point_types, is_demo=is_demo)
    units = dict(Unit.objects.values_list("code", "pk"))
    items = Item.objects.bulk_create(
        [
            Item(system=system, code=i.code, name=i.name, description=i.description, order=n)
            for n, i in enumerate(spec.items, start=1)
        ]
    )
    item_ids = {i.code: i.pk for i in items}
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                system=system,
                item_id=item_ids[i.item_code],
                code=i.code,
                name=i.name,
                description=i.description,
                order=n,
            )
            for n, i in enumerate(spec.indicators, start=1)
        ]
    )
    indicator_ids = {i.code: i.pk for i in indicators}
    standards = Standard.objects.bulk_create(
        [
            Standard(
                system=system,
                indicator_id=indicator_ids[x.indicator_code],
                code=x.code,
                text=x.text,
                points=x.points,
                methods=methods_normalise(x.methods),
                is_hard=x.is_hard,
                lead_unit_id=units.get(x.lead_unit),
                notes=x.notes,
                order=n,
            )
            for n, x in enumerate(spec.standards, start=1)
        ],
        batch_size=500,
    )
    standard_ids = {x.code: x.pk for x in standards}
    through = Standard.co_units.through
    through.objects.bulk_create(
        [
            through(standard_id=standard_ids[x.code], unit_id=units[code])
            for x in spec.standards
            for code in dict.fromkeys(x.co_units)
        ],
        batch_size=1000,
    )
    clause_ids = _write_clauses(spec, system, standard_ids, units)
    entries = NegativeListEntry.objects.bulk_create(
        [
            NegativeListEntry(
                system=system,
                code=e.code,
                text=e.text,
                domain=e.domain,
                is_veto=e.is_veto,
                notes=e.notes,
                order=n,
            )
            for n, e in enumerate(spec.negative, start=1)
        ]
    )
    NegativeEffect.objects.bulk_create(
        [
            NegativeEffect(
                entry=entry,
                grade=f.grade,
                condition=f.condition,
                effect=f.effect,
                deduction=f.deduction,
                order=k,
            )
            for entry, e in zip(entries, spec.negative, strict=True)
            for k, f in enumerate(e.effect_specs(), start=1)
        ]
    )
    type_ids = dict(PointType.objects.values_list("code", "pk"))
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                system=system,
                point_type_id=type_ids[c.point_type_code],
                code=c.code,
                text=c.text,
                standard_id=standard_ids[c.standard_code],
                clause_id=clause_ids.get(c.clause_code),
                observation=c.observation,
                scoring=c.scoring,
                sample_route_m=c.sample_route_m,
                sample_spacing_m=c.sample_spacing_m,
                sample_minutes=c.sample_minutes,
                sample_count=c.sample_count,
                sampling_note=c.sampling_note,
                deduction=c.deduction,
                photo_required=c.photo_required,
                default_category_code=c.default_category_code,
                deadline_days=c.deadline_days,
                order=n,
            )
            for n, c in enumerate(spec.checklist, start=1)
        ],
        batch_size=500,
    )
    return system


def _write_clauses(spec, system, standard_ids: dict, units: dict) -> dict:
    """Every content line's clauses (one per line when the spec names none); {code: pk}."""
    rows = [(x, c) for x in spec.standards for c in x.clause_specs()]
    clauses = Clause.objects.bulk_create(
        [
            Clause(
                system=system,
                standard_id=standard_ids[x.code],
                number=c.number,
                code=f"{x.code}.{c.number}",
                order=c.number,
                text=c.text,
                points=c.points,
                points_material=c.points_material,
                points_field=c.points_field,
                points_questionnaire=c.points_questionnaire,
                lead_unit_id=units.get(c.lead_unit),
                notes=c.notes,
            )
            for x, c in rows
        ],
        batch_size=500,
    )
    through = Clause.co_units.through
    through.objects.bulk_create(
        [
            through(clause_id=clause.pk, unit_id=units[code])
            for clause, (_x, c) in zip(clauses, rows, strict=True)
            for code in dict.fromkeys(c.co_units)
        ],
        batch_size=1000,
    )
    return {clause.code: clause.pk for clause in clauses}


def _upsert_point_types(rows, *, is_demo: bool) -> None:
    existing = {t.code: t for t in PointType.objects.all()}
    new, changed = [], []
    for n, row in enumerate(rows, start=1):
        values = {
            "name": row.name,
            "name_en": row.name_en,
            "group": row.group,
            "sampling_weight": row.sampling_weight,
            "description": row.description,
            "is_active": row.is_active,
            "is_virtual": row.is_virtual,
            "order": n,
        }
        current = existing.get(row.code)
        if current is None:
            new.append(PointType(code=row.code, is_demo=is_demo, **values))
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            changed.append(current)
    PointType.objects.bulk_create(new)
    if changed:
        PointType.objects.bulk_update(changed, POINT_TYPE_FIELDS)


def workbook_import(*, file, actor, progress=None) -> EvaluationSystem:
    """Import a whole workbook: every row checked first, then everything written or nothing."""
    from ..workbook import parse_workbook

    require_office(actor)
    parsed = parse_workbook(file, progress=progress)
    return system_load(
        spec=parsed.spec,
        actor=actor,
        reporter=parsed.reporter,
        missing_sheets=parsed.unusable,
        broken=parsed.broken,
    )
