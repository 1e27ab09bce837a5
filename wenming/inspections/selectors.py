"""Every read of the inspections app a user sees, narrowed to the reader's scope."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from wenming.core.errors import NotFound
from wenming.core.roles import Role
from wenming.core.scope import scope_queryset, scope_unrestricted
from wenming.org.selectors import REGIONS
from wenming.standards.models import PointType

from . import estimate, scoring
from .models import Round, RoundKind, Visit, VisitStatus

# The visits whose scores count: submitted and not sent back (a rejected visit is redone).
SCORED = (VisitStatus.SUBMITTED, VisitStatus.APPROVED, VisitStatus.HAS_ISSUES)


def rounds_visible(*, actor) -> QuerySet:
    """Office and leaders: every round; inspectors: rounds with a visit of theirs; region and
    unit officers: rounds with a visit in their subtree or to a point of their unit."""
    return scope_queryset(Round.objects.all(), actor)


def round_get(*, actor, round_id: int) -> Round:
    found = rounds_visible(actor=actor).filter(pk=round_id).select_related("system").first()
    if found is None:
        raise NotFound(code="round_not_found")
    return found


def visits_visible(*, actor, round_=None, mine: bool = False) -> QuerySet:
    """Visits in the actor's scope (see `Visit.SCOPE`); `mine` narrows to their own team."""
    qs = scope_queryset(Visit.objects.all(), actor)
    if round_ is not None:
        qs = qs.filter(round=round_)
    if mine:
        qs = qs.filter(team=actor)
    return qs.select_related("point", "point_type", "round", "region")


def visit_get(*, actor, visit_id: int) -> Visit:
    """One visit in scope, or NotFound (404: a visit not assigned to you is not there)."""
    found = visits_visible(actor=actor).filter(pk=visit_id).first()
    if found is None:
        raise NotFound(code="visit_not_found")
    return found


@dataclass
class TypeLine:
    code: str
    name: str
    weight: Decimal
    visits: int
    score: Decimal | None
    earned: Decimal
    possible: Decimal
    score_rate: Decimal | None


@dataclass
class RoundSummary:
    visits: int
    by_status: dict[str, int]
    types: list[TypeLine]
    field_score: Decimal | None
    score_rate: Decimal | None
    estimate: estimate.Estimate | None = None
    pass_probability: float | None = None
    whole_round: bool = True
    strata: list[dict] = field(default_factory=list)


def round_summary(*, actor, round_: Round) -> RoundSummary:
    """The round's figures over the visits the reader may see (aggregates in SQL): counts by
    status, per point type the mean visit score, Σ earned, Σ possible and the score rate, the
    weighted field score; for a reader who sees the whole round, the stratified estimate."""
    visible = visits_visible(actor=actor, round_=round_)
    by_status = dict(
        visible.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    rows = (
        visible.filter(status__in=SCORED)
        .order_by()
        .values("point_type_id")
        .annotate(
            n=Count("id"),
            total=Sum("score"),
            earned=Sum("earned"),
            possible=Sum("possible"),
            observed=Sum("places_observed"),
            passed=Sum("places_passed"),
        )
    )
    types = {t.pk: t for t in PointType.objects.filter(pk__in=[r["point_type_id"] for r in rows])}
    lines = []
    for r in rows:
        t = types[r["point_type_id"]]
        lines.append(
            TypeLine(
                code=t.code,
                name=t.display_name,
                weight=t.sampling_weight,
                visits=r["n"],
                score=scoring.mean([r["total"] / r["n"]]) if r["n"] else None,
                earned=r["earned"] or Decimal(0),
                possible=r["possible"] or Decimal(0),
                score_rate=scoring.VisitSums(
                    Decimal(0), Decimal(0), r["observed"] or 0, r["passed"] or 0
                ).score_rate,
            )
        )
    lines.sort(key=lambda line: line.code)
    observed = sum(r["observed"] or 0 for r in rows)
    passed = sum(r["passed"] or 0 for r in rows)
    summary = RoundSummary(
        visits=sum(by_status.values()),
        by_status=by_status,
        types=lines,
        field_score=scoring.field_score(
            {line.code: line.score for line in lines if line.score is not None},
            {line.code: line.weight for line in lines},
        ),
        score_rate=scoring.VisitSums(Decimal(0), Decimal(0), observed, passed).score_rate,
        whole_round=scope_unrestricted(actor, Visit),
    )
    if summary.whole_round or evaluates_round(actor, round_):
        # The estimate is always the whole round's: an evaluator working a mock assessment
        # reads it as the visits come in (journeys.md), not the other evaluators' visits.
        weights = {t.code: float(t.sampling_weight) for t in _round_types(round_)}
        _add_estimate(summary, round_, weights)
    return summary


def evaluates_round(actor, round_: Round) -> bool:
    """A third-party evaluator on the team of one of a mock assessment's visits."""
    return (
        getattr(actor, "role", None) == Role.EVALUATOR
        and round_.kind == RoundKind.MOCK
        and Visit.objects.filter(round=round_, team=actor).exists()
    )


def _round_types(round_: Round):
    """The point types a round's visits cover (for the estimate's weights)."""
    return PointType.objects.filter(
        pk__in=Visit.objects.filter(round=round_).values("point_type_id")
    )


def _region_name(code: str) -> str:
    """A stratum's district by name, from the reference copy (no query per row)."""
    row = REGIONS.by_key(code) if code else None
    return row.display_name if row is not None else code


def _add_estimate(summary: RoundSummary, round_: Round, weights: dict) -> None:
    """The stratified estimate from the stored draw frame (see estimate.py)."""
    from .services import round_frame

    split = {p.point_type.code: p.by_district for p in round_.plans.select_related("point_type")}
    population = Counter(
        (p.point_type, p.district if split.get(p.point_type) else "") for p in round_frame(round_)
    )
    scores: dict[tuple[str, str], list[float]] = {}
    rows = (
        Visit.objects.filter(round=round_, status__in=SCORED, score__isnull=False)
        .order_by()
        .values_list("point_type__code", "district__code", "score")
    )
    for type_code, district, score in rows:
        key = (type_code, (district or "") if split.get(type_code) else "")
        scores.setdefault(key, []).append(float(score))
    strata = [
        estimate.Stratum(t, d, max(population.get((t, d), 0), len(s)), tuple(s))
        for (t, d), s in sorted(scores.items())
    ]
    type_names = {
        t.code: t.display_name
        for t in PointType.objects.filter(code__in={s.point_type for s in strata})
    }
    summary.strata = [
        {
            "type": s.point_type,
            "type_name": type_names.get(s.point_type, s.point_type),
            "district": s.district,
            "district_name": _region_name(s.district),
            "n": s.n,
            "population": s.population,
        }
        for s in strata
    ]
    summary.estimate = estimate.stratified_estimate(strata, weights)
    if round_.pass_threshold is not None:
        summary.pass_probability = summary.estimate.pass_probability(float(round_.pass_threshold))


def rounds_counts(*, actor) -> dict[str, int]:
    """Rounds by status the reader may see (for the home panel)."""
    qs = rounds_visible(actor=actor).order_by()
    return dict(
        qs.values_list("status").annotate(n=Count("id", distinct=True)).values_list("status", "n")
    )


def my_open_visits(*, actor) -> int:
    return (
        Visit.objects.filter(team=actor)
        .filter(
            Q(status=VisitStatus.ASSIGNED)
            | Q(status=VisitStatus.STARTED)
            | Q(status=VisitStatus.REJECTED)
        )
        .count()
    )
