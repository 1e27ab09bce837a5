"""The composite's rules against hand-computed numbers (composite.py's docstring)."""

from decimal import Decimal as D

import pytest

from wenming.core.errors import InvalidInput
from wenming.scoring import composite as rules
from wenming.scoring.models import Component as C


def test_default_weights_are_domain_md_district_score():
    w = rules.weights_clean(rules.DEFAULT_WEIGHTS)
    assert sum(w.values()) == 100
    assert w[C.ON_TIME_CLOSING] == 30 and w[C.EXTENSION] == 10 and w[C.FIELD] == 0


def test_weights_not_100_are_refused_with_the_sum():
    with pytest.raises(InvalidInput) as refused:
        rules.weights_clean({C.ON_TIME_CLOSING: 60, C.REWORK: "35.5"})
    assert "95.5%" in str(refused.value.message)
    assert refused.value.details == {"sum": "95.5"} and refused.value.code == "weights_not_100"


def test_unknown_or_negative_weights_are_refused():
    with pytest.raises(InvalidInput):
        rules.weights_clean({"beauty": 100})
    with pytest.raises(InvalidInput):
        rules.weights_clean({C.ON_TIME_CLOSING: 110, C.REWORK: -10})


def test_values_turn_bad_rates_round():
    assert rules.component_value(C.ON_TIME_CLOSING, D("0.25")) == D("25.00")
    assert rules.component_value(C.REWORK, D("0.25")) == D("75.00")
    assert rules.component_value(C.FIELD, D("82.456")) == D("82.46")
    assert rules.component_value(C.SATISFACTION, None) is None


def test_composite_by_hand():
    # Zhongshan in the metrics scene: 25, 50, 75, 75, 75 under 30/20/20/20/10.
    values = {
        C.ON_TIME_CLOSING: D(25),
        C.ON_TIME_HANDLING: D(50),
        C.REWORK: D(75),
        C.OVERDUE_PENDING: D(75),
        C.EXTENSION: D(75),
    }
    result = rules.composite(values, rules.weights_clean(rules.DEFAULT_WEIGHTS))
    parts = {p.key: p.contribution for p in result.parts}
    assert parts[C.ON_TIME_CLOSING] == D("7.50") and parts[C.EXTENSION] == D("7.50")
    assert result.total == D("55.00") and not result.redistributed
    assert sum(parts.values()) == result.total


def test_no_data_weight_is_shared_out():
    # Field 50 %, closing 30 %, handling 20 %; no field data: 30 → 60 %, 20 → 40 %.
    weights = rules.weights_clean({C.FIELD: 50, C.ON_TIME_CLOSING: 30, C.ON_TIME_HANDLING: 20})
    values = {C.ON_TIME_CLOSING: D("33.33"), C.ON_TIME_HANDLING: D("66.67")}
    result = rules.composite(values, weights)
    parts = {p.key: p for p in result.parts}
    assert parts[C.ON_TIME_CLOSING].applied == 60 and parts[C.ON_TIME_HANDLING].applied == 40
    # 33.33 × 0.6 = 19.998 → 20.00; 66.67 × 0.4 = 26.668 → 26.67; the total is their sum.
    assert parts[C.ON_TIME_CLOSING].contribution == D("20.00")
    assert parts[C.ON_TIME_HANDLING].contribution == D("26.67")
    assert result.total == D("46.67") and result.redistributed
    assert parts[C.FIELD].contribution == 0 and parts[C.FIELD].value is None


def test_nothing_weighted_has_data():
    result = rules.composite({C.FIELD: D(80)}, rules.weights_clean(rules.DEFAULT_WEIGHTS))
    assert result.total is None


@pytest.mark.parametrize(
    "total, letter",
    [
        (D("90"), "A"),
        (D("89.99"), "B"),
        (D("75"), "B"),
        (D("60"), "C"),
        (D("40"), "D"),
        (D("39.99"), "E"),
        (None, ""),
    ],
)
def test_grades(total, letter):
    assert rules.grade(total) == letter


def test_ranks_share_ties_and_skip():
    assert rules.ranks([("a", D(80)), ("b", D(90)), ("c", D(80)), ("d", D(70))]) == {
        "b": 1,
        "a": 2,
        "c": 2,
        "d": 4,
    }


def test_weighted_mean_of_the_cycle():
    # 15/25/60 of 80, 85, 90: 12 + 21.25 + 54 = 87.25; without the first year: (21.25+54)/0.85.
    w = {"1": D(15), "2": D(25), "3": D(60)}
    assert rules.weighted_mean({"1": D(80), "2": D(85), "3": D(90)}, w) == D("87.25")
    assert rules.weighted_mean({"1": None, "2": D(85), "3": D(90)}, w).quantize(D("0.01")) == D(
        "88.53"
    )
