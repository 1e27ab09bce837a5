"""Every read of the evaluation system that a user sees; always through the data scope."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from wenming.core.errors import NotFound
from wenming.core.scope import SEE_ALL, scope_queryset

from .models import (
    CLAUSE_METHOD_FIELDS,
    METHOD_ORDER,
    ChecklistItem,
    Clause,
    EvaluationSystem,
    Indicator,
    Item,
    Method,
    NegativeListEntry,
    PointType,
    Standard,
    StandardsEvent,
    SystemKind,
    SystemLevel,
    SystemStatus,
)

PUBLISHED = (SystemStatus.ACTIVE, SystemStatus.ARCHIVED)


def _sees_drafts(actor) -> bool:
    # A draft is the office's work in progress; officers would take it for the rules in force.
    return getattr(actor, "role", None) in SEE_ALL


def systems_visible(*, actor) -> QuerySet:
    qs = scope_queryset(EvaluationSystem.objects.select_related("prerequisite"), actor)
    if not _sees_drafts(actor):
        qs = qs.filter(status__in=PUBLISHED)
    return qs.order_by("-edition_year", "code")


def system_get(*, actor, code: str) -> EvaluationSystem:
    system = systems_visible(actor=actor).filter(code=code).first()
    if system is None:
        raise NotFound(code="system_not_found")
    return system


def system_current(*, actor, level: str = SystemLevel.PREFECTURE) -> EvaluationSystem | None:
    """The main system in force for `level` (else the newest main one the actor may see)."""
    # A prerequisite system (the minors') is scored beside the main one, never instead of it.
    visible = systems_visible(actor=actor).filter(kind=SystemKind.MAIN)
    active = visible.filter(status=SystemStatus.ACTIVE)
    return (
        active.filter(level=level).first()
        or active.first()
        or visible.order_by("-edition_year", "-id").first()
    )


def system_resolve(*, actor, code: str | None) -> EvaluationSystem:
    """The named system, or the one in force when no code is given (NotFound if none)."""
    if code:
        return system_get(actor=actor, code=code)
    system = system_current(actor=actor)
    if system is None:
        raise NotFound(code="system_not_found")
    return system


def system_tree(*, actor, system: EvaluationSystem) -> list[Item]:
    """Items → indicators → content lines → clauses of one system, in four queries plus
    co-units."""
    clauses = (
        scope_queryset(Clause.objects.select_related("lead_unit"), actor)
        .prefetch_related("co_units")
        .order_by("number")
    )
    standards = (
        scope_queryset(Standard.objects.select_related("lead_unit"), actor)
        .prefetch_related("co_units", Prefetch("clauses", queryset=clauses))
        .order_by("order", "code")
    )
    indicators = (
        scope_queryset(Indicator.objects.all(), actor)
        .order_by("order", "code")
        .prefetch_related(Prefetch("standards", queryset=standards))
    )
    items = scope_queryset(Item.objects.filter(system=system), actor).order_by("order", "code")
    return list(items.prefetch_related(Prefetch("indicators", queryset=indicators)))


def standards_visible(*, actor, system: EvaluationSystem) -> QuerySet:
    qs = scope_queryset(Standard.objects.filter(system=system), actor)
    return qs.select_related("indicator", "lead_unit").order_by("order", "code")


def standard_get(*, actor, pk: int) -> Standard:
    standard = (
        scope_queryset(
            Standard.objects.select_related("system", "indicator__item", "lead_unit"), actor
        )
        .filter(pk=pk)
        .first()
    )
    if standard is None or not systems_visible(actor=actor).filter(pk=standard.system_id).exists():
        raise NotFound(code="standard_not_found")
    return standard


def standard_by_code(*, actor, system: EvaluationSystem, code: str) -> Standard:
    standard = standards_visible(actor=actor, system=system).filter(code=code).first()
    if standard is None:
        raise NotFound(code="standard_not_found")
    return standard


def negative_list(*, actor, system: EvaluationSystem) -> QuerySet:
    return (
        scope_queryset(NegativeListEntry.objects.filter(system=system), actor)
        .prefetch_related("effects")
        .order_by("order", "code")
    )


def point_types_visible(*, actor, active_only: bool = False) -> QuerySet:
    qs = scope_queryset(PointType.objects.all(), actor)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("order", "code")


def point_type_get(*, actor, code: str) -> PointType:
    point_type = point_types_visible(actor=actor).filter(code=code).first()
    if point_type is None:
        raise NotFound(code="point_type_not_found")
    return point_type


def checklist_items_visible(
    *, actor, system: EvaluationSystem | None = None, point_type: PointType | None = None
) -> QuerySet:
    qs = scope_queryset(
        ChecklistItem.objects.select_related("standard", "clause", "point_type", "system"), actor
    )
    if system is not None:
        qs = qs.filter(system=system)
    elif not _sees_drafts(actor):
        qs = qs.filter(system__status__in=PUBLISHED)
    if point_type is not None:
        qs = qs.filter(point_type=point_type)
    return qs.order_by("point_type__order", "point_type__code", "order", "code")


def checklists_at_point_type(*, actor, point_type: PointType) -> list[tuple]:
    """[(system, checks)] an inspector makes at a point of this type: the main system in force
    and, when it names one, its prerequisite system (the minors' checks at a school)."""
    system = system_current(actor=actor)
    if system is None:
        return []
    systems = [system]
    if (
        system.prerequisite_id
        and systems_visible(actor=actor).filter(pk=system.prerequisite_id).exists()
    ):
        systems.append(system.prerequisite)
    return [
        (s, list(checklist_items_visible(actor=actor, system=s, point_type=point_type)))
        for s in systems
    ]


def checklist_item_get(*, actor, pk: int) -> ChecklistItem:
    """One checklist item by id (NotFound when it is missing or its system is a hidden draft)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(code="checklist_item_not_found") from None
    item = checklist_items_visible(actor=actor).filter(pk=pk).first()
    if item is None:
        raise NotFound(code="checklist_item_not_found")
    return item


def point_types_with_checklists(*, actor, system: EvaluationSystem) -> list[PointType]:
    """Point types, each with `.checklist` = its checklist items in `system`."""
    items = checklist_items_visible(actor=actor, system=system)
    by_type: dict[int, list[ChecklistItem]] = defaultdict(list)
    for item in items:
        by_type[item.point_type_id].append(item)
    types = list(point_types_visible(actor=actor))
    for point_type in types:
        point_type.checklist = by_type.get(point_type.pk, [])
        point_type.checklist_total = sum((c.deduction for c in point_type.checklist), Decimal("0"))
    return types


def method_totals(*, system: EvaluationSystem) -> dict[str, Decimal]:
    """Points per method: the clauses' points of that method, added up."""
    sums = Clause.objects.filter(system=system).aggregate(
        **{m: Sum(CLAUSE_METHOD_FIELDS[m]) for m in METHOD_ORDER}
    )
    return {m: Decimal(str(sums[m] or 0)).quantize(Decimal("0.01")) for m in METHOD_ORDER}


def method_balance(*, system: EvaluationSystem) -> list[dict]:
    """Each method's points beside its weight, and whether they agree (to 0.01)."""
    totals = method_totals(system=system)
    rows = []
    for method in METHOD_ORDER:
        weight = system.weight_of(method)
        rows.append(
            {
                "method": method,
                "label": Method(method).label,
                "points": totals[method],
                "weight": weight,
                "ok": abs(totals[method] - weight) < Decimal("0.01"),
            }
        )
    return rows


def system_counts(*, system: EvaluationSystem) -> dict[str, int]:
    return {
        "items": Item.objects.filter(system=system).count(),
        "indicators": Indicator.objects.filter(system=system).count(),
        "standards": Standard.objects.filter(system=system).count(),
        "clauses": Clause.objects.filter(system=system).count(),
        "hard": Standard.objects.filter(system=system, is_hard=True).count(),
        "negative": NegativeListEntry.objects.filter(system=system).count(),
        "checklist": ChecklistItem.objects.filter(system=system).count(),
    }


def responsibility_matrix(*, actor, system: EvaluationSystem) -> dict:
    """Standards × units: "lead" or "co" in each cell, units with any role as columns.

    A unit that owns one of a line's clauses (its own owners) supports the line.
    """
    standards = list(standards_visible(actor=actor, system=system).prefetch_related("co_units"))
    clause_units: dict[int, set[int]] = defaultdict(set)
    through = Clause.co_units.through
    for standard_id, unit_id in through.objects.filter(clause__system=system).values_list(
        "clause__standard_id", "unit_id"
    ):
        clause_units[standard_id].add(unit_id)
    for standard_id, unit_id in (
        Clause.objects.filter(system=system)
        .exclude(lead_unit=None)
        .values_list("standard_id", "lead_unit_id")
    ):
        clause_units[standard_id].add(unit_id)
    roles: dict[int, dict[int, str]] = {}
    unit_ids: set[int] = set()
    for standard in standards:
        cells = dict.fromkeys(clause_units.get(standard.pk, ()), "co")
        cells.update({u.pk: "co" for u in standard.co_units.all()})
        if standard.lead_unit_id:
            cells[standard.lead_unit_id] = "lead"
        roles[standard.pk] = cells
        unit_ids.update(cells)
    from wenming.org.selectors import units_visible

    units = list(units_visible(actor=actor).filter(pk__in=unit_ids))
    rows = [{"standard": s, "cells": [roles[s.pk].get(u.pk, "") for u in units]} for s in standards]
    return {"units": units, "rows": rows}


def standards_of_unit(*, actor, system: EvaluationSystem, unit) -> QuerySet:
    """The content lines a unit leads or supports, itself or through one of their clauses
    (a unit officer's "my standards")."""
    qs = standards_visible(actor=actor, system=system)
    owns = Q(lead_unit=unit) | Q(co_units=unit)
    owns |= Q(clauses__lead_unit=unit) | Q(clauses__co_units=unit)
    return qs.filter(owns).distinct()


def unit_clause_roles(*, standards, unit) -> list:
    """`standards` (content lines) with `.unit_clauses` = [(clause, "lead"|"co")] for the
    clauses `unit` owns, by their own owners or, where they have none, the line's."""
    standards = list(standards)
    clauses = (
        Clause.objects.filter(standard__in=standards)
        .select_related("lead_unit", "standard__lead_unit")
        .prefetch_related("co_units", "standard__co_units")
        .order_by("number")
    )
    by_line: dict[int, list] = defaultdict(list)
    for clause in clauses:
        if clause.effective_lead_unit == unit:
            by_line[clause.standard_id].append((clause, "lead"))
        elif unit in clause.effective_co_units:
            by_line[clause.standard_id].append((clause, "co"))
    for standard in standards:
        standard.unit_clauses = by_line.get(standard.pk, [])
    return standards


def unit_standard_counts(*, actor, system: EvaluationSystem) -> dict[str, int]:
    """How many standards each unit leads (by unit code), for the matrix's summary line."""
    qs = standards_visible(actor=actor, system=system).exclude(lead_unit=None)
    return dict(qs.values_list("lead_unit__code").annotate(n=Count("id")).order_by())


def coverage_gaps(*, actor, system: EvaluationSystem) -> dict:
    """Standards without a lead unit, field standards no checklist item tests, empty point types."""
    from wenming.points.models import Point

    standards = standards_visible(actor=actor, system=system)
    tested = ChecklistItem.objects.filter(standard=OuterRef("pk"))
    with_points = Point.objects.filter(point_type=OuterRef("pk"), is_active=True)
    return {
        "no_lead": standards.filter(lead_unit=None),
        "field_untested": standards.filter(methods__contains=Method.FIELD).exclude(Exists(tested)),
        "types_without_points": point_types_visible(actor=actor, active_only=True).exclude(
            Exists(with_points)
        ),
    }


def system_events(*, actor, system: EvaluationSystem, limit: int = 50) -> list[StandardsEvent]:
    if not _sees_drafts(actor):
        return []
    return list(StandardsEvent.objects.filter(system=system).select_related("actor")[:limit])
