"""Point types (shared by every edition) and the checklist items of one edition."""

from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, InvalidInput, refuse_other_fields

from ..models import (
    ChecklistItem,
    EvaluationSystem,
    PointType,
    Standard,
    StandardsEvent,
)

# Tables of this app refer to each other freely; a reference from any other app is a result.
from .rules import (
    _actor_or_none,
    _clean,
    _delete,
    _plain,
    _record,
    _save,
    _update,
    require_office,
)
from .tree import _create, _next_order

# --- point types and checklists -------------------------------------------------------------


def point_type_create(
    *,
    code: str,
    name: str,
    group: str,
    name_en: str = "",
    sampling_weight=Decimal("1"),
    description: str = "",
    actor,
) -> PointType:
    """Register a point type (shared by every edition)."""
    require_office(actor)
    point_type = PointType(
        code=code,
        name=name,
        name_en=name_en,
        group=group,
        sampling_weight=Decimal(str(sampling_weight)),
        description=description,
        order=_next_order(PointType),
    )
    _clean(point_type, exclude=["code"] if PointType.objects.filter(code=code).exists() else None)
    with transaction.atomic():
        if PointType.objects.filter(code=code).exists():
            raise Conflict(
                _("A point type with code %(code)s already exists.") % {"code": code},
                code="duplicate_code",
            )
        _save(point_type)
        _record(
            system=None,
            actor=actor,
            action="point_type.create",
            target=point_type,
            data={"code": code},
        )
    return point_type


# What an edit (and the workbook loader, services/load.py) may change on a point type.
POINT_TYPE_FIELDS = (
    "name",
    "name_en",
    "group",
    "sampling_weight",
    "description",
    "is_active",
    "order",
)


def point_type_update(*, point_type: PointType, actor, data: dict) -> PointType:
    """Rename a point type, regroup it, change its sampling weight or retire it (never its code)."""
    require_office(actor)
    refuse_other_fields(data, POINT_TYPE_FIELDS)
    with transaction.atomic():
        point_type = PointType.objects.select_for_update().get(pk=point_type.pk)
        changes = {}
        for name, value in data.items():
            old = getattr(point_type, name)
            if isinstance(old, Decimal):
                value = Decimal(str(value))
            if old != value:
                changes[name] = [_plain(old), _plain(value)]
                setattr(point_type, name, value)
        if changes:
            _clean(point_type, exclude=["code"])
            point_type.save()
            _record(
                system=None,
                actor=actor,
                action="point_type.update",
                target=point_type,
                data={"changes": changes},
            )
    return point_type


def point_type_delete(*, point_type: PointType, actor) -> None:
    """Delete a point type no point and no checklist item uses."""
    require_office(actor)
    with transaction.atomic():
        code = point_type.code
        try:
            PointType.objects.filter(pk=point_type.pk).delete()
        except ProtectedError as exc:
            raise Conflict(
                _("Points or checklist items still use %(code)s; retire it instead.")
                % {"code": code},
                code="in_use",
            ) from exc
        StandardsEvent.objects.create(
            actor=_actor_or_none(actor),
            action="point_type.delete",
            target_type="point_type",
            target_code=code,
        )
        audit_record(action="standards.point_type.delete", actor=actor, data={"code": code})


def checklist_item_create(
    *,
    system: EvaluationSystem,
    point_type: PointType,
    code: str,
    text: str,
    standard: Standard,
    deduction,
    photo_required: bool = True,
    default_category_code: str = "",
    deadline_days: int = 5,
    actor,
) -> ChecklistItem:
    """Add a check to a point type's checklist (allowed on an edition in force: it only adds)."""
    if standard.system_id != system.pk:
        raise InvalidInput(_("The standard belongs to another evaluation system."))
    item = ChecklistItem(
        system=system,
        point_type=point_type,
        code=code,
        text=text,
        standard=standard,
        deduction=Decimal(str(deduction)),
        photo_required=photo_required,
        default_category_code=default_category_code,
        deadline_days=deadline_days,
    )
    return _create(item, system=system, actor=actor, action="checklist.create", destructive=False)


def checklist_item_update(*, item: ChecklistItem, actor, data: dict) -> ChecklistItem:
    """Edit a checklist item: routing defaults always; wording and deduction when history allows."""
    if "standard" in data and data["standard"].system_id != item.system_id:
        raise InvalidInput(_("The standard belongs to another evaluation system."))
    if "deadline_days" in data and not (1 <= int(data["deadline_days"]) <= 365):
        raise InvalidInput(_("The deadline must be 1 to 365 working days."))
    return _update(item, system=item.system, actor=actor, data=data, action="checklist.update")


def checklist_item_delete(*, item: ChecklistItem, actor) -> None:
    """Remove a checklist item."""
    _delete(item, system=item.system, actor=actor, action="checklist.delete")
