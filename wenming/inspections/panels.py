"""The inspections app's home-page panels, one for each kind of reader.

- inspectors and evaluators: their open visits (assigned, started, sent back);
- office and leaders: the open rounds with the visits awaiting review, and the latest field
  score (the newest round with scored visits);
- region and unit officers: the latest results of the visits in their scope.
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from wenming.core.roles import Role
from wenming.standards.models import PointType

from . import scoring, selectors
from .models import RoundStatus, VisitStatus

LATEST = 5


def panel_my_visits(request):
    user = request.user
    if getattr(user, "role", None) not in (Role.INSPECTOR, Role.EVALUATOR):
        return None
    n = selectors.my_open_visits(actor=user)
    return {
        "title": _("My visits"),
        "order": 20,
        "empty": _("No visits are waiting for you."),
        "items": (
            [
                {
                    "label": _("Open visits"),
                    "count": n,
                    "url": reverse("inspections:visits"),
                    "tone": "primary",
                }
            ]
            if n
            else []
        ),
    }


def field_score_of(*, actor, round_):
    """The round's field score over the reader's visits (the rule of `scoring.field_score`,
    the same figure as `selectors.round_summary`, without the estimate)."""
    rows = (
        selectors.visits_visible(actor=actor, round_=round_)
        .filter(status__in=selectors.SCORED, score__isnull=False)
        .order_by()
        .values_list("point_type__code")
        .annotate(total=Sum("score"), n=Count("id"))
    )
    # As round_summary computes it: Σ score ÷ n in decimals, to the cent.
    means = {code: scoring.mean([total / n]) for code, total, n in rows}
    weights = dict(PointType.objects.filter(code__in=means).values_list("code", "sampling_weight"))
    return scoring.field_score(means, weights)


def panel_rounds(request):
    user = request.user
    if getattr(user, "role", None) not in (Role.OFFICE_ADMIN, Role.LEADER):
        return None
    open_rounds = (
        selectors.rounds_visible(actor=user)
        .filter(status=RoundStatus.OPEN)
        .annotate(waiting=Count("visits", filter=Q(visits__status=VisitStatus.SUBMITTED)))
        .order_by("-opens_on", "-id")[:LATEST]
    )
    items = [
        {
            "label": r.name,
            "count": r.waiting,
            "url": reverse("inspections:round", args=[r.pk]),
            "tone": "warning" if r.waiting else "secondary",
        }
        for r in open_rounds
    ]
    latest = (
        selectors.rounds_visible(actor=user)
        .filter(visits__status__in=selectors.SCORED)
        .distinct()
        .order_by("-closes_on", "-id")
        .first()
    )
    text = ""
    if latest is not None:
        score = field_score_of(actor=user, round_=latest)
        if score is not None:
            text = _("Latest field score: %(score)s (%(round)s).") % {
                "score": score,
                "round": latest.name,
            }
    return {
        "title": _("Open inspection rounds: awaiting review"),
        "order": 25,
        "text": text,
        "empty": _("No round is open."),
        "items": items,
    }


def panel_my_results(request):
    user = request.user
    if getattr(user, "role", None) not in (Role.REGION_OFFICER, Role.UNIT_OFFICER):
        return None
    latest = (
        selectors.visits_visible(actor=user)
        .filter(status__in=selectors.SCORED, score__isnull=False)
        .order_by("-submitted_at", "-id")[:LATEST]
    )
    return {
        "title": _("Latest inspection results"),
        "order": 25,
        "empty": _("No inspection results in your scope yet."),
        "items": [
            {
                "label": f"{v.point.name} · {v.round.name}",
                "count": v.score,
                "url": reverse("inspections:visit", args=[v.pk]),
                "tone": "success" if v.score >= 85 else "warning" if v.score >= 70 else "danger",
            }
            for v in latest
        ],
    }


PANELS = (panel_my_visits, panel_rounds, panel_my_results)
