"""Every write to the evaluation system, the negative list, point types and checklists.

The editing rule (issue 3, item 4): once results (inspection findings, problems, tasks …)
refer to a system's standards or checklist items, a change that would rewrite what those
results meant — deleting, renumbering, re-weighting, rewording — is refused; the office
clones the system as a new edition instead. Labels, owners and notes stay editable. An
archived edition is read-only.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.org.models import Unit
from wenming.org.roles import Role

from .models import (
    METHOD_ORDER,
    ChecklistItem,
    EvaluationSystem,
    Indicator,
    Item,
    NegativeListEntry,
    PointType,
    Standard,
    StandardsEvent,
    SystemStatus,
)
from .selectors import method_balance

# Tables of this app refer to each other freely; a reference from any other app is a result.
OWN_APPS = frozenset({"standards"})

# (status, action) → new status: the whole life of an edition.
TRANSITIONS = {
    (SystemStatus.DRAFT, "activate"): SystemStatus.ACTIVE,
    (SystemStatus.ACTIVE, "archive"): SystemStatus.ARCHIVED,
}

ACTION_LABELS = {"activate": gettext_lazy("put in force"), "archive": gettext_lazy("archived")}

# Fields whose change would alter what an existing result meant.
DESTRUCTIVE = {
    EvaluationSystem: {"weight_material", "weight_field", "weight_questionnaire", "level"},
    Item: {"code"},
    Indicator: {"code", "item"},
    Standard: {"code", "indicator", "text", "points", "methods", "is_hard"},
    NegativeListEntry: {"code", "text", "penalty", "deduction"},
    ChecklistItem: {"code", "point_type", "standard", "text", "deduction"},
}
EDITABLE = {
    EvaluationSystem: {"name", "edition_year", "description"} | DESTRUCTIVE[EvaluationSystem],
    Item: {"name", "description", "order"} | DESTRUCTIVE[Item],
    Indicator: {"name", "description", "order"} | DESTRUCTIVE[Indicator],
    Standard: {"lead_unit", "notes", "order"} | DESTRUCTIVE[Standard],
    NegativeListEntry: {"notes", "order"} | DESTRUCTIVE[NegativeListEntry],
    ChecklistItem: {"photo_required", "default_category_code", "deadline_days", "order"}
    | DESTRUCTIVE[ChecklistItem],
}
KIND = {
    EvaluationSystem: "system",
    Item: "item",
    Indicator: "indicator",
    Standard: "standard",
    NegativeListEntry: "negative",
    ChecklistItem: "checklist",
    PointType: "point_type",
}


# --- helpers ------------------------------------------------------------------------------


def require_office(actor) -> None:
    """Only the office writes the rules; `None` stands for the command line and the demo."""
    if actor is None:
        return
    if getattr(actor, "role", None) != Role.OFFICE_ADMIN:
        raise NotAllowed(_("Only the Civilization Office may change the evaluation system."))


def _actor_or_none(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _record(*, system, actor, action: str, target=None, data: dict | None = None) -> None:
    target = target if target is not None else system
    code = getattr(target, "code", "") if target is not None else ""
    StandardsEvent.objects.create(
        system=system,
        actor=_actor_or_none(actor),
        action=action,
        target_type=KIND.get(type(target), ""),
        target_code=str(code or ""),
        data=data or {},
    )
    audit_record(action=f"standards.{action}", actor=actor, target=target, data=data or {})


def _clean(obj, *, exclude=None) -> None:
    """Run the model's field validation and turn its complaints into one InvalidInput."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        parts = []
        for name, messages in exc.message_dict.items():
            label = obj._meta.get_field(name).verbose_name if name != "__all__" else ""
            parts.append(f"{label}: {' '.join(messages)}" if label else " ".join(messages))
        raise InvalidInput("; ".join(parts), details={"fields": exc.message_dict}) from exc


def _save(obj, **kwargs) -> None:
    """Save, turning a unique-code collision into a readable 409."""
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError as exc:
        raise Conflict(
            _("The code %(code)s is already used in this evaluation system.")
            % {"code": getattr(obj, "code", "")},
            code="duplicate_code",
        ) from exc


def _lock(system: EvaluationSystem) -> EvaluationSystem:
    return EvaluationSystem.objects.select_for_update().get(pk=system.pk)


def methods_normalise(values) -> str:
    """Canonical comma-separated method codes, or InvalidInput for an unknown/empty list."""
    chosen = {str(v).strip() for v in values if str(v).strip()}
    unknown = chosen - set(METHOD_ORDER)
    if unknown:
        raise InvalidInput(_("Unknown method %(value)s.") % {"value": ", ".join(sorted(unknown))})
    if not chosen:
        raise InvalidInput(_("Name at least one method."))
    return ",".join(m for m in METHOD_ORDER if m in chosen)


def system_references(system: EvaluationSystem) -> list[str]:
    """Names of other tables whose rows refer to this system or anything in its tree."""
    sets = [
        (EvaluationSystem, EvaluationSystem.objects.filter(pk=system.pk)),
        (Item, Item.objects.filter(system=system)),
        (Indicator, Indicator.objects.filter(system=system)),
        (Standard, Standard.objects.filter(system=system)),
        (NegativeListEntry, NegativeListEntry.objects.filter(system=system)),
        (ChecklistItem, ChecklistItem.objects.filter(system=system)),
    ]
    found = set()
    for model, queryset in sets:
        for relation in model._meta.related_objects:
            other = relation.related_model
            if other._meta.app_label in OWN_APPS:
                continue
            lookup = f"{relation.field.name}__in"
            if other._default_manager.filter(**{lookup: queryset}).exists():
                found.add(str(other._meta.verbose_name_plural))
    return sorted(found)


def _guard(system: EvaluationSystem, *, destructive: bool) -> None:
    if system.status == SystemStatus.ARCHIVED:
        raise Conflict(
            _("%(name)s is archived and read-only; clone it as a new edition to change the rules.")
            % {"name": system},
            code="system_archived",
        )
    if destructive:
        references = system_references(system)
        if references:
            raise Conflict(
                _(
                    "This change would rewrite history: %(what)s already refer to %(name)s. Clone "
                    "it as a new edition for the new rules instead."
                )
                % {"what": ", ".join(references), "name": system},
                code="history_protected",
                details={"referenced_by": references},
            )


def _apply(obj, data: dict) -> dict:
    """Set the editable fields in `data`; return {field: [old, new]} for those that changed."""
    model = type(obj)
    unknown = set(data) - EDITABLE[model] - {"co_units"}
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    changes = {}
    for name, value in data.items():
        if name == "co_units":
            continue
        field = model._meta.get_field(name)
        old = getattr(obj, field.attname if field.is_relation else name)
        new = value.pk if field.is_relation and value is not None else value
        if name == "methods":
            new = methods_normalise(
                value if isinstance(value, list | tuple | set) else str(value).split(",")
            )
        if isinstance(old, Decimal) and new is not None:
            new = Decimal(str(new))
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
            setattr(obj, field.attname if field.is_relation else name, new)
    return changes


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def _update(obj, *, system: EvaluationSystem, actor, data: dict, action: str):
    require_office(actor)
    with transaction.atomic():
        system = _lock(system)
        obj = type(obj).objects.select_for_update().get(pk=obj.pk)
        changes = _apply(obj, data)
        co_units = data.get("co_units")
        if co_units is not None and isinstance(obj, Standard):
            new_ids = sorted(u.pk for u in co_units)
            old_ids = sorted(obj.co_units.values_list("pk", flat=True))
            if new_ids != old_ids:
                changes["co_units"] = [old_ids, new_ids]
        if not changes:
            return obj
        _guard(system, destructive=bool(set(changes) & DESTRUCTIVE[type(obj)]))
        _clean(obj)
        _save(obj)
        if "co_units" in changes:
            obj.co_units.set(co_units)
        _record(system=system, actor=actor, action=action, target=obj, data={"changes": changes})
    return obj


def _delete(obj, *, system: EvaluationSystem, actor, action: str) -> None:
    require_office(actor)
    with transaction.atomic():
        system = _lock(system)
        _guard(system, destructive=True)
        code = obj.code
        try:
            obj.delete()
        except ProtectedError as exc:
            raise Conflict(
                _("%(code)s is still in use and cannot be deleted.") % {"code": code}, code="in_use"
            ) from exc
        StandardsEvent.objects.create(
            system=system,
            actor=_actor_or_none(actor),
            action=action,
            target_type=KIND[type(obj)],
            target_code=code,
        )
        audit_record(
            action=f"standards.{action}",
            actor=actor,
            target=system,
            data={"code": code, "kind": KIND[type(obj)]},
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


# --- the tree -----------------------------------------------------------------------------


def _next_order(model, **filters) -> int:
    last = (
        model.objects.filter(**filters).order_by("-order").values_list("order", flat=True).first()
    )
    return (last or 0) + 1


def _create(obj, *, system: EvaluationSystem, actor, action: str, destructive: bool = True):
    require_office(actor)
    with transaction.atomic():
        system = _lock(system)
        # Adding a standard changes what a method's points add up to: history again.
        _guard(system, destructive=destructive)
        if not obj.order:
            obj.order = _next_order(type(obj), system=system)
        _clean(obj)
        _save(obj)
        _record(system=system, actor=actor, action=action, target=obj, data={"code": obj.code})
    return obj


def item_create(
    *, system: EvaluationSystem, code: str, name: str, description: str = "", actor
) -> Item:
    """Add a level I item."""
    return _create(
        Item(system=system, code=code, name=name, description=description),
        system=system,
        actor=actor,
        action="item.create",
    )


def item_update(*, item: Item, actor, data: dict) -> Item:
    """Rename an item (renumbering it is refused once results refer to the system)."""
    return _update(item, system=item.system, actor=actor, data=data, action="item.update")


def item_delete(*, item: Item, actor) -> None:
    """Delete an item with its indicators and standards (drafts and unreferenced systems only)."""
    _delete(item, system=item.system, actor=actor, action="item.delete")


def indicator_create(
    *, item: Item, code: str, name: str, description: str = "", actor
) -> Indicator:
    """Add a level II indicator under `item`."""
    return _create(
        Indicator(system=item.system, item=item, code=code, name=name, description=description),
        system=item.system,
        actor=actor,
        action="indicator.create",
    )


def indicator_update(*, indicator: Indicator, actor, data: dict) -> Indicator:
    """Rename or move an indicator."""
    if (
        "item" in data
        and data["item"] is not None
        and data["item"].system_id != indicator.system_id
    ):
        raise InvalidInput(_("The item belongs to another evaluation system."))
    return _update(
        indicator, system=indicator.system, actor=actor, data=data, action="indicator.update"
    )


def indicator_delete(*, indicator: Indicator, actor) -> None:
    """Delete an indicator with its standards."""
    _delete(indicator, system=indicator.system, actor=actor, action="indicator.delete")


def standard_create(
    *,
    indicator: Indicator,
    code: str,
    text: str,
    points,
    methods,
    is_hard: bool = False,
    lead_unit: Unit | None = None,
    co_units=(),
    notes: str = "",
    actor,
) -> Standard:
    """Add a level III standard under `indicator`."""
    standard = Standard(
        system=indicator.system,
        indicator=indicator,
        code=code,
        text=text,
        points=Decimal(str(points)),
        methods=methods_normalise(methods),
        is_hard=is_hard,
        lead_unit=lead_unit,
        notes=notes,
    )
    with transaction.atomic():
        standard = _create(standard, system=indicator.system, actor=actor, action="standard.create")
        if co_units:
            standard.co_units.set(co_units)
    return standard


def standard_update(*, standard: Standard, actor, data: dict) -> Standard:
    """Edit a standard: owners and notes always; wording, points and methods when history allows."""
    if "indicator" in data and data["indicator"].system_id != standard.system_id:
        raise InvalidInput(_("The indicator belongs to another evaluation system."))
    return _update(
        standard, system=standard.system, actor=actor, data=data, action="standard.update"
    )


def standard_delete(*, standard: Standard, actor) -> None:
    """Delete a standard and the checklist items that test it."""
    _delete(standard, system=standard.system, actor=actor, action="standard.delete")


def negative_entry_create(
    *,
    system: EvaluationSystem,
    code: str,
    text: str,
    penalty: str,
    deduction=None,
    notes: str = "",
    actor,
) -> NegativeListEntry:
    """Add a line to the negative list."""
    entry = NegativeListEntry(
        system=system,
        code=code,
        text=text,
        penalty=penalty,
        deduction=None if deduction is None else Decimal(str(deduction)),
        notes=notes,
    )
    _check_penalty(entry)
    return _create(entry, system=system, actor=actor, action="negative.create")


def _check_penalty(entry: NegativeListEntry) -> None:
    if entry.penalty == "deduct" and not (entry.deduction and entry.deduction > 0):
        raise InvalidInput(_("A deduction penalty needs the points to deduct."))


def negative_entry_update(*, entry: NegativeListEntry, actor, data: dict) -> NegativeListEntry:
    """Edit a negative-list line."""
    probe = NegativeListEntry(
        penalty=data.get("penalty", entry.penalty), deduction=data.get("deduction", entry.deduction)
    )
    _check_penalty(probe)
    return _update(entry, system=entry.system, actor=actor, data=data, action="negative.update")


def negative_entry_delete(*, entry: NegativeListEntry, actor) -> None:
    """Remove a negative-list line."""
    _delete(entry, system=entry.system, actor=actor, action="negative.delete")


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


POINT_TYPE_FIELDS = {
    "name",
    "name_en",
    "group",
    "sampling_weight",
    "description",
    "is_active",
    "order",
}


def point_type_update(*, point_type: PointType, actor, data: dict) -> PointType:
    """Rename a point type, regroup it, change its sampling weight or retire it (never its code)."""
    require_office(actor)
    unknown = set(data) - POINT_TYPE_FIELDS
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
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


# --- whole systems in bulk (Excel import, demo) ----------------------------------------------


class ImportRefused(InvalidInput):
    """The workbook (or spec) has problems; `details["errors"]` lists every one of them."""

    code = "import_refused"


def system_load(
    *, spec, actor, is_demo: bool = False, reporter=None, missing_sheets=frozenset(), broken=None
) -> EvaluationSystem:
    """Write a whole system (tree, negative list, point types, checklists, points) or nothing."""
    from .spec import Reporter, spec_validate

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
                and not system_references(existing)
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
    NegativeListEntry.objects.bulk_create(
        [
            NegativeListEntry(
                system=system,
                code=e.code,
                text=e.text,
                penalty=e.penalty,
                deduction=e.deduction,
                notes=e.notes,
                order=n,
            )
            for n, e in enumerate(spec.negative, start=1)
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


POINT_TYPE_LOAD_FIELDS = [
    "name",
    "name_en",
    "group",
    "sampling_weight",
    "description",
    "is_active",
    "order",
]


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
        PointType.objects.bulk_update(changed, POINT_TYPE_LOAD_FIELDS)


def workbook_import(*, file, actor, progress=None) -> EvaluationSystem:
    """Import a whole workbook: every row checked first, then everything written or nothing."""
    from .workbook import parse_workbook

    require_office(actor)
    parsed = parse_workbook(file, progress=progress)
    return system_load(
        spec=parsed.spec,
        actor=actor,
        reporter=parsed.reporter,
        missing_sheets=parsed.unusable,
        broken=parsed.broken,
    )
