"""What to fix first: open problems and weak standards ranked by the predicted score they would
recover (docs/scoring.md, "What to fix first"), each with its arithmetic.

An **open problem** born of a failed checklist item recovers, in the field method,

    W_field × (p_s ÷ P_field) × (w_T ÷ Σ w) × (d ÷ D) × (1 ÷ N_T)

- W_field: the system's field weight (40); p_s: the standard's field points; P_field: the field
  points of the whole system (the standard's share of the field score);
- w_T ÷ Σ w: the point type's weight among the types whose checklists test the standard;
- d ÷ D: the item's deduction among the deductions of the standard's items at that type;
- 1 ÷ N_T: one point of the N_T points of that type in the city (a fixed place is one of them).

A **weak standard** recovers, for each method with data, W_m × (p_s,m ÷ P_m) × (1 − a_s,m): what
raising its achievement a to 1 would add (the predicted score's own formula, prediction.py).
The aggregates are grouped SQL (open problems per checklist item, deductions per standard and
type, points per type); only the few items and standards found are worked in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from wenming.points.models import Point
from wenming.problems.models import OPEN_STATUSES
from wenming.problems.selectors import problems_visible
from wenming.standards.models import METHOD_ORDER, ChecklistItem, Method, PointType

from . import prediction
from .services.common import settings_get

ZERO = Decimal(0)
PLACES = Decimal("0.0001")


@dataclass
class ProblemPriority:
    code: str
    title: str
    standard: str
    point_type: str
    gain: Decimal
    arithmetic: str


@dataclass
class StandardPriority:
    code: str
    text: str
    gain: Decimal
    arithmetic: str


def _num(value: Decimal, places: int = 2) -> str:
    return f"{value:.{places}f}"


def problem_priorities(*, actor, system, region=None, unit=None, limit: int = 20):
    """Open problems in the scope, by the predicted points their fix recovers."""
    # The open statuses beside is_open (equal, a check constraint of the ledger): with them the
    # (district, status) index finds a district's few open problems instead of walking all of
    # them (SQLite, 1,000,000 problems: 5.6 s → under a second for a district officer).
    problems = problems_visible(actor=actor).filter(
        is_open=True, status__in=OPEN_STATUSES, checklist_item__system=system
    )
    if region is not None and region.level != "city":
        problems = problems.filter(region_id__in=region.subtree_ids())
    if unit is not None:
        problems = problems.filter(responsible_unit=unit)
    # One read of the scope's open problems by checklist item: their ids per item, so that each
    # item's list below reads its own few rows by id (the ledger has no index by checklist
    # item: a query per item walked every open problem again, ~100 ms each at 1,000,000).
    ids_of: dict[int, list[int]] = {}
    for item_id, pk in problems.order_by().values_list("checklist_item_id", "pk"):
        ids_of.setdefault(item_id, []).append(pk)
    per_item = {item_id: len(ids) for item_id, ids in ids_of.items()}
    if not per_item:
        return []
    items = {
        i.pk: i
        for i in ChecklistItem.objects.filter(pk__in=list(per_item)).select_related(
            "standard", "point_type"
        )
    }
    standards = {i.standard_id for i in items.values()}
    deductions = {
        (s, t): d
        for s, t, d in ChecklistItem.objects.filter(system=system, standard_id__in=standards)
        .order_by()
        .values_list("standard_id", "point_type_id")
        .annotate(d=Sum("deduction"))
    }
    type_weight = dict(PointType.objects.values_list("id", "sampling_weight"))
    types_of: dict[int, set] = {}
    for s, t in deductions:
        types_of.setdefault(s, set()).add(t)
    counts = dict(
        Point.objects.filter(is_active=True)
        .order_by()
        .values_list("point_type_id")
        .annotate(n=Count("id"))
    )
    points = prediction.points_by_standard(system)
    p_field = sum((p[Method.FIELD] for p in points.values()), ZERO)
    w_field = Decimal(system.weight_field)
    gains = {}
    for item_id, item in items.items():
        p_s = points.get(item.standard_id, {}).get(Method.FIELD, ZERO)
        sum_w = sum((Decimal(type_weight.get(t, 1)) for t in types_of[item.standard_id]), ZERO)
        w_t = Decimal(type_weight.get(item.point_type_id, 1))
        big_d = Decimal(deductions[(item.standard_id, item.point_type_id)] or 0)
        n_t = counts.get(item.point_type_id, 0)
        if not (p_field and sum_w and big_d and n_t and p_s):
            continue
        gain = w_field * p_s / p_field * w_t / sum_w * Decimal(item.deduction) / big_d / n_t
        arithmetic = (
            f"{_num(w_field)} × ({_num(p_s)} ÷ {_num(p_field)}) × ({_num(w_t)} ÷ {_num(sum_w)})"
            f" × ({_num(Decimal(item.deduction))} ÷ {_num(big_d)}) × (1 ÷ {n_t})"
            f" = {_num(gain, 4)}"
        )
        gains[item_id] = (gain.quantize(PLACES), arithmetic)
    best = sorted(gains, key=lambda i: (-gains[i][0], items[i].code))
    result = []
    for item_id in best:
        item = items[item_id]
        rows = (
            problems.filter(pk__in=ids_of[item_id])
            .order_by("deadline", "code")
            .values_list("code", "title")[: limit - len(result)]
        )
        for code, title in rows:
            result.append(
                ProblemPriority(
                    code,
                    title,
                    item.standard.code,
                    item.point_type.display_name,
                    gains[item_id][0],
                    gains[item_id][1],
                )
            )
        if len(result) >= limit:
            break
    return result


def standard_priorities(*, system, region=None, unit=None, limit: int = 20):
    """Standards by what raising them to full achievement would add (the scope's field visits)."""
    settings = settings_get()
    region_ids = region.subtree_ids() if region is not None and region.level != "city" else None
    visits = prediction.approved_visits(months=settings.field_window_months, region_ids=region_ids)
    lines = prediction.standard_lines(system=system, visits=visits)
    if unit is not None:
        led = set(system.standards.filter(lead_unit=unit).values_list("pk", flat=True))
        lines = [line for line in lines if line.id in led]
    every = prediction.points_by_standard(system).values()
    totals = {m: sum((p[m] for p in every), ZERO) for m in METHOD_ORDER}
    result = []
    for line in lines:
        gain, terms = ZERO, []
        for method in METHOD_ORDER:
            a = line.achievement.get(method)
            if a is None or not totals[method]:
                continue
            weight = Decimal(system.weight_of(method))
            part = weight * line.points[method] / totals[method] * (1 - a.rate)
            gain += part
            terms.append(
                f"{_num(weight)} × ({_num(line.points[method])} ÷ {_num(totals[method])})"
                f" × (1 − {_num(a.rate, 4)})"
            )
        if gain > 0:
            result.append(
                StandardPriority(
                    line.code,
                    line.text,
                    gain.quantize(PLACES),
                    " + ".join(terms) + f" = {_num(gain, 4)}",
                )
            )
    result.sort(key=lambda p: (-p.gain, p.code))
    return result[:limit]


def priorities(*, actor, region=None, unit=None, limit: int = 20) -> dict:
    """Both lists for a scope (the city when neither region nor unit is given)."""
    system = prediction.current_system()
    if system is None:
        return {"system": None, "problems": [], "standards": [], "note": _("No evaluation system.")}
    return {
        "system": system,
        "problems": problem_priorities(
            actor=actor, system=system, region=region, unit=unit, limit=limit
        ),
        "standards": standard_priorities(system=system, region=region, unit=unit, limit=limit),
    }
