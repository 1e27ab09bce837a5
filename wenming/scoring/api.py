"""Scores, breakdowns, the predicted national score and what to fix first, scoped like every
read: a breakdown or a priority list outside the reader's scope is a 404."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router

from wenming.core.errors import NotAllowed, NotFound
from wenming.org.models import Region, Unit

from . import prediction, selectors, weeks
from .models import RANKING_ORDER, Component, Score
from .priorities import priorities as priorities_for
from .selectors import sees_all

router = Router(tags=["scoring"])


def _f(value) -> float | None:
    return None if value is None else float(value)


def component_out(c) -> dict:
    return {
        "key": c.key,
        "label": str(Component(c.key).label),
        "has_data": c.has_data,
        "rate": _f(c.rate),
        "value": _f(c.value),
        "numerator": c.numerator,
        "denominator": c.denominator,
        "weight": _f(c.weight),
        "applied_weight": _f(c.effective_weight),
        "contribution": _f(c.contribution),
    }


def score_out(score: Score, *, components: bool = True) -> dict:
    data = {
        "subject": score.subject,
        "name": selectors.subject_name(score),
        "kind": score.subject_kind,
        "tier": score.tier,
        "status": score.status,
        "composite": _f(score.composite),
        "grade": score.grade,
        "rank": score.rank,
        "peers": score.peers,
        "change": _f(score.change),
        "previous_rank": score.previous_rank,
        "weights_redistributed": score.redistributed,
        "problems_due": score.problems_due,
        "visits": score.visits,
    }
    if components:
        data["components"] = [component_out(c) for c in selectors.components_of(score)]
    return data


def _snapshot_out(snapshot) -> dict | None:
    if snapshot is None:
        return None
    return {
        "month": f"{snapshot.month:%Y-%m}",
        "version": snapshot.version,
        "status": snapshot.status,
        "computed_at": snapshot.computed_at.isoformat(),
        "weights": snapshot.weights,
    }


def _week_item(row) -> dict:
    """A stored week's row under the names of `score_out` (no change: a week has none)."""
    return {
        "subject": row.subject,
        "name": row.display_name,
        "kind": row.subject_kind,
        "tier": row.tier,
        "status": row.status,
        "composite": _f(row.composite),
        "grade": row.grade,
        "rank": row.rank,
        "peers": row.peers,
        "change": None,
        "previous_rank": None,
        "weights_redistributed": row.redistributed,
        "problems_due": row.problems_due,
        "visits": row.visits,
        "components": [component_out(c) for c in row.parts],
    }


def _week_out(actor, week: str, level: str | None) -> dict:
    period = weeks.week_parse(week)
    ranking, rows = weeks.week_read(actor=actor, period=period, level=level, components=True)
    ready = ranking is not None and ranking.computed_at is not None
    data = {
        "week": weeks.week_label(period),
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "snapshot": None,
        "status": "ready" if ready else "queued",
        "as_of": ranking.computed_at.isoformat() if ready else None,
        "items": [_week_item(row) for row in rows],
    }
    if not ready:
        data["message"] = _("The week is being computed by the worker; ask again in a moment.")
    return data


@router.get("/scores", summary="A month's (or an ISO week's) scores with their components")
def scores(request, month: str | None = None, level: str | None = None, week: str | None = None):
    """`?month=YYYY-MM` reads the month's snapshot; `?week=YYYY-Www` the ISO week's ranking as
    the worker last stored it (`as_of`; none yet: queued, `status: "queued"`; see weeks.py)."""
    if week:
        return _week_out(request.auth, week, level)
    period, snapshot = selectors.snapshot_for(actor=request.auth, month=month)
    if snapshot is None:
        return {
            "month": period.label if period else month,
            "snapshot": None,
            "items": [],
            "message": _("There are no scores for this month yet."),
        }
    rows = selectors.scores_visible(actor=request.auth, snapshot=snapshot, level=level)
    return {
        "month": period.label,
        "snapshot": _snapshot_out(snapshot),
        "items": [score_out(s) for s in rows.order_by("tier", *RANKING_ORDER)],
    }


@router.get("/scores/{subject}/breakdown", summary="One subject's score, explained")
def breakdown(request, subject: str, month: str | None = None):
    period, snapshot = selectors.snapshot_for(actor=request.auth, month=month)
    if snapshot is None:
        raise NotFound(_("There are no scores for this month yet."), code="no_snapshot")
    score = selectors.score_get(actor=request.auth, subject=subject, snapshot=snapshot)
    data = score_out(score)
    data["month"] = period.label
    data["snapshot"] = _snapshot_out(snapshot)
    data["check"] = {
        "sum_of_contributions": _f(
            sum((c.contribution for c in score.components.all()), Decimal(0))
        ),
        "composite": _f(score.composite),
    }
    step = selectors.ladder_state(subject=score.subject, month=score.month)
    data["ladder"] = (
        {"step": step.step, "label": step.get_step_display(), "streak": step.streak}
        if step
        else None
    )
    data["evidence"] = selectors.evidence(actor=request.auth, score=score)
    for v in data["evidence"]["visits"]:
        v["score"] = _f(v["score"])
    for row in data["evidence"]["problems"] + data["evidence"]["tasks"]:
        row["deadline"] = row["deadline"].isoformat() if row["deadline"] else None
    return data


def prediction_out(p: prediction.Prediction) -> dict:
    def methods(pred):
        return [
            {
                "method": m.method,
                "label": m.label,
                "weight": _f(m.weight),
                "points": _f(m.points),
                "points_with_data": _f(m.points_with_data),
                "achievement": _f(m.achievement),
                "score": _f(m.score),
            }
            for m in pred.methods
        ]

    pre = p.prerequisite
    return {
        "system": p.system.code if p.system else None,
        "status": p.status,
        "annual": _f(p.annual),
        "before_deductions": _f(p.raw),
        "deductions": _f(p.deductions),
        "low": _f(p.low),
        "high": _f(p.high),
        "partial": p.partial,
        "field_interval": list(p.field_interval) if p.field_interval else None,
        "methods": methods(p),
        "cycle": {
            "score": _f(p.cycle.get("score")),
            "partial": p.cycle.get("partial", False),
            "years": [
                {**y, "weight": _f(y["weight"]), "score": _f(y["score"])}
                for y in p.cycle.get("years", [])
            ],
        },
        "prerequisite": (
            {
                "system": pre.system.code,
                "score": _f(pre.annual),
                "threshold": _f(p.threshold),
                "methods": methods(pre),
            }
            if pre is not None
            else None
        ),
        "events": [
            {
                "id": e.event.pk,
                "occurred_on": e.event.occurred_on.isoformat(),
                "description": e.event.description,
                "kind": e.kind,
                "outcome": e.outcome,
                "effect": e.label,
                "deduction": _f(e.deduction),
            }
            for e in p.events
        ],
        "can_pass": p.can_pass,
        "blockers": p.blockers,
    }


@router.get("/predicted-score", summary="The city's predicted national score (office, leaders)")
def predicted_score(request):
    if not sees_all(request.auth):
        raise NotAllowed(_("The predicted score is for the office and the city's leaders."))
    return prediction_out(prediction.predict())


def resolve_scope(actor, region_code: str | None, unit_code: str | None):
    """The region and unit asked for, within the reader's scope (404 otherwise); a region or
    unit officer who names neither gets their own."""
    region = unit = None
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise NotFound(_("No such region."), code="region_not_found")
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise NotFound(_("No such unit."), code="unit_not_found")
    if not sees_all(actor) and region is None and unit is None:
        region = getattr(actor, "region", None)
        unit = getattr(actor, "unit", None) if region is None else None
        if region is None and unit is None:
            raise NotFound(_("Nothing to rank in the data you may see."))
    selectors.subject_scope_check(actor=actor, region=region, unit=unit)
    return region, unit


@router.get("/priorities", summary="What to fix first, by the predicted score it recovers")
def priorities(request, region: str | None = None, unit: str | None = None, limit: int = 20):
    region_obj, unit_obj = resolve_scope(request.auth, region, unit)
    result = priorities_for(
        actor=request.auth, region=region_obj, unit=unit_obj, limit=max(1, min(limit, 100))
    )
    return {
        "region": region_obj.code if region_obj else None,
        "unit": unit_obj.code if unit_obj else None,
        "system": result["system"].code if result["system"] else None,
        "problems": [
            {
                "code": p.code,
                "title": p.title,
                "standard": p.standard,
                "point_type": p.point_type,
                "gain": _f(p.gain),
                "arithmetic": p.arithmetic,
            }
            for p in result["problems"]
        ],
        "standards": [
            {"code": s.code, "text": s.text, "gain": _f(s.gain), "arithmetic": s.arithmetic}
            for s in result["standards"]
        ],
    }
