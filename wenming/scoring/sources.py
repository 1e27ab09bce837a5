"""What a month's snapshot reads: the components of every region and unit, from their sources.

All of it is grouped SQL, a fixed number of queries whatever the size of the ledger:

- the ledger's rates: `wenming.problems.metrics` (its due set and its aggregates, the GB/T 30428
  definitions, not a copy) grouped once per level: the whole city, by district, by street, by
  community (the problem's own region) and by responsible unit;
- the field score: the month's scored visits (submitted, approved or with issues; by the time
  they were submitted) summed per (region, point type) and per (unit, point type), rolled up
  the region tree in Python over those few groups, then the inspections' rule
  (`inspections.scoring.field_score`: type means weighted by the point types' weights);
- task completion, material scores and citizen satisfaction from the plans, materials and
  surveys apps through their selectors; a missing module or function, or a subject they do not
  name, is "no data" (never made up).
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from wenming.inspections import scoring as field_rules
from wenming.inspections.models import Visit
from wenming.inspections.selectors import SCORED
from wenming.org.models import Region, Unit, UnitKind
from wenming.problems import metrics
from wenming.problems.deadlines import local_today
from wenming.problems.models import Problem
from wenming.standards.models import PointType

from .models import Component


@dataclass
class Figure:
    """A component's source figure: a rate (0–1) or points (0–100), and what it counts."""

    rate: Decimal | None
    numerator: int | None = None
    denominator: int | None = None


@dataclass
class SubjectFigures:
    subject: str
    kind: str  # region or unit
    obj_id: int
    level: str  # city, district, street, community, unit, guarantor
    unit_kind: str = ""
    path: str = ""
    problems_due: int = 0
    visits: int = 0
    figures: dict[str, Figure] = field(default_factory=dict)


def optional(module: str, name: str):
    """`module.name` when another app provides it, else None (its component is "no data")."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


LEDGER = (
    (Component.ON_TIME_CLOSING, "on_time_closing_rate", "closed_on_time"),
    (Component.ON_TIME_HANDLING, "on_time_handling_rate", "handled_on_time"),
    (Component.REWORK, "rework_rate", "reworked"),
    (Component.OVERDUE_PENDING, "overdue_pending_rate", "overdue_pending"),
    (Component.EXTENSION, "extension_rate", "extended"),
    (Component.RECURRENCE, "recurrence_rate", "recurrences"),
)


def guarantor_subject(code: str) -> str:
    return f"guarantor-{code}"


def region_subject(code: str) -> str:
    return f"region-{code}"


def unit_subject(code: str) -> str:
    return f"unit-{code}"


def _ledger_groups(period: metrics.Period) -> dict[tuple[str, int | None], metrics.ProblemMetrics]:
    """{(level, id): metrics} for the city (id None), each district, street, community, unit."""
    today = local_today()
    due = metrics.due_in(Problem.objects.all(), period)
    aggregates = metrics.problem_aggregates(today)
    result = {}
    city = metrics.ProblemMetrics()
    metrics.merge_into(city, due.aggregate(**aggregates))
    result[("city", None)] = city
    for level, column in (
        ("district", "district_id"),
        ("street", "street_id"),
        ("community", "region_id"),
        ("unit", "responsible_unit_id"),
    ):
        for values in due.order_by().values(column).annotate(**aggregates):
            key = values.pop(column)
            if key is not None:
                metrics.merge_into(
                    result.setdefault((level, key), metrics.ProblemMetrics()), values
                )
    return result


def _ledger_figures(m: metrics.ProblemMetrics) -> dict[str, Figure]:
    return {
        key: Figure(
            Decimal(str(getattr(m, rate))) if getattr(m, rate) is not None else None,
            getattr(m, count),
            m.due,
        )
        for key, rate, count in LEDGER
    }


def _visit_groups(period: metrics.Period):
    """Σ score and the visit count per (region, point type) and per (unit, point type)."""
    start, end = period.bounds()
    visits = Visit.objects.filter(
        status__in=SCORED, score__isnull=False, submitted_at__gte=start, submitted_at__lt=end
    ).order_by()
    by_region = visits.values_list("region_id", "point_type_id").annotate(
        n=Count("id"), total=Sum("score")
    )
    by_unit = (
        visits.filter(point__responsible_units__isnull=False)
        .values_list("point__responsible_units", "point_type_id")
        .annotate(n=Count("id"), total=Sum("score"))
    )
    return list(by_region), list(by_unit)


def _field_figure(sums: dict[int, list], weights: dict[int, Decimal]) -> tuple[Figure, int]:
    """The inspections' field score from {point type: [n, Σ score]} (type mean, then weighted)."""
    means = {t: field_rules.mean([total / n]) for t, (n, total) in sums.items() if n}
    score = field_rules.field_score(means, weights)
    visits = sum(n for n, _total in sums.values())
    return Figure(score, None, visits), visits


def _add(target: dict, type_id: int, n: int, total) -> None:
    entry = target.setdefault(type_id, [0, Decimal(0)])
    entry[0] += n
    entry[1] += Decimal(total)


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def collect(
    period: metrics.Period, *, central_unit_kinds=(UnitKind.CENTRAL_PROVINCIAL,)
) -> list[SubjectFigures]:
    """Every region's and unit's figures for the month (see the module's sources)."""
    regions = list(Region.objects.values_list("id", "code", "level", "path", "parent_id"))
    units = list(Unit.objects.filter(is_active=True).values_list("id", "code", "kind"))
    ledger = _ledger_groups(period)
    by_region, by_unit = _visit_groups(period)
    weights = dict(PointType.objects.values_list("id", "sampling_weight"))

    # Roll the (region, type) sums up the tree: each region's sums reach every ancestor.
    parent = {rid: pid for rid, _c, _l, _p, pid in regions}
    region_sums: dict[int, dict] = defaultdict(dict)
    for region_id, type_id, n, total in by_region:
        node = region_id
        while node is not None:
            _add(region_sums[node], type_id, n, total)
            node = parent.get(node)
    unit_sums: dict[int, dict] = defaultdict(dict)
    for unit_id, type_id, n, total in by_unit:
        _add(unit_sums[unit_id], type_id, n, total)

    start, end = period.first, period.last
    tasks = _call("wenming.plans.selectors", "task_completion", start=start, end=end) or {}
    materials = _call("wenming.materials.selectors", "material_scores", start=start, end=end) or {}
    satisfaction = (
        _call("wenming.surveys.selectors", "satisfaction_by_region", start=start, end=end) or {}
    )

    subjects = []
    for rid, code, level, _path, _parent in regions:
        entry = SubjectFigures(region_subject(code), "region", rid, level, path=_path)
        m = ledger.get((level, None if level == "city" else rid))
        if m is not None:
            entry.problems_due = m.due
            entry.figures.update(_ledger_figures(m))
        if region_sums.get(rid):
            figure, entry.visits = _field_figure(region_sums[rid], weights)
            entry.figures[Component.FIELD] = figure
        _add_rate(entry, Component.TASK_COMPLETION, (tasks.get("regions") or {}).get(rid))
        _add_rate(entry, Component.SATISFACTION, satisfaction.get(rid))
        subjects.append(entry)
    for uid, code, kind in units:
        entry = SubjectFigures(unit_subject(code), "unit", uid, "unit", unit_kind=kind)
        m = ledger.get(("unit", uid))
        if m is not None:
            entry.problems_due = m.due
            entry.figures.update(_ledger_figures(m))
        if unit_sums.get(uid):
            figure, entry.visits = _field_figure(unit_sums[uid], weights)
            entry.figures[Component.FIELD] = figure
        _add_rate(entry, Component.TASK_COMPLETION, (tasks.get("units") or {}).get(uid))
        material = (materials.get("units") or {}).get(uid)
        if material and material.get("score") is not None:
            entry.figures[Component.MATERIAL] = Figure(
                _number(material["score"]), None, material.get("n")
            )
        subjects.append(entry)
    subjects += _guarantors(period, regions, units, ledger, region_sums, weights)
    return subjects


def guarantor_places_of(on):
    """unit id → {"regions", "points"} from the plans app (issue 14 §3), or None without it."""
    func = optional("wenming.plans.selectors", "guarantor_places") or optional(
        "wenming.plans.oversight.selectors", "guarantor_places"
    )
    return func(on=on) if func is not None else None


COUNTS = (
    "due",
    "closed",
    "closed_on_time",
    "handled_on_time",
    "reworked",
    "overdue_pending",
    "extended",
    "recurrences",
)


def _guarantors(period, regions, units, ledger, region_sums, weights) -> list[SubjectFigures]:
    """A guarantor unit's figures: the ledger and visits of the streets, communities and points
    it guarantees (a point inside one of its own places counts once, with the place)."""
    places = guarantor_places_of(period.last)
    if not places:
        return []
    from wenming.points.models import Point

    info = {rid: (level, path) for rid, _c, level, path, _p in regions}
    all_points = {p for entry in places.values() for p in entry["points"]}
    point_paths = dict(Point.objects.filter(pk__in=all_points).values_list("pk", "region__path"))
    today = local_today()
    due = metrics.due_in(Problem.objects.filter(point_id__in=all_points), period)
    by_point = {}
    for values in due.order_by().values("point_id").annotate(**metrics.problem_aggregates(today)):
        key = values.pop("point_id")
        metrics.merge_into(by_point.setdefault(key, metrics.ProblemMetrics()), values)
    start, end = period.bounds()
    point_visits: dict[int, dict] = defaultdict(dict)
    for point_id, type_id, n, total in (
        Visit.objects.filter(
            point_id__in=all_points,
            status__in=SCORED,
            score__isnull=False,
            submitted_at__gte=start,
            submitted_at__lt=end,
        )
        .order_by()
        .values_list("point_id", "point_type_id")
        .annotate(n=Count("id"), total=Sum("score"))
    ):
        _add(point_visits[point_id], type_id, n, total)
    codes = {uid: (code, kind) for uid, code, kind in units}
    result = []
    for unit_id, entry in places.items():
        if unit_id not in codes:
            continue
        region_ids = [r for r in entry["regions"] if r in info]
        own_paths = [info[r][1] for r in region_ids]
        points = [
            p
            for p in entry["points"]
            if not any(point_paths.get(p, "").startswith(path) for path in own_paths)
        ]
        parts = [ledger.get((info[r][0], r)) for r in region_ids] + [
            by_point.get(p) for p in points
        ]
        total = metrics.ProblemMetrics()
        for part in parts:
            if part is not None:
                for name in COUNTS:
                    setattr(total, name, getattr(total, name) + getattr(part, name))
        sums: dict = {}
        for source in [region_sums.get(r, {}) for r in region_ids] + [
            point_visits.get(p, {}) for p in points
        ]:
            for type_id, (n, s) in source.items():
                _add(sums, type_id, n, s)
        code, kind = codes[unit_id]
        figures = SubjectFigures(guarantor_subject(code), "unit", unit_id, "guarantor", kind)
        if total.due:
            figures.problems_due = total.due
            figures.figures.update(_ledger_figures(total))
        if sums:
            figure, figures.visits = _field_figure(sums, weights)
            figures.figures[Component.FIELD] = figure
        result.append(figures)
    return result


def _add_rate(entry: SubjectFigures, key: str, row: dict | None) -> None:
    if row and row.get("rate") is not None:
        entry.figures[key] = Figure(_number(row["rate"]), None, row.get("n"))


def _call(module: str, name: str, **kwargs):
    func = optional(module, name)
    return func(**kwargs) if func is not None else None
