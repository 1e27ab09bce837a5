"""The editing rules: who writes, what counts as rewriting history, shared helpers."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, InvalidInput
from wenming.org.roles import require_office as require_office_role

from ..models import (
    METHOD_ORDER,
    ChecklistItem,
    Clause,
    EvaluationSystem,
    Indicator,
    Item,
    NegativeListEntry,
    PointType,
    Standard,
    StandardsEvent,
    SystemStatus,
)

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
    EvaluationSystem: {"weight_material", "weight_field", "weight_questionnaire", "level", "kind"},
    Item: {"code"},
    Indicator: {"code", "item"},
    Standard: {"code", "indicator", "text", "points", "methods", "is_hard"},
    Clause: {"code", "number", "standard", "text", "points"}
    | {"points_material", "points_field", "points_questionnaire"},
    NegativeListEntry: {"code", "text", "domain", "is_veto"},
    # How a check is scored changes what its past results meant; how it is sampled and
    # observed is guidance to the inspector and stays editable.
    ChecklistItem: {"code", "point_type", "standard", "clause", "text", "deduction", "scoring"},
}
EDITABLE = {
    EvaluationSystem: {"name", "edition_year", "description", "threshold", "prerequisite"}
    | DESTRUCTIVE[EvaluationSystem],
    Item: {"name", "description", "order"} | DESTRUCTIVE[Item],
    Indicator: {"name", "description", "order"} | DESTRUCTIVE[Indicator],
    Standard: {"lead_unit", "notes", "order"} | DESTRUCTIVE[Standard],
    Clause: {"lead_unit", "notes", "order"} | DESTRUCTIVE[Clause],
    NegativeListEntry: {"notes", "order"} | DESTRUCTIVE[NegativeListEntry],
    ChecklistItem: {"photo_required", "default_category_code", "deadline_days", "order"}
    | {"observation", "sampling_note"}
    | {"sample_route_m", "sample_spacing_m", "sample_minutes", "sample_count"}
    | DESTRUCTIVE[ChecklistItem],
}
KIND = {
    EvaluationSystem: "system",
    Item: "item",
    Indicator: "indicator",
    Standard: "standard",
    Clause: "clause",
    NegativeListEntry: "negative",
    ChecklistItem: "checklist",
    PointType: "point_type",
}


# --- helpers ------------------------------------------------------------------------------


def require_office(actor) -> None:
    """Only the office writes the rules; `None` stands for the command line and the demo."""
    if actor is None:
        return
    require_office_role(actor, _("Only the Civilization Office may change the evaluation system."))


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
        (Clause, Clause.objects.filter(system=system)),
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
            % {"name": system.code},
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
                % {"what": ", ".join(references), "name": system.code},
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
        if co_units is not None and isinstance(obj, Standard | Clause):
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
