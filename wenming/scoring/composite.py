"""The composite score, its grade and the ranks, as pure functions (docs/scoring.md).

- a component's **value** is points out of 100: a rate or share where more is better counts
  as 100 × rate (on-time closing 0.9 → 90; the material score 0.8 → 80); a rate where less is
  better is turned round, 100 × (1 − rate) (rework 0.1 → 90); the field score is already out
  of 100;
- the **weights** are percentages per component, adding up to exactly 100 (the office sets them
  per campaign; the defaults are domain.md's published district score: closed on time 30,
  handled on time 20, no rework 20, not overdue 20, not extended 10);
- a component **without data** (nothing due, no visit, its source not installed) shares its
  weight among the weighted components that have data, in proportion to their weights: the
  applied weight of component i is w_i × 100 ÷ Σ w_j over those; the score is marked
  "weights redistributed";
- the **contribution** of component i is value_i × applied weight_i ÷ 100, rounded to the cent
  (half up); the **composite** is the sum of the contributions, so they add up to it exactly;
- the **grade**: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E (domain.md);
- the **rank** among peers: by composite, highest first; equal composites share a rank and
  the next rank skips (1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from wenming.core.errors import InvalidInput

from .models import Component

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ZERO = Decimal(0)

# Rates where less is better: their value is 100 × (1 − rate).
INVERTED = frozenset(
    {
        Component.REWORK,
        Component.OVERDUE_PENDING,
        Component.EXTENSION,
        Component.RECURRENCE,
    }
)
# Components already out of 100 (not rates); the material score comes as a share (0–1).
POINTS = frozenset({Component.FIELD})

DEFAULT_WEIGHTS: dict[str, Decimal] = {
    Component.ON_TIME_CLOSING: Decimal(30),
    Component.ON_TIME_HANDLING: Decimal(20),
    Component.REWORK: Decimal(20),
    Component.OVERDUE_PENDING: Decimal(20),
    Component.EXTENSION: Decimal(10),
}

GRADES = ((Decimal(90), "A"), (Decimal(75), "B"), (Decimal(60), "C"), (Decimal(40), "D"))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def weights_clean(weights: Mapping[str, object]) -> dict[str, Decimal]:
    """Every component's weight as a Decimal (missing ones 0); refuses unknown components,
    negative weights and weights that do not add up to 100, naming the sum."""
    known = set(Component.values)
    unknown = sorted(set(weights) - known)
    if unknown:
        raise InvalidInput(
            _("Unknown component: %(names)s.") % {"names": ", ".join(unknown)}, code="bad_weights"
        )
    clean = {}
    for key in Component.values:
        raw = weights.get(key, 0)
        try:
            value = Decimal(str(raw if raw not in (None, "") else 0))
        except ArithmeticError:
            raise InvalidInput(
                _("The weight of %(name)s is not a number.") % {"name": key}, code="bad_weights"
            ) from None
        if not value.is_finite() or value < 0:
            raise InvalidInput(
                _("The weight of %(name)s must be zero or more.") % {"name": key},
                code="bad_weights",
            )
        clean[key] = value
    total = sum(clean.values(), ZERO)
    if total != HUNDRED:
        raise InvalidInput(
            _("The weights add up to %(sum)s%%, not 100%%.") % {"sum": f"{total.normalize():f}"},
            code="weights_not_100",
            details={"sum": f"{total.normalize():f}"},
        )
    return clean


def component_value(key: str, rate: Decimal | float | None) -> Decimal | None:
    """A source figure as points out of 100 (see the module's rule); None without data."""
    if rate is None:
        return None
    rate = Decimal(str(rate))
    if key in POINTS:
        return cents(rate)
    if key in INVERTED:
        return cents(HUNDRED * (1 - rate))
    return cents(HUNDRED * rate)


@dataclass(frozen=True)
class Part:
    key: str
    value: Decimal | None
    weight: Decimal
    applied: Decimal  # the weight applied after sharing out the no-data weights
    contribution: Decimal


@dataclass(frozen=True)
class Composite:
    parts: tuple[Part, ...]
    total: Decimal | None
    redistributed: bool


def composite(values: Mapping[str, Decimal | None], weights: Mapping[str, Decimal]) -> Composite:
    """Σ contributions with the no-data weights shared out (the module's rule)."""
    weighted_with_data = {k: w for k, w in weights.items() if w > 0 and values.get(k) is not None}
    base = sum(weighted_with_data.values(), ZERO)
    redistributed = any(w > 0 and values.get(k) is None for k, w in weights.items())
    parts = []
    for key in Component.values:
        weight = weights.get(key, ZERO)
        value = values.get(key)
        if base and key in weighted_with_data:
            applied = weight * HUNDRED / base
            contribution = cents(value * weight / base)
        else:
            applied = contribution = ZERO
        parts.append(Part(key, value, weight, applied, contribution))
    total = sum((p.contribution for p in parts), ZERO) if base else None
    return Composite(tuple(parts), total, redistributed)


def grade(total: Decimal | None) -> str:
    """A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E; '' without a composite."""
    if total is None:
        return ""
    for floor, letter in GRADES:
        if total >= floor:
            return letter
    return "E"


def ranks(totals: Iterable[tuple[str, Decimal]]) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) by total, highest first; ties keep the subject order."""
    ordered = sorted(totals, key=lambda item: (-item[1], item[0]))
    result, previous, rank = {}, None, 0
    for position, (subject, total) in enumerate(ordered, start=1):
        if total != previous:
            rank, previous = position, total
        result[subject] = rank
    return result


def weighted_mean(values: Mapping[str, Decimal | None], weights: Mapping[str, Decimal]):
    """Σ w v ÷ Σ w over the keys with a value (the cycle score's rule); None when none."""
    present = {k: Decimal(weights[k]) for k in weights if values.get(k) is not None}
    total = sum(present.values(), ZERO)
    if not total:
        return None
    return sum((w * Decimal(values[k]) for k, w in present.items()), ZERO) / total
