"""The predicted national score of the city (docs/scoring.md, "Predicted score").

Per standard (content line) and method, an **achievement** between 0 and 1:

- field: the pass rate of its checklist items in the approved visits of the last
  `field_window_months` months: Σ places passed ÷ Σ places observed (a pass/fail item is one
  place; the score rate of `standards.scoring`, which national reports quote);
- material: the materials app's review score of the standard (points earned ÷ due, 0–1);
- questionnaire: the surveys app's result for the standard, else the figure the office entered.

A method's **score** is its weight (material 40, field 40, questionnaire 20 by default: the
system's) × Σ points × achievement ÷ Σ points, over the standards that have data for it (the
points are the clauses' points of that method). The **annual** score is Σ of the method scores
over the methods with data, scaled to 100 when a method has none (the composite's rule,
marked "partial"); deductions of negative-list events are taken off.

The **range**: the field score's 95 % interval from the inspections' stratified estimate
(`inspections.estimate`) over the same visits, carried as weight_field × half-width ÷ 100,
combined in quadrature with the questionnaire's margins (weight × the points-weighted margin),
and scaled like the score when it is partial (× Σ weights ÷ Σ weights with data).

The **cycle** score weights the stored annual results of the cycle's three years 15/25/60 (the
office's settings), this year's being the prediction when no result is stored; missing years
are left out and the weights scaled (marked).

The **prerequisite** (minors' moral education) system is predicted the same way on its own
and must reach its threshold (85 when the system names none); hard-requirement and
negative-list events take effect by the city's status (`EFFECTS`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenming.inspections.estimate import Stratum, stratified_estimate
from wenming.inspections.models import Visit, VisitAnswer, VisitStatus
from wenming.points.models import Point
from wenming.standards.models import (
    CLAUSE_METHOD_FIELDS,
    METHOD_ORDER,
    Clause,
    EvaluationSystem,
    Method,
    Penalty,
    PointType,
    Standard,
    SystemKind,
    SystemStatus,
)

from .composite import cents, weighted_mean
from .models import AnnualResult, CityStatus, ComplianceEvent, QuestionnaireFigure
from .services.common import settings_get
from .sources import optional

ZERO = Decimal(0)
HUNDRED = Decimal(100)
DEFAULT_THRESHOLD = Decimal(85)

# What an event does, by the city's status (domain.md: "a veto bars a candidate, and suspends
# or revokes a title"). Keys: the effect ("veto" for a hard requirement) → status → outcome.
BARRED, SUSPENDED, REVOKED, NOMINATION_SUSPENDED, DEDUCTED, WARNING = (
    "barred",
    "title_suspended",
    "title_revoked",
    "nomination_suspended",
    "deducted",
    "warning",
)
EFFECTS = {
    "veto": {
        CityStatus.NOMINATED: BARRED,
        CityStatus.TITLED: SUSPENDED,
        CityStatus.RECHECK: SUSPENDED,
    },
    Penalty.DEDUCT: dict.fromkeys(CityStatus.values, DEDUCTED),
    Penalty.SUSPEND_NOMINATION: {
        CityStatus.NOMINATED: NOMINATION_SUSPENDED,
        CityStatus.TITLED: WARNING,
        CityStatus.RECHECK: WARNING,
    },
    Penalty.SUSPEND_TITLE: {
        CityStatus.NOMINATED: NOMINATION_SUSPENDED,
        CityStatus.TITLED: SUSPENDED,
        CityStatus.RECHECK: SUSPENDED,
    },
    Penalty.REVOKE_TITLE: {
        CityStatus.NOMINATED: BARRED,
        CityStatus.TITLED: REVOKED,
        CityStatus.RECHECK: REVOKED,
    },
}
OUTCOME_LABELS = {
    BARRED: gettext_lazy("bars the city from the title this cycle"),
    SUSPENDED: gettext_lazy("suspends the title"),
    REVOKED: gettext_lazy("revokes the title"),
    NOMINATION_SUSPENDED: gettext_lazy("suspends the nomination"),
    DEDUCTED: gettext_lazy("deducts points"),
    WARNING: gettext_lazy("a warning: no effect on the title"),
}
BLOCKING = frozenset({BARRED, SUSPENDED, REVOKED, NOMINATION_SUSPENDED})


@dataclass
class Achievement:
    rate: Decimal  # 0–1
    n: int | None
    source: str  # visits, materials, survey, office
    margin: Decimal | None = None


@dataclass
class StandardLine:
    id: int
    code: str
    text: str
    points: dict[str, Decimal]  # method → points
    achievement: dict[str, Achievement] = field(default_factory=dict)

    def earned(self, method: str) -> Decimal | None:
        a = self.achievement.get(method)
        return None if a is None else self.points[method] * a.rate


@dataclass
class MethodLine:
    method: str
    label: str
    weight: Decimal
    points: Decimal
    points_with_data: Decimal
    achievement: Decimal | None  # 0–1
    score: Decimal | None  # weight × achievement

    @property
    def coverage(self) -> Decimal | None:
        return (self.points_with_data / self.points) if self.points else None


@dataclass
class EventLine:
    event: ComplianceEvent
    kind: str  # veto or the penalty
    outcome: str
    label: str
    deduction: Decimal = ZERO


@dataclass
class Prediction:
    system: EvaluationSystem | None
    methods: list[MethodLine] = field(default_factory=list)
    standards: list[StandardLine] = field(default_factory=list)
    raw: Decimal | None = None  # before deductions
    deductions: Decimal = ZERO
    annual: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    partial: bool = False
    field_interval: tuple[float, float] | None = None
    events: list[EventLine] = field(default_factory=list)
    prerequisite: Prediction | None = None
    threshold: Decimal | None = None
    cycle: dict = field(default_factory=dict)
    status: str = CityStatus.NOMINATED
    blockers: list[str] = field(default_factory=list)

    @property
    def can_pass(self) -> bool:
        return not self.blockers

    @property
    def status_label(self) -> str:
        return str(CityStatus(self.status).label)


def _window_start(months: int) -> date:
    return timezone.localdate() - timedelta(days=31 * months)


def approved_visits(*, months: int, region_ids=None):
    """The approved visits the field achievement reads (reviewed within the window)."""
    qs = Visit.objects.filter(
        status=VisitStatus.APPROVED, reviewed_at__date__gte=_window_start(months)
    )
    if region_ids is not None:
        qs = qs.filter(region_id__in=region_ids)
    return qs


PLACES_OBSERVED = Case(
    When(places_observed__gt=0, then=F("places_observed")),
    default=Value(1),
    output_field=IntegerField(),
)
PLACES_PASSED = Case(
    When(places_observed__gt=0, then=F("places_observed") - Coalesce("places_failed", 0)),
    When(answer="pass", then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)


def field_achievements(*, system, visits) -> dict[int, Achievement]:
    """Per standard: Σ places passed ÷ Σ places observed of its items in `visits` (one query)."""
    rows = (
        VisitAnswer.objects.filter(visit__in=visits.values("pk"), item__system=system)
        .exclude(answer="na")
        .order_by()
        .values("item__standard_id")
        .annotate(observed=Sum(PLACES_OBSERVED), passed=Sum(PLACES_PASSED))
    )
    result = {}
    for row in rows:
        if row["observed"]:
            rate = (Decimal(row["passed"]) / Decimal(row["observed"])).quantize(Decimal("0.0001"))
            result[row["item__standard_id"]] = Achievement(
                min(max(rate, ZERO), Decimal(1)), row["observed"], "visits"
            )
    return result


def points_by_standard(system) -> dict[int, dict[str, Decimal]]:
    rows = (
        Clause.objects.filter(system=system)
        .order_by()
        .values("standard_id")
        .annotate(**{m: Sum(CLAUSE_METHOD_FIELDS[m]) for m in METHOD_ORDER})
    )
    return {r["standard_id"]: {m: Decimal(str(r[m] or 0)) for m in METHOD_ORDER} for r in rows}


def _external(module: str, name: str, **kwargs) -> dict:
    func = optional(module, name)
    return (func(**kwargs) or {}) if func is not None else {}


def _rate(row: dict) -> Decimal | None:
    """A share 0–1: surveys give a "rate", the materials app a "score" (points earned ÷ due)."""
    value = row.get("rate", row.get("score"))
    return None if value is None else Decimal(str(value))


def standard_lines(*, system, visits) -> list[StandardLine]:
    """Every standard of the system with its method points and its achievements."""
    points = points_by_standard(system)
    field_rates = field_achievements(system=system, visits=visits)
    end = timezone.localdate()
    start = end - timedelta(days=365)  # material evidence covers the 12 months before
    materials = (
        _external("wenming.materials.selectors", "material_scores", start=start, end=end).get(
            "standards"
        )
        or {}
    )
    surveys = _external(
        "wenming.surveys.selectors", "questionnaire_by_standard", start=start, end=end
    )
    figures = {
        q.standard_id: q for q in QuestionnaireFigure.objects.filter(standard__system=system)
    }
    lines = []
    for std in Standard.objects.filter(system=system).order_by("order", "code"):
        line = StandardLine(
            std.pk, std.code, std.text, points.get(std.pk, dict.fromkeys(METHOD_ORDER, ZERO))
        )
        if line.points[Method.FIELD] > 0 and std.pk in field_rates:
            line.achievement[Method.FIELD] = field_rates[std.pk]
        material = materials.get(std.pk)
        if line.points[Method.MATERIAL] > 0 and material and _rate(material) is not None:
            line.achievement[Method.MATERIAL] = Achievement(
                _rate(material), material.get("n"), "materials"
            )
        survey = surveys.get(std.pk)
        if line.points[Method.QUESTIONNAIRE] > 0:
            if survey and _rate(survey) is not None:
                margin = survey.get("margin")
                line.achievement[Method.QUESTIONNAIRE] = Achievement(
                    _rate(survey),
                    survey.get("n"),
                    "survey",
                    Decimal(str(margin)) if margin is not None else None,
                )
            elif std.pk in figures:
                q = figures[std.pk]
                line.achievement[Method.QUESTIONNAIRE] = Achievement(
                    q.rate, q.respondents, "office"
                )
        lines.append(line)
    return lines


def method_lines(system, lines: list[StandardLine]) -> list[MethodLine]:
    result = []
    for method in METHOD_ORDER:
        total = sum((line.points[method] for line in lines), ZERO)
        with_data = [line for line in lines if method in line.achievement]
        covered = sum((line.points[method] for line in with_data), ZERO)
        earned = sum((line.earned(method) for line in with_data), ZERO)
        achievement = (earned / covered) if covered else None
        weight = Decimal(system.weight_of(method))
        result.append(
            MethodLine(
                method,
                str(Method(method).label),
                weight,
                total,
                covered,
                achievement,
                weight * achievement if achievement is not None else None,
            )
        )
    return result


def field_interval(*, visits, weights: dict[str, float]) -> tuple[float, float] | None:
    """The field score's 95 % interval (0–100) from the inspections' stratified estimate: one
    stratum per point type, its population the type's active points."""
    scores: dict[str, list[float]] = {}
    for code, score in visits.filter(score__isnull=False).values_list("point_type__code", "score"):
        scores.setdefault(code, []).append(float(score))
    if not scores:
        return None
    population = dict(
        Point.objects.filter(is_active=True, point_type__code__in=list(scores))
        .order_by()
        .values_list("point_type__code")
        .annotate(n=Count("id"))
    )
    strata = [
        Stratum(code, "", max(population.get(code, 0), len(values)), tuple(values))
        for code, values in sorted(scores.items())
    ]
    estimate = stratified_estimate(strata, weights)
    if estimate.low is None:
        return None
    return estimate.low, estimate.high


def _half_width(methods: dict[str, MethodLine], lines, interval) -> Decimal:
    parts = []
    fld = methods[Method.FIELD]
    if interval is not None and fld.score is not None:
        parts.append(float(fld.weight) * (interval[1] - interval[0]) / 2 / 100)
    q = methods[Method.QUESTIONNAIRE]
    if q.score is not None and q.points_with_data:
        margin = sum(
            (
                line.points[Method.QUESTIONNAIRE] * line.achievement[Method.QUESTIONNAIRE].margin
                for line in lines
                if Method.QUESTIONNAIRE in line.achievement
                and line.achievement[Method.QUESTIONNAIRE].margin is not None
            ),
            ZERO,
        )
        parts.append(float(q.weight * margin / q.points_with_data))
    return Decimal(str(math.sqrt(sum(p * p for p in parts)))) if parts else ZERO


def predict_system(system: EvaluationSystem, *, months: int, region_ids=None) -> Prediction:
    """One system's predicted annual score, its methods and standards (no events, no cycle)."""
    visits = approved_visits(months=months, region_ids=region_ids)
    lines = standard_lines(system=system, visits=visits)
    methods = method_lines(system, lines)
    result = Prediction(system=system, methods=methods, standards=lines)
    scored = [m for m in methods if m.score is not None]
    if not scored:
        return result
    weight_with_data = sum((m.weight for m in scored), ZERO)
    weight_all = sum((m.weight for m in methods), ZERO)
    raw = sum((m.score for m in scored), ZERO)
    if weight_with_data != weight_all:
        result.partial = True
        raw = raw * weight_all / weight_with_data
    result.raw = cents(raw)
    weights = dict(PointType.objects.values_list("code", "sampling_weight"))
    result.field_interval = field_interval(
        visits=visits, weights={k: float(v) for k, v in weights.items()}
    )
    half = _half_width({m.method: m for m in methods}, lines, result.field_interval)
    if result.partial:
        # The methods with data were scaled up to 100, and so is what they are unsure of.
        half = half * weight_all / weight_with_data
    result.annual = result.raw
    result.low = cents(max(ZERO, result.raw - half))
    result.high = cents(min(weight_all or HUNDRED, result.raw + half))
    return result


def _event_lines(status: str) -> list[EventLine]:
    since = timezone.localdate() - timedelta(days=365)  # "within 12 months" (domain.md)
    rows = (
        ComplianceEvent.objects.filter(withdrawn_at__isnull=True, occurred_on__gte=since)
        .select_related("entry", "effect")
        .order_by("-occurred_on", "-id")
    )
    lines = []
    for row in rows:
        veto = row.is_veto or (row.entry is not None and row.entry.is_veto)
        kind = "veto" if veto else (row.effect.effect if row.effect else Penalty.DEDUCT)
        if veto and row.effect is not None and row.effect.effect == Penalty.REVOKE_TITLE:
            kind = Penalty.REVOKE_TITLE
        outcome = EFFECTS[kind][status]
        deduction = ZERO
        if outcome == DEDUCTED:
            deduction = Decimal(row.effect.deduction or 0) if row.effect else ZERO
        lines.append(EventLine(row, kind, outcome, str(OUTCOME_LABELS[outcome]), deduction))
    return lines


def _prerequisite_of(system: EvaluationSystem) -> EvaluationSystem | None:
    if system.prerequisite_id:
        return system.prerequisite
    return (
        EvaluationSystem.objects.filter(kind=SystemKind.PREREQUISITE, status=SystemStatus.ACTIVE)
        .order_by("-edition_year", "-id")
        .first()
    )


def current_system() -> EvaluationSystem | None:
    active = EvaluationSystem.objects.filter(kind=SystemKind.MAIN)
    return (
        active.filter(status=SystemStatus.ACTIVE).order_by("-edition_year", "-id").first()
        or active.order_by("-edition_year", "-id").first()
    )


def predict(*, system: EvaluationSystem | None = None) -> Prediction:
    """The city's predicted score: annual with its range, cycle, prerequisite, events."""
    settings = settings_get()
    system = system or current_system()
    if system is None:
        return Prediction(system=None, status=settings.city_status)
    result = predict_system(system, months=settings.field_window_months)
    result.status = settings.city_status
    result.events = _event_lines(settings.city_status)
    result.deductions = sum((e.deduction for e in result.events), ZERO)
    if result.raw is not None:
        result.annual = max(ZERO, result.raw - result.deductions)
        result.low = max(ZERO, result.low - result.deductions)
        result.high = max(ZERO, result.high - result.deductions)
    for line in result.events:
        if line.outcome in BLOCKING:
            result.blockers.append(
                _("%(event)s: %(effect)s.")
                % {"event": line.event.description, "effect": line.label}
            )
    prerequisite = _prerequisite_of(system)
    if prerequisite is not None:
        result.prerequisite = predict_system(prerequisite, months=settings.field_window_months)
        result.threshold = Decimal(prerequisite.threshold or DEFAULT_THRESHOLD)
        pre = result.prerequisite.annual
        if pre is None:
            result.blockers.append(
                _("The minors' moral education evaluation has no data yet: it must reach %(t)s.")
                % {"t": result.threshold}
            )
        elif pre < result.threshold:
            result.blockers.append(
                _(
                    "The minors' moral education evaluation is predicted at %(score)s, below its "
                    "threshold of %(t)s: the city cannot pass, whatever its main score."
                )
                % {"score": pre, "t": result.threshold}
            )
    result.cycle = cycle_score(result.annual, settings)
    return result


def cycle_score(this_year: Decimal | None, settings) -> dict:
    """The cycle's three years weighted by the settings (15/25/60 by default)."""
    year = timezone.localdate().year
    stored = dict(AnnualResult.objects.filter(year__gte=year - 2).values_list("year", "score"))
    years = [year - 2, year - 1, year]
    weights = [settings.cycle_weight_1, settings.cycle_weight_2, settings.cycle_weight_3]
    values = {}
    rows = []
    for y, w in zip(years, weights, strict=True):
        value, source = stored.get(y), "stored"
        if value is None and y == year and this_year is not None:
            value, source = this_year, "predicted"
        values[str(y)] = value
        rows.append(
            {"year": y, "weight": w, "score": value, "source": source if value is not None else ""}
        )
    total = weighted_mean(values, {str(y): w for y, w in zip(years, weights, strict=True)})
    return {
        "years": rows,
        "score": cents(total) if total is not None else None,
        "partial": any(v is None for v in values.values()),
    }
