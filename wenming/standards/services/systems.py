"""The life of an edition: create, edit, put in force, archive, delete a draft, clone."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, InvalidInput

from ..models import (
    ChecklistItem,
    EvaluationSystem,
    Indicator,
    Item,
    NegativeListEntry,
    Standard,
    StandardsEvent,
    SystemStatus,
)
from ..selectors import method_balance

# Tables of this app refer to each other freely; a reference from any other app is a result.
from .rules import (
    ACTION_LABELS,
    TRANSITIONS,
    _actor_or_none,
    _clean,
    _guard,
    _lock,
    _record,
    _save,
    _update,
    require_office,
)

# --- systems ------------------------------------------------------------------------------


def system_create(
    *,
    code: str,
    name: str,
    edition_year: int,
    level: str = "prefecture",
    weight_material=Decimal("40"),
    weight_field=Decimal("40"),
    weight_questionnaire=Decimal("20"),
    description: str = "",
    actor=None,
    is_demo: bool = False,
) -> EvaluationSystem:
    """Start a new, empty draft edition."""
    require_office(actor)
    system = EvaluationSystem(
        code=code,
        name=name,
        edition_year=edition_year,
        level=level,
        weight_material=weight_material,
        weight_field=weight_field,
        weight_questionnaire=weight_questionnaire,
        description=description,
        is_demo=is_demo,
    )
    _clean(system, exclude=["cloned_from"])
    with transaction.atomic():
        if EvaluationSystem.objects.filter(code=code).exists():
            raise Conflict(
                _("A system with code %(code)s already exists.") % {"code": code},
                code="duplicate_code",
            )
        _save(system)
        _record(system=system, actor=actor, action="system.create", data={"code": code})
    return system


def system_update(*, system: EvaluationSystem, actor, data: dict) -> EvaluationSystem:
    """Change a system's name, year, description or (when history allows) its weights."""
    return _update(system, system=system, actor=actor, data=data, action="system.update")


def _transition(system: EvaluationSystem, action: str) -> str:
    target = TRANSITIONS.get((system.status, action))
    if target is None:
        allowed = [a for (status, a) in TRANSITIONS if status == system.status]
        raise Conflict(
            _("A system in status %(status)s cannot be %(action)s.")
            % {"status": system.get_status_display(), "action": ACTION_LABELS[action]},
            code="illegal_transition",
            details={"status": system.status, "allowed": allowed},
        )
    return target


def system_activate(*, system: EvaluationSystem, actor) -> EvaluationSystem:
    """Put a draft in force; the edition in force for the same level is archived."""
    require_office(actor)
    with transaction.atomic():
        system = _lock(system)
        new_status = _transition(system, "activate")
        if not Standard.objects.filter(system=system).exists():
            raise InvalidInput(_("A system without standards cannot be activated."))
        off = [row for row in method_balance(system=system) if not row["ok"]]
        if off:
            raise InvalidInput(
                "; ".join(
                    _("%(method)s standards add up to %(points)s points, not %(weight)s")
                    % {"method": row["label"], "points": row["points"], "weight": row["weight"]}
                    for row in off
                ),
                code="unbalanced",
                details={"methods": [r["method"] for r in off]},
            )
        previous = list(
            EvaluationSystem.objects.select_for_update()
            .filter(status=SystemStatus.ACTIVE, level=system.level)
            .exclude(pk=system.pk)
        )
        for old in previous:
            old.status = SystemStatus.ARCHIVED
            old.save(update_fields=["status", "updated_at"])
            _record(
                system=old, actor=actor, action="system.archive", data={"replaced_by": system.code}
            )
        system.status = new_status
        system.save(update_fields=["status", "updated_at"])
        _record(
            system=system,
            actor=actor,
            action="system.activate",
            data={"archived": [old.code for old in previous]},
        )
    return system


def system_archive(*, system: EvaluationSystem, actor) -> EvaluationSystem:
    """Retire the edition in force (it stays readable for the results that refer to it)."""
    require_office(actor)
    with transaction.atomic():
        system = _lock(system)
        system.status = _transition(system, "archive")
        system.save(update_fields=["status", "updated_at"])
        _record(system=system, actor=actor, action="system.archive")
    return system


def system_delete(*, system: EvaluationSystem, actor) -> None:
    """Throw away a draft nobody refers to."""
    require_office(actor)
    with transaction.atomic():
        system = _lock(system)
        if system.status != SystemStatus.DRAFT:
            raise Conflict(
                _("Only a draft can be deleted; archive an edition instead."), code="not_draft"
            )
        _guard(system, destructive=True)
        code = system.code
        system.delete()
        StandardsEvent.objects.create(
            system=None,
            actor=_actor_or_none(actor),
            action="system.delete",
            target_type="system",
            target_code=code,
        )
        audit_record(action="standards.system.delete", actor=actor, data={"code": code})


def system_clone(
    *, system: EvaluationSystem, actor, code: str, name: str, edition_year: int
) -> EvaluationSystem:
    """Copy a system's whole tree, negative list and checklists into a new draft edition."""
    require_office(actor)
    with transaction.atomic():
        source = _lock(system)
        clone = system_create(
            code=code,
            name=name,
            edition_year=edition_year,
            level=source.level,
            weight_material=source.weight_material,
            weight_field=source.weight_field,
            weight_questionnaire=source.weight_questionnaire,
            description=source.description,
            actor=actor,
            is_demo=source.is_demo,
        )
        clone.cloned_from = source
        clone.save(update_fields=["cloned_from"])
        counts = _copy_tree(source, clone)
        _record(
            system=clone, actor=actor, action="system.clone", data={"from": source.code, **counts}
        )
    return clone


def _copy_tree(source: EvaluationSystem, clone: EvaluationSystem) -> dict:
    items = list(Item.objects.filter(system=source))
    item_map = {}
    new_items = [
        Item(system=clone, code=i.code, name=i.name, description=i.description, order=i.order)
        for i in items
    ]
    for old, new in zip(items, Item.objects.bulk_create(new_items), strict=True):
        item_map[old.pk] = new.pk
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
    NegativeListEntry.objects.bulk_create(
        [
            NegativeListEntry(
                system=clone,
                code=e.code,
                text=e.text,
                penalty=e.penalty,
                deduction=e.deduction,
                notes=e.notes,
                order=e.order,
            )
            for e in NegativeListEntry.objects.filter(system=source)
        ]
    )
    checklist = ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                system=clone,
                point_type_id=c.point_type_id,
                code=c.code,
                text=c.text,
                standard_id=standard_map[c.standard_id],
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
        "checklist": len(checklist),
    }
