"""The field-score formulas, each against a figure computed by hand."""

from decimal import Decimal as D

from wenming.inspections.scoring import (
    FAIL,
    NOT_APPLICABLE,
    PASS,
    Answer,
    field_score,
    type_scores,
    visit_sums,
)


def test_visit_score_is_earned_over_possible_on_applicable_items():
    sums = visit_sums(
        [
            Answer(D(2), PASS),
            Answer(D(3), FAIL),  # pass/fail: earns nothing
            Answer(D(5), NOT_APPLICABLE),  # counts for neither
            # walk 200 m, every 20 m a place: 10 observed, 3 failed → earns 4 × 7/10 = 2.8
            Answer(D(4), FAIL, places_observed=10, places_failed=3),
        ]
    )
    assert sums.earned == D("4.8") and sums.possible == D(9)
    assert sums.score == D("53.33")  # 100 × 4.8 ÷ 9
    # places: 1 passed + 1 failed + 10 observed of which 7 passed → 8 of 12
    assert (sums.places_observed, sums.places_passed) == (12, 8)
    assert sums.score_rate == D("66.67")


def test_earned_never_goes_below_zero_and_nothing_applicable_has_no_score():
    sums = visit_sums([Answer(D(2), FAIL, places_observed=4, places_failed=9)])
    assert sums.earned == 0 and sums.score == D("0.00")
    empty = visit_sums([Answer(D(2), NOT_APPLICABLE)])
    assert empty.score is None and empty.score_rate is None


def test_type_score_is_the_mean_and_field_score_renormalises_weights():
    scores = type_scores([("market", D(80)), ("market", D(91)), ("school", D(70)), ("x", None)])
    assert scores == {"market": D("85.50"), "school": D("70.00")}
    # weights 2 and 1 of the types present (a third type's weight does not count): (2×85.5 + 70)/3
    assert field_score(scores, {"market": D(2), "school": D(1), "park": D(5)}) == D("80.33")
    assert field_score(scores, {"market": D(0), "school": D(0)}) is None
    assert field_score({}, {}) is None
