"""The scoring app's share of the demo city: the past twelve months' snapshots, published in
order (so the rankings move and the escalation ladder climbs), two stored annual results for
the cycle score, a questionnaire figure and a negative-list event for the predicted score.

Everything is computed by the services from the demo's ledger and visits, never invented.
The demo office asks for 60 problems due (or 5 visits) before it ranks a subject: the
generated ledger gives every district more than the default 10 a month, and at 60 the island
county of Changhai (about 50 a month at the small scale, fewer in the early months) shows as
"insufficient data".
"""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from wenming.standards.models import NegativeEffect, Penalty, Standard

from . import prediction, services
from .models import (
    AnnualResult,
    ComplianceEvent,
    EscalationStep,
    QuestionnaireFigure,
    ScoringEvent,
    ScoringSettings,
    Snapshot,
    WeightScheme,
)
from .services.snapshots import previous_month

DEMO_MIN_PROBLEMS_DUE = 60
MONTHS = 12


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def months_back(n: int) -> list[str]:
    """The n months before this one, oldest first."""
    first = timezone.localdate().replace(day=1)
    result = []
    for _i in range(n):
        first = previous_month(first)
        result.append(f"{first:%Y-%m}")
    return list(reversed(result))


def load(*, scale: str = "small", stdout=None) -> None:
    if Snapshot.objects.filter(is_demo=True).exists():
        _say(stdout, "Demo snapshots already exist.")
        return
    started = time.monotonic()
    settings = services.settings_get()
    settings.min_problems_due = DEMO_MIN_PROBLEMS_DUE
    settings.save()
    for month in months_back(MONTHS):
        snapshot = services.snapshot_compute(month=month, is_demo=True)
        services.snapshot_publish(snapshot=snapshot)
    year = timezone.localdate().year
    services.annual_result_set(
        actor=None, year=year - 2, score="78.6", note="demo: assessed", is_demo=True
    )
    services.annual_result_set(
        actor=None, year=year - 1, score="82.3", note="demo: assessed", is_demo=True
    )
    system = prediction.current_system()
    if system is not None:
        _questionnaire_figures(system)
        effect = (
            NegativeEffect.objects.filter(entry__system=system, effect=Penalty.DEDUCT)
            .order_by("entry__order", "grade")
            .first()
        )
        if effect is not None:
            services.compliance_event_record(
                actor=None,
                occurred_on=timezone.localdate() - timedelta(days=40),
                description="某街道上报创建材料中一张照片重复使用（演示）",
                effect=effect,
                is_demo=True,
            )
    _say(
        stdout,
        f"scoring: {MONTHS} monthly snapshots in {time.monotonic() - started:.1f} s "
        f"({EscalationStep.objects.count()} ladder steps)",
    )


def _questionnaire_figures(system) -> None:
    """The office's mock-survey figures for the questionnaire standards the surveys app does
    not measure (at most five, 0.80–0.92)."""
    rates = [Decimal("0.92"), Decimal("0.86"), Decimal("0.81"), Decimal("0.88"), Decimal("0.80")]
    standards = (
        Standard.objects.filter(system=system, clauses__points_questionnaire__gt=0)
        .distinct()
        .order_by("order", "code")[: len(rates)]
    )
    for standard, rate in zip(standards, rates, strict=False):
        services.questionnaire_figure_set(
            actor=None, standard=standard, rate=rate, respondents=400, note="演示：模拟测评"
        )


def reset(*, stdout=None) -> None:
    Snapshot.objects.filter(is_demo=True).delete()
    ScoringEvent.objects.filter(snapshot__isnull=True).delete()
    AnnualResult.objects.filter(is_demo=True).delete()
    ComplianceEvent.objects.filter(is_demo=True).delete()
    QuestionnaireFigure.objects.all().delete()
    WeightScheme.objects.filter(campaign__isnull=True).delete()
    ScoringSettings.objects.all().delete()
    _say(stdout, "Demo scores removed.")
