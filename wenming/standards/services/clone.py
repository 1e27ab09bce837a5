"""Copying an edition's whole tree into a new draft (system_clone), row for row."""

from ..models import (
    ChecklistItem,
    Clause,
    EvaluationSystem,
    Indicator,
    Item,
    NegativeEffect,
    NegativeListEntry,
    Standard,
)


def copy_tree(source: EvaluationSystem, clone: EvaluationSystem) -> dict:
    """Items, indicators, content lines, clauses, negative list and checklists; counts."""
    items = list(Item.objects.filter(system=source))
    new_items = Item.objects.bulk_create(
        [
            Item(system=clone, code=i.code, name=i.name, description=i.description, order=i.order)
            for i in items
        ]
    )
    item_map = {o.pk: n.pk for o, n in zip(items, new_items, strict=True)}
    indicators = list(Indicator.objects.filter(system=source))
    new_indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                system=clone,
                item_id=item_map[i.item_id],
                code=i.code,
                name=i.name,
                description=i.description,
                order=i.order,
            )
            for i in indicators
        ]
    )
    indicator_map = {o.pk: n.pk for o, n in zip(indicators, new_indicators, strict=True)}
    standards = list(Standard.objects.filter(system=source))
    new_standards = Standard.objects.bulk_create(
        [
            Standard(
                system=clone,
                indicator_id=indicator_map[s.indicator_id],
                code=s.code,
                text=s.text,
                points=s.points,
                methods=s.methods,
                is_hard=s.is_hard,
                lead_unit_id=s.lead_unit_id,
                notes=s.notes,
                order=s.order,
            )
            for s in standards
        ]
    )
    standard_map = {o.pk: n.pk for o, n in zip(standards, new_standards, strict=True)}
    through = Standard.co_units.through
    through.objects.bulk_create(
        [
            through(standard_id=standard_map[row.standard_id], unit_id=row.unit_id)
            for row in through.objects.filter(standard__system=source)
        ]
    )
    clause_map = _copy_clauses(source, clone, standard_map)
    _copy_negative(source, clone)
    checklist = ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                system=clone,
                point_type_id=c.point_type_id,
                code=c.code,
                text=c.text,
                standard_id=standard_map[c.standard_id],
                clause_id=clause_map.get(c.clause_id),
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
                order=c.order,
            )
            for c in ChecklistItem.objects.filter(system=source)
        ]
    )
    return {
        "items": len(items),
        "indicators": len(indicators),
        "standards": len(standards),
        "clauses": len(clause_map),
        "checklist": len(checklist),
    }


def _copy_clauses(source, clone, standard_map: dict) -> dict:
    clauses = list(Clause.objects.filter(system=source))
    new_clauses = Clause.objects.bulk_create(
        [
            Clause(
                system=clone,
                standard_id=standard_map[c.standard_id],
                number=c.number,
                code=c.code,
                order=c.order,
                text=c.text,
                points=c.points,
                points_material=c.points_material,
                points_field=c.points_field,
                points_questionnaire=c.points_questionnaire,
                lead_unit_id=c.lead_unit_id,
                notes=c.notes,
            )
            for c in clauses
        ],
        batch_size=500,
    )
    clause_map = {o.pk: n.pk for o, n in zip(clauses, new_clauses, strict=True)}
    through = Clause.co_units.through
    through.objects.bulk_create(
        [
            through(clause_id=clause_map[row.clause_id], unit_id=row.unit_id)
            for row in through.objects.filter(clause__system=source)
        ],
        batch_size=1000,
    )
    return clause_map


def _copy_negative(source, clone) -> None:
    entries = list(NegativeListEntry.objects.filter(system=source))
    new_entries = NegativeListEntry.objects.bulk_create(
        [
            NegativeListEntry(
                system=clone,
                code=e.code,
                text=e.text,
                domain=e.domain,
                is_veto=e.is_veto,
                notes=e.notes,
                order=e.order,
            )
            for e in entries
        ]
    )
    entry_map = {o.pk: n.pk for o, n in zip(entries, new_entries, strict=True)}
    NegativeEffect.objects.bulk_create(
        [
            NegativeEffect(
                entry_id=entry_map[f.entry_id],
                grade=f.grade,
                condition=f.condition,
                effect=f.effect,
                deduction=f.deduction,
                order=f.order,
            )
            for f in NegativeEffect.objects.filter(entry__system=source)
        ]
    )
