"""Items, indicators, standards and the negative list of one edition."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.errors import InvalidInput
from wenming.org.models import Unit

from ..models import (
    EvaluationSystem,
    Indicator,
    Item,
    NegativeDomain,
    NegativeEffect,
    NegativeListEntry,
    Penalty,
    Standard,
)

# Tables of this app refer to each other freely; a reference from any other app is a result.
from .clauses import line_first_clause, line_follow
from .rules import (
    _clean,
    _delete,
    _guard,
    _lock,
    _record,
    _save,
    _update,
    methods_normalise,
    require_office,
)

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
    """Add a level III content line under `indicator`, with one clause holding its points."""
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
        line_first_clause(standard=standard)
    return standard


def standard_update(*, standard: Standard, actor, data: dict) -> Standard:
    """Edit a standard: owners and notes always; wording, points and methods when history allows."""
    if "indicator" in data and data["indicator"].system_id != standard.system_id:
        raise InvalidInput(_("The indicator belongs to another evaluation system."))
    before = {"code": standard.code, "points": standard.points, "methods": standard.methods}
    with transaction.atomic():
        standard = _update(
            standard, system=standard.system, actor=actor, data=data, action="standard.update"
        )
        changed = {k for k, v in before.items() if getattr(standard, k) != v}
        if changed & {"points", "methods"} and standard.clauses.count() > 1:
            raise InvalidInput(
                _(
                    "The points and methods of %(code)s are those of its clauses together; "
                    "change them clause by clause."
                )
                % {"code": standard.code}
            )
        line_follow(standard=standard, changed=changed)
    return standard


def standard_delete(*, standard: Standard, actor) -> None:
    """Delete a standard and the checklist items that test it."""
    _delete(standard, system=standard.system, actor=actor, action="standard.delete")


def negative_entry_create(
    *,
    system: EvaluationSystem,
    code: str,
    text: str,
    domain: str = NegativeDomain.MECHANISM,
    is_veto: bool = False,
    effects=(),
    penalty: str = "",
    deduction=None,
    notes: str = "",
    actor,
) -> NegativeListEntry:
    """Add a line to the negative list with its graded effects.

    `effects` is a list of {"grade", "effect", "deduction", "condition"}; `penalty` and
    `deduction` are shorthand for a single effect of grade 1.
    """
    if not effects:
        effects = [{"grade": 1, "effect": penalty, "deduction": deduction}]
    rows = [_effect(e, n) for n, e in enumerate(effects, start=1)]
    grades = [r.grade for r in rows]
    if len(set(grades)) != len(grades):
        raise InvalidInput(_("Two effects of %(code)s have the same grade.") % {"code": code})
    entry = NegativeListEntry(
        system=system, code=code, text=text, domain=domain, is_veto=is_veto, notes=notes
    )
    with transaction.atomic():
        entry = _create(entry, system=system, actor=actor, action="negative.create")
        for row in rows:
            row.entry = entry
        NegativeEffect.objects.bulk_create(rows)
    return entry


def _effect(data: dict, order: int) -> NegativeEffect:
    raw = data.get("deduction")
    effect = NegativeEffect(
        grade=data.get("grade") or order,
        condition=data.get("condition", ""),
        effect=data.get("effect", ""),
        deduction=None if raw in (None, "") else Decimal(str(raw)),
        order=order,
    )
    if effect.effect not in Penalty.values:
        raise InvalidInput(_("Unknown penalty %(value)s.") % {"value": effect.effect or "—"})
    if effect.effect == Penalty.DEDUCT and not (effect.deduction and effect.deduction > 0):
        raise InvalidInput(_("A deduction penalty needs the points to deduct."))
    return effect


def negative_entry_update(*, entry: NegativeListEntry, actor, data: dict) -> NegativeListEntry:
    """Edit a negative-list line: code, text, domain, veto, notes, order."""
    return _update(entry, system=entry.system, actor=actor, data=data, action="negative.update")


def negative_entry_delete(*, entry: NegativeListEntry, actor) -> None:
    """Remove a negative-list line."""
    _delete(entry, system=entry.system, actor=actor, action="negative.delete")
