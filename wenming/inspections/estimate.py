"""The mock-assessment estimate: the city's field score from a stratified random sample.

A third-party mock round draws *n* points of each point type (optionally of each type in each
district) at random from the points the round covers. Its visit scores estimate what the
national evaluators would find if they visited every point. The estimator is the textbook
stratified mean (Cochran, *Sampling Techniques*, ch. 5):

- stratum h (a point type, or a type within a district) has N_h points, n_h visited, mean ȳ_h
  and sample variance s²_h of its visit scores;
- a type's score is Σ_d (N_d ÷ N_type) ȳ_d over its districts (one stratum when not split);
- the city's field score is Σ_t w_t × score_t over the types present, the weights w_t
  renormalised to add up to 1 (the same rule as `scoring.field_score`);
- its variance is Σ_t w_t² Σ_d (N_d ÷ N_type)² (1 − n_d ÷ N_d) s²_d ÷ n_d: the finite-
  population correction (1 − n/N) makes a stratum visited in full contribute no error;
- the 95 % interval is the estimate ± t standard errors, t being Student's 97.5 % quantile at
  the Satterthwaite effective degrees of freedom of the strata (small strata widen it; with
  many visits t → 1.96, the normal interval);
- the pass probability is the chance that the true score clears the office's threshold,
  read from the same normal approximation: Φ((estimate − threshold) ÷ standard error).

A stratum with a single visit has no sample variance of its own; it borrows the pooled
variance of the strata that have two or more, so that it widens the interval instead of
pretending to be exact. `tests/test_estimate.py` simulates 1,000 rounds over a synthetic city
with known true scores and checks that the interval covers the truth 93–97 % of the time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)


def t975(df: float) -> float:
    """Student's t 97.5 % quantile, by the Cornish–Fisher expansion around the normal one
    (Abramowitz & Stegun 26.7.5; within 0.01 of the tables from 3 degrees of freedom), exact
    below."""
    if df == math.inf or df > 1e6:
        return Z95
    if df < 3:
        # Below 3 the expansion drifts; the exact values at 1, 2 and 3 degrees of freedom,
        # interpolated in 1/df (the Satterthwaite figure is fractional).
        exact = {1.0: 12.706205, 2.0: 4.302653, 3.0: 3.182446}
        df = max(df, 1.0)
        low = math.floor(df)
        if low == df:
            return exact[float(low)]
        high = low + 1
        share = (1 / low - 1 / df) / (1 / low - 1 / high)
        return exact[float(low)] + share * (exact[float(high)] - exact[float(low)])
    z = Z95
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
        + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * df**4)
    )


@dataclass(frozen=True)
class Stratum:
    point_type: str
    district: str  # "" when the plan is not split by district
    population: int  # N_h: points of this type (and district) the round covers
    scores: tuple[float, ...]  # the approved visits' scores (0–100)

    @property
    def n(self) -> int:
        return len(self.scores)

    @property
    def mean(self) -> float:
        return sum(self.scores) / self.n

    @property
    def variance(self) -> float | None:
        if self.n < 2:
            return None
        m = self.mean
        return sum((s - m) ** 2 for s in self.scores) / (self.n - 1)


@dataclass
class Estimate:
    score: float | None
    standard_error: float | None
    low: float | None
    high: float | None
    by_type: dict[str, float] = field(default_factory=dict)
    sample_sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # type: (n, N)

    def pass_probability(self, threshold: float) -> float | None:
        """P(true score ≥ threshold) under the normal approximation; None without data."""
        if self.score is None:
            return None
        if not self.standard_error:
            return 1.0 if self.score >= threshold else 0.0
        return 1.0 - NormalDist(self.score, self.standard_error).cdf(threshold)


def _pooled_variance(strata: list[Stratum]) -> float:
    num = sum((s.n - 1) * s.variance for s in strata if s.variance is not None)
    den = sum(s.n - 1 for s in strata if s.variance is not None)
    return num / den if den else 0.0


def stratified_estimate(
    strata: Iterable[Stratum], weights: Mapping[str, float] | None = None
) -> Estimate:
    """The field score, its standard error and 95 % interval (see the module's formulas)."""
    weights = weights or {}
    sampled = [s for s in strata if s.n > 0 and s.population > 0]
    if not sampled:
        return Estimate(None, None, None, None)
    pooled = _pooled_variance(sampled)
    types: dict[str, list[Stratum]] = {}
    for s in sampled:
        types.setdefault(s.point_type, []).append(s)
    w = {t: float(weights.get(t, 1.0)) for t in types}
    total_w = sum(w.values())
    if total_w <= 0:
        return Estimate(None, None, None, None)
    score = variance = 0.0
    df_denominator = 0.0  # Σ (a_h s²_h)² ÷ (n_h − 1), for the effective degrees of freedom
    by_type, sizes = {}, {}
    for t, parts in types.items():
        population = sum(p.population for p in parts)
        type_score = type_var = 0.0
        share_w = w[t] / total_w
        for p in parts:
            share = p.population / population
            type_score += share * p.mean
            s2 = p.variance if p.variance is not None else pooled
            fpc = max(0.0, 1.0 - p.n / p.population)
            type_var += share**2 * fpc * s2 / p.n
            term = share_w**2 * share**2 * fpc * s2 / p.n
            df_denominator += term**2 / max(1, p.n - 1)
        by_type[t] = type_score
        sizes[t] = (sum(p.n for p in parts), population)
        score += share_w * type_score
        variance += share_w**2 * type_var
    se = math.sqrt(variance)
    df = variance**2 / df_denominator if df_denominator else math.inf
    half = t975(df) * se
    return Estimate(score, se, score - half, score + half, by_type, sizes)
