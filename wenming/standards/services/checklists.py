"""Point types (shared by every edition) and the checklist items of one edition."""

from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, InvalidInput, refuse_other_fields

from ..models import (
    ChecklistItem,
    Clause,
    EvaluationSystem,
    Observation,
    PointType,
    Scoring,
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
    is_virtual: bool = False,
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
        is_virtual=is_virtual,
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
    "is_virtual",
    "order",
)


def point_type_update(*, point_type: PointType, actor, data: dict) -> PointType:
    """Rename a point type, regroup it, change its sampling weight or retire it (never its code).

    Retiring a type is refused (409) while work at its points is still open: the open
    problems are named, so the office closes or moves them first.
    """
    require_office(actor)
    refuse_other_fields(data, POINT_TYPE_FIELDS)
    with transaction.atomic():
        point_type = PointType.objects.select_for_update().get(pk=point_type.pk)
        if point_type.is_active and data.get("is_active") is False:
            _refuse_retiring(point_type)
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


# Open work at the points of a type: (label, model, filter by the type, fields naming a row).
# Inspection visits not yet submitted or reviewed (their statuses as the inspections app
# names them; that app depends on this one, so it is named here by label, not imported), and
# open problems at points of the type.
OPEN_WORK = [
    (
        "visits",
        "inspections.Visit",
        {"point_type": None, "status__in": ("assigned", "started", "submitted")},
        ("round__code", "point__code"),
    ),
    ("problems", "problems.Problem", {"point__point_type": None, "is_open": True}, ("code",)),
]
NAMED = 10  # rows named in the refusal per kind; the rest are counted


def point_type_open_work(point_type: PointType) -> dict[str, list[str]]:
    """{"visits": ["R-2026-03 · P1", …], "problems": [codes…]}: what is open at its points."""
    from django.apps import apps

    found = {}
    for label, model_name, filters, names in OPEN_WORK:
        app_label = model_name.split(".")[0]
        if not apps.is_installed(f"wenming.{app_label}"):
            continue
        model = apps.get_model(model_name)
        lookup = {k: point_type if v is None else v for k, v in filters.items()}
        rows = model.objects.filter(**lookup).order_by(*names).values_list(*names)
        shown = [" · ".join(str(part) for part in row) for row in rows[: NAMED + 1]]
        if shown:
            found[label] = shown
    return found


def _refuse_retiring(point_type: PointType) -> None:
    found = point_type_open_work(point_type)
    if not found:
        return
    labels = {"visits": _("open visits"), "problems": _("open problems")}
    parts = [
        f"{labels[label]}: " + ", ".join(rows[:NAMED]) + (" …" if len(rows) > NAMED else "")
        for label, rows in found.items()
    ]
    raise Conflict(
        _(
            "%(type)s cannot be retired while work at its points is still open (%(open)s). "
            "Close or move it first."
        )
        % {"type": point_type.display_name, "open": "; ".join(parts)},
        code="open_work",
        details={"open": found},
    )


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
    clause: Clause | None = None,
    observation: str = Observation.OBSERVATION,
    scoring: str = Scoring.PASS_FAIL,
    sample_route_m: int | None = None,
    sample_spacing_m: int | None = None,
    sample_minutes: int | None = None,
    sample_count: int | None = None,
    sampling_note: str = "",
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
        clause=clause,
        observation=observation,
        scoring=scoring,
        sample_route_m=sample_route_m,
        sample_spacing_m=sample_spacing_m,
        sample_minutes=sample_minutes,
        sample_count=sample_count,
        sampling_note=sampling_note,
        deduction=Decimal(str(deduction)),
        photo_required=photo_required,
        default_category_code=default_category_code,
        deadline_days=deadline_days,
    )
    _check_form(item)
    return _create(item, system=system, actor=actor, action="checklist.create", destructive=False)


def _check_form(item: ChecklistItem) -> None:
    """The clause is one of the check's content line; a walk needs a spacing shorter than it."""
    if item.clause_id is not None and item.clause.standard_id != item.standard_id:
        raise InvalidInput(
            _("Clause %(clause)s is not a clause of content line %(line)s.")
            % {"clause": item.clause.code, "line": item.standard.code}
        )
    route, spacing = item.sample_route_m, item.sample_spacing_m
    if route and spacing and spacing > route:
        raise InvalidInput(
            _(
                "The spacing counted as one place (%(spacing)s m) is longer than the route "
                "(%(route)s m)."
            )
            % {"spacing": spacing, "route": route}
        )


def checklist_item_update(*, item: ChecklistItem, actor, data: dict) -> ChecklistItem:
    """Edit a checklist item: routing defaults and sampling rule always; wording, deduction,
    scoring and links when history allows."""
    if "standard" in data and data["standard"].system_id != item.system_id:
        raise InvalidInput(_("The standard belongs to another evaluation system."))
    if "deadline_days" in data and not (1 <= int(data["deadline_days"]) <= 365):
        raise InvalidInput(_("The deadline must be 1 to 365 working days."))
    probe = ChecklistItem(
        standard=data.get("standard", item.standard),
        clause=data.get("clause", item.clause),
        sample_route_m=data.get("sample_route_m", item.sample_route_m),
        sample_spacing_m=data.get("sample_spacing_m", item.sample_spacing_m),
    )
    _check_form(probe)
    return _update(item, system=item.system, actor=actor, data=data, action="checklist.update")


def checklist_item_delete(*, item: ChecklistItem, actor) -> None:
    """Remove a checklist item."""
    _delete(item, system=item.system, actor=actor, action="checklist.delete")
