"""The life of an edition: create, edit, put in force, archive, delete a draft, clone."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, InvalidInput

from ..models import (
    EvaluationSystem,
    Standard,
    StandardsEvent,
    SystemKind,
    SystemStatus,
)
from ..selectors import method_balance
from .clone import copy_tree

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

DEFAULT_THRESHOLD = Decimal("85")


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
    kind: str = SystemKind.MAIN,
    threshold=None,
    prerequisite: EvaluationSystem | None = None,
    actor=None,
    is_demo: bool = False,
) -> EvaluationSystem:
    """Start a new, empty draft edition (a main system, or a prerequisite with its threshold)."""
    require_office(actor)
    system = EvaluationSystem(
        code=code,
        name=name,
        edition_year=edition_year,
        level=level,
        kind=kind,
        threshold=threshold,
        prerequisite=prerequisite,
        weight_material=weight_material,
        weight_field=weight_field,
        weight_questionnaire=weight_questionnaire,
        description=description,
        is_demo=is_demo,
    )
    system_kind_check(system)
    _clean(system, exclude=["cloned_from", "prerequisite"])
    with transaction.atomic():
        if EvaluationSystem.objects.filter(code=code).exists():
            raise Conflict(
                _("A system with code %(code)s already exists.") % {"code": code},
                code="duplicate_code",
            )
        _save(system)
        _record(system=system, actor=actor, action="system.create", data={"code": code})
    return system


def system_kind_check(system: EvaluationSystem) -> None:
    """Kind, threshold and prerequisite agree (400 otherwise); a prerequisite's threshold
    defaults to 85, the older national rule (domain.md)."""
    if system.kind not in SystemKind.values:
        raise InvalidInput(_("Unknown kind %(value)s.") % {"value": system.kind})
    if system.threshold is not None:
        try:
            threshold = Decimal(str(system.threshold))
        except ArithmeticError:
            threshold = None
        if threshold is None or not threshold.is_finite() or not (0 <= threshold <= 100):
            raise InvalidInput(
                _("The threshold must lie between 0 and 100 (found %(value)s).")
                % {"value": system.threshold},
                code="threshold_out_of_range",
            )
        system.threshold = threshold
    if system.kind == SystemKind.PREREQUISITE:
        if system.threshold is None:
            system.threshold = DEFAULT_THRESHOLD
        if system.prerequisite_id is not None:
            raise InvalidInput(_("A prerequisite system cannot name a prerequisite of its own."))
        return
    prerequisite = system.prerequisite if system.prerequisite_id else None
    if prerequisite is None:
        return
    if system.pk is not None and prerequisite.pk == system.pk:
        raise InvalidInput(_("A system cannot be its own prerequisite."))
    if prerequisite.kind != SystemKind.PREREQUISITE:
        raise InvalidInput(
            _("%(code)s is a main system, not a prerequisite system.") % {"code": prerequisite.code}
        )


def system_update(*, system: EvaluationSystem, actor, data: dict) -> EvaluationSystem:
    """Change a system's name, year, description, threshold, prerequisite or (when history
    allows) its kind and weights."""
    probe = EvaluationSystem(
        pk=system.pk,
        kind=data.get("kind", system.kind),
        threshold=data.get("threshold", system.threshold),
        prerequisite=data.get("prerequisite", system.prerequisite),
    )
    system_kind_check(probe)
    data = dict(data)
    if "threshold" in data or "kind" in data:
        data["threshold"] = probe.threshold
    if (
        system.kind == SystemKind.PREREQUISITE
        and probe.kind == SystemKind.MAIN
        and system.main_systems.exists()
    ):
        raise Conflict(
            _("%(code)s is the prerequisite of %(names)s and must stay a prerequisite system.")
            % {
                "code": system.code,
                "names": ", ".join(system.main_systems.values_list("code", flat=True)),
            },
            code="prerequisite_in_use",
        )
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
        # One edition in force per level and kind: the minors' system does not retire the
        # main one.
        previous = list(
            EvaluationSystem.objects.select_for_update()
            .filter(status=SystemStatus.ACTIVE, level=system.level, kind=system.kind)
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
            kind=source.kind,
            threshold=source.threshold,
            prerequisite=source.prerequisite,
            actor=actor,
            is_demo=source.is_demo,
        )
        clone.cloned_from = source
        clone.save(update_fields=["cloned_from"])
        counts = copy_tree(source, clone)
        _record(
            system=clone, actor=actor, action="system.clone", data={"from": source.code, **counts}
        )
    return clone
