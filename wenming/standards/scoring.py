"""A checklist's score as the field forms report it: a score rate (得分率) beside points.

Field checks are mostly pass/fail per place observed, under a sampling rule ("walk 200 m from
the gate; every 20 m counts as one place"). A check scored `pass_fail` is one observation: it
passes or it does not, and a failure costs its whole deduction. A check scored `score_rate`
observes several places: its rate is places passed ÷ places observed and it loses its
deduction in proportion to the places failed.

Which average: the checklist's score rate is Σ places passed ÷ Σ places observed over all its
checks (how a mock assessment reports "1,166 observations, 70.1 %"), not the mean of the
checks' own rates; a check with no place observed counts in neither. Points are Σ deduction
at stake − Σ points lost. Pure: no database, so inspections and the predicted score can call
it on any rows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PASS_FAIL = "pass_fail"
SCORE_RATE = "score_rate"
CENT = Decimal("0.01")
ZERO = Decimal("0")


@dataclass(frozen=True)
class Observed:
    """What an inspector recorded for one check: places observed and passed, and its stake."""

    deduction: Decimal
    scoring: str = PASS_FAIL
    observed: int = 1
    passed: int = 1

    def __post_init__(self):
        if self.scoring not in (PASS_FAIL, SCORE_RATE):
            raise ValueError(f"unknown scoring {self.scoring!r}")
        if self.observed < 0 or not (0 <= self.passed <= self.observed):
            raise ValueError("places passed must lie between 0 and places observed")
        if self.scoring == PASS_FAIL and self.observed > 1:
            raise ValueError("a pass/fail check is one observation")


@dataclass(frozen=True)
class ChecklistScore:
    observed: int  # places observed, every check together
    passed: int
    rate: Decimal | None  # passed ÷ observed, 0–1 to four places; None when nothing observed
    points_possible: Decimal  # the deductions at stake in the checks observed
    points_lost: Decimal
    points: Decimal  # possible − lost

    @property
    def percent(self) -> Decimal | None:
        """The score rate as a percentage to one decimal (70.1), as reports print it."""
        if self.rate is None:
            return None
        return (self.rate * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def checklist_score(results: Iterable[Observed]) -> ChecklistScore:
    """Score rate and points of a checklist from what was observed at each check."""
    observed = passed = 0
    possible = lost = ZERO
    for result in results:
        if result.observed == 0:
            continue
        deduction = Decimal(result.deduction)
        observed += result.observed
        passed += result.passed
        possible += deduction
        failed = result.observed - result.passed
        if result.scoring == PASS_FAIL:
            lost += deduction if failed else ZERO
        else:
            lost += deduction * failed / result.observed
    lost = lost.quantize(CENT, rounding=ROUND_HALF_UP)
    rate = (
        (Decimal(passed) / Decimal(observed)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        if observed
        else None
    )
    return ChecklistScore(
        observed=observed,
        passed=passed,
        rate=rate,
        points_possible=possible,
        points_lost=lost,
        points=possible - lost,
    )


def places_on_route(*, route_m: int | None, spacing_m: int | None) -> int | None:
    """How many places a walk counts: a 200 m route at one place per 20 m is 10 places."""
    if not route_m or not spacing_m:
        return None
    return max(1, route_m // spacing_m)
