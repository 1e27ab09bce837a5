"""The field scores of inspections, as pure functions (the formulas of docs/inspections.md).

Every figure is computed from plain numbers so that a test can check it by hand and the
monthly snapshot (issue 16) can recompute it from stored sums:

- an item's possible points are its checklist weight (`ChecklistItem.deduction`: what failing
  it costs); a pass/fail item earns all of it or nothing; an item with a sampling rule earns
  it in the share of places that passed (places observed − places failed) ÷ places observed;
- visit score = 100 × Σ earned ÷ Σ possible over the applicable items (not applicable items
  count for neither), earned never below 0;
- point-type score = the mean of its visit scores;
- field score of a district or a round = Σ type weight × type score over the types present,
  the weights renormalised to add up to 1;
- score rate (得分率) = places passed ÷ places observed over all items, a pass/fail item
  counting as one place: the figure national and mock-assessment reports quote.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from wenming.standards.scoring import PASS_FAIL, SCORE_RATE, Observed, checklist_score

PASS, FAIL, NOT_APPLICABLE = "pass", "fail", "na"
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Answer:
    """One checklist item's answer on a visit."""

    possible: Decimal  # the item's weight: what failing it outright costs
    answer: str  # pass, fail or na
    places_observed: int | None = None  # items with a sampling rule
    places_failed: int | None = None


@dataclass(frozen=True)
class VisitSums:
    earned: Decimal
    possible: Decimal
    places_observed: int
    places_passed: int

    @property
    def score(self) -> Decimal | None:
        """100 × earned ÷ possible, to the cent; None when nothing applied."""
        if not self.possible:
            return None
        return (HUNDRED * self.earned / self.possible).quantize(CENT, ROUND_HALF_UP)

    @property
    def score_rate(self) -> Decimal | None:
        """Places passed ÷ places observed, as a percentage to the cent."""
        if not self.places_observed:
            return None
        return (HUNDRED * self.places_passed / self.places_observed).quantize(CENT, ROUND_HALF_UP)


def _observed(answer: Answer) -> Observed:
    """One applicable answer as the checklist rule of `wenming.standards.scoring` reads it: a
    sampled item (places counted) is scored by its rate, any other is one pass/fail place."""
    if answer.places_observed:
        observed = answer.places_observed
        # The places counted decide, whatever the overall answer (a "pass" within tolerance
        # still reports the places that failed).
        failed = min(max(answer.places_failed or 0, 0), observed)
        return Observed(answer.possible, SCORE_RATE, observed, observed - failed)
    return Observed(answer.possible, PASS_FAIL, 1, 1 if answer.answer == PASS else 0)


def visit_sums(answers: Iterable[Answer]) -> VisitSums:
    """Σ earned, Σ possible and the places of a visit, over its applicable items: the one
    checklist rule (`standards.scoring.checklist_score`) applied to the visit's answers."""
    score = checklist_score(_observed(a) for a in answers if a.answer != NOT_APPLICABLE)
    return VisitSums(score.points, score.points_possible, score.observed, score.passed)


def mean(values: Iterable[Decimal]) -> Decimal | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP)


def type_scores(visit_scores: Iterable[tuple[str, Decimal | None]]) -> dict[str, Decimal]:
    """Point-type score = the mean of its visit scores (visits with no score left out)."""
    by_type: dict[str, list[Decimal]] = {}
    for point_type, score in visit_scores:
        if score is not None:
            by_type.setdefault(point_type, []).append(score)
    return {t: mean(scores) for t, scores in by_type.items()}


def field_score(
    scores_by_type: Mapping[str, Decimal], weights: Mapping[str, Decimal]
) -> Decimal | None:
    """Σ weight × type score over the types present, weights renormalised to add up to 1.

    A type without a weight counts with weight 1 (the point type's default); a type whose
    weight is 0 does not count. None when no weighted type is present."""
    present = {t: Decimal(weights.get(t, 1)) for t in scores_by_type}
    total = sum(present.values(), Decimal(0))
    if not total:
        return None
    value = sum((w * scores_by_type[t] for t, w in present.items()), Decimal(0)) / total
    return value.quantize(CENT, ROUND_HALF_UP)
