"""The mock-assessment estimate against a synthetic city whose true scores are known."""

import random

import pytest

from wenming.inspections.estimate import Stratum, stratified_estimate, t975

# Six point types: (population, mean true score, spread, weight). Scores per point are drawn
# once; each simulated round then samples a share of every type without replacement.
CITY = {
    "market": (60, 72.0, 14.0, 2.0),
    "back_street": (240, 78.0, 12.0, 1.5),
    "school": (45, 88.0, 8.0, 1.0),
    "station": (12, 80.0, 10.0, 1.0),
    "park": (80, 84.0, 9.0, 1.0),
    "hospital": (30, 83.0, 11.0, 1.0),
}
SHARE = 0.35  # a large sampling fraction, so the finite-population correction matters


def _city(rng):
    points = {}
    for name, (size, mean, spread, _w) in CITY.items():
        points[name] = [min(100.0, max(0.0, rng.gauss(mean, spread))) for _ in range(size)]
    return points


def _truth(points):
    weights = {t: CITY[t][3] for t in points}
    total = sum(weights.values())
    return sum(weights[t] / total * (sum(p) / len(p)) for t, p in points.items())


def _round(points, rng):
    strata = []
    for name, scores in points.items():
        n = max(3, round(SHARE * len(scores)))
        strata.append(Stratum(name, "", len(scores), tuple(rng.sample(scores, n))))
    return strata


def test_the_interval_covers_the_truth_in_93_to_97_percent_of_1000_rounds():
    rng = random.Random(20261202)
    points = _city(rng)
    truth = _truth(points)
    weights = {t: CITY[t][3] for t in CITY}
    covered = 0
    for _ in range(1000):
        estimate = stratified_estimate(_round(points, rng), weights)
        covered += estimate.low <= truth <= estimate.high
    assert 930 <= covered <= 970, covered


def test_a_census_has_no_error_and_hits_the_truth():
    rng = random.Random(7)
    points = _city(rng)
    strata = [Stratum(t, "", len(s), tuple(s)) for t, s in points.items()]
    estimate = stratified_estimate(strata, {t: CITY[t][3] for t in CITY})
    assert estimate.standard_error == pytest.approx(0.0)
    assert estimate.score == pytest.approx(_truth(points))
    assert estimate.pass_probability(estimate.score - 0.01) == 1.0


def test_hand_computed_two_types_split_by_district():
    # Type A: district d1 N=10 sample (80, 90); district d2 N=30 sample (60, 70, 80).
    # Type B: N=5, sample (100, 90), weight 3 against A's 1.
    strata = [
        Stratum("A", "d1", 10, (80.0, 90.0)),
        Stratum("A", "d2", 30, (60.0, 70.0, 80.0)),
        Stratum("B", "", 5, (100.0, 90.0)),
    ]
    estimate = stratified_estimate(strata, {"A": 1.0, "B": 3.0})
    type_a = 10 / 40 * 85 + 30 / 40 * 70  # 73.75
    type_b = 95.0
    assert estimate.by_type == pytest.approx({"A": type_a, "B": type_b})
    assert estimate.score == pytest.approx(0.25 * type_a + 0.75 * type_b)  # 89.6875
    var_a = (10 / 40) ** 2 * (1 - 2 / 10) * 50 / 2 + (30 / 40) ** 2 * (1 - 3 / 30) * 100 / 3
    var_b = (1 - 2 / 5) * 50 / 2
    se = (0.25**2 * var_a + 0.75**2 * var_b) ** 0.5
    assert estimate.standard_error == pytest.approx(se)
    # Few visits: Student's t at the strata's effective degrees of freedom, wider than 1.96.
    half = estimate.score - estimate.low
    assert estimate.high - estimate.score == pytest.approx(half)
    terms = [
        0.25**2 * (10 / 40) ** 2 * (1 - 2 / 10) * 50 / 2,
        0.25**2 * (30 / 40) ** 2 * (1 - 3 / 30) * 100 / 3,
        0.75**2 * (1 - 2 / 5) * 50 / 2,
    ]
    df = sum(terms) ** 2 / (terms[0] ** 2 / 1 + terms[1] ** 2 / 2 + terms[2] ** 2 / 1)  # ≈ 1.28
    assert half == pytest.approx(t975(df) * se)
    assert 4.3 * se < half < 12.71 * se
    assert estimate.sample_sizes == {"A": (5, 40), "B": (2, 5)}
    # The chance that the truth clears the estimate itself is one half.
    assert estimate.pass_probability(estimate.score) == pytest.approx(0.5)
    assert estimate.pass_probability(estimate.score + 3 * se) == pytest.approx(0.00135, abs=1e-4)


def test_a_single_visit_stratum_borrows_the_pooled_variance():
    strata = [Stratum("A", "", 50, (70.0, 80.0, 90.0)), Stratum("B", "", 20, (85.0,))]
    estimate = stratified_estimate(strata)
    pooled = 100.0  # A's sample variance, the only one there is
    var = 0.25 * (1 - 3 / 50) * pooled / 3 + 0.25 * (1 - 1 / 20) * pooled / 1
    assert estimate.standard_error == pytest.approx(var**0.5)


def test_no_visits_is_no_estimate_never_a_made_up_one():
    estimate = stratified_estimate([Stratum("A", "", 10, ())])
    assert estimate.score is None and estimate.pass_probability(85) is None


@pytest.mark.parametrize(
    ("df", "table"), [(1, 12.706), (2, 4.303), (3, 3.182), (5, 2.571), (10, 2.228), (30, 2.042)]
)
def test_t_quantile_matches_the_tables(df, table):
    assert t975(df) == pytest.approx(table, abs=0.005)
    assert t975(float("inf")) == pytest.approx(1.959964, abs=1e-6)
