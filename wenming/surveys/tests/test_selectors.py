"""The rates the office and the scores read, against figures computed by hand."""

import math
from datetime import timedelta

import pytest
from django.utils import timezone

from wenming.standards.models import Clause
from wenming.surveys import selectors, services
from wenming.surveys.models import Measure, QuestionKind

from .conftest import answers, build_survey


def submit(survey, district, rows):
    return services.response_submit(survey=survey, region_code=district.code, answers=rows)


@pytest.fixture
def answered(cast, survey_q):
    """中山区: 4 responses, 甘井子区: 2 (see each test for the hand computation)."""
    survey, q = survey_q
    zs, gjz = cast.zhongshan_district, cast.ganjingzi_district
    submit(survey, zs, answers(q, single=True, rating=5, multiple=[0]))
    submit(survey, zs, answers(q, single=True, rating=4, multiple=[2]))
    submit(survey, zs, answers(q, single=True, rating=3, text="多设垃圾桶"))
    submit(survey, zs, answers(q, single=False, rating=2))
    submit(survey, gjz, answers(q, single=True, rating=5, multiple=[0, 2]))
    submit(survey, gjz, answers(q, single=True, rating=1))
    return survey, q


def test_margin_of_error_by_hand():
    # 1.96 · √(0.5 · 0.5 / 100) = 1.96 · 0.05 = 0.098
    assert selectors.margin_of_error(0.5, 100) == pytest.approx(0.098)
    # 1.96 · √(0.9 · 0.1 / 400) = 1.96 · 0.015 = 0.0294
    assert selectors.margin_of_error(0.9, 400) == pytest.approx(0.0294)
    assert selectors.margin_of_error(1.0, 50) == 0.0
    assert selectors.margin_of_error(0.7, 0) == 0.0


def test_satisfaction_by_region_by_hand(cast, answered):
    today = timezone.localdate()
    got = selectors.satisfaction_by_region(start=today, end=today)
    zs, gjz, city = cast.zhongshan_district.pk, cast.ganjingzi_district.pk, cast.city.pk
    assert set(got) == {zs, gjz, city}
    # 中山区: single 3 of 4 positive, rating ≥ 4 twice of 4: 5 of 8; n = 4 respondents.
    assert got[zs]["rate"] == pytest.approx(5 / 8)
    assert got[zs]["n"] == 4
    assert got[zs]["margin"] == pytest.approx(1.96 * math.sqrt(0.625 * 0.375 / 4))
    assert got[zs]["margin"] == pytest.approx(0.47444, abs=1e-5)
    # 甘井子区: single 2 of 2, rating 1 of 2: 3 of 4; n = 2.
    assert got[gjz] == pytest.approx(
        {"rate": 0.75, "n": 2, "margin": 1.96 * math.sqrt(0.75 * 0.25 / 2)}
    )
    # The city: 8 of 12; n = 6 respondents; the free text and the awareness question left out.
    assert got[city]["rate"] == pytest.approx(8 / 12)
    assert got[city]["n"] == 6
    assert got[city]["margin"] == pytest.approx(0.37720, abs=1e-5)


def test_satisfaction_by_region_keeps_to_the_dates(answered):
    today = timezone.localdate()
    assert (
        selectors.satisfaction_by_region(
            start=today - timedelta(days=9), end=today - timedelta(days=1)
        )
        == {}
    )
    assert (
        selectors.satisfaction_by_region(
            start=today + timedelta(days=1), end=today + timedelta(days=9)
        )
        == {}
    )


def test_questionnaire_by_standard_by_hand(answered, standards):
    today = timezone.localdate()
    got = selectors.questionnaire_by_standard(start=today, end=today)
    first, second = standards
    # First content line: the single choice (5 of 6) and the multiple choice (2 of 3: a tick
    # of a positive option counts, [0, 2] included): 7 of 9; n = 6 (most to one question).
    assert got[first.pk]["rate"] == pytest.approx(7 / 9)
    assert got[first.pk]["n"] == 6
    assert got[first.pk]["margin"] == pytest.approx(1.96 * math.sqrt((7 / 9) * (2 / 9) / 6))
    # Second: the rating, 3 of 6 at 4 or more; margin 1.96 · √(0.25 / 6) = 0.40008.
    assert got[second.pk] == pytest.approx({"rate": 0.5, "n": 6, "margin": 0.40008}, abs=1e-5)


def test_questionnaire_by_standard_through_a_clause_counts_once(cast, answered, standards):
    survey, q = answered
    first = standards[0]
    clause = Clause.objects.filter(standard=first).first()
    assert clause is not None
    # The single choice is linked to the line already; its clause adds nothing twice.
    q["single"].clauses.add(clause)
    # The rating now reaches the first line through the clause too: 7 + 3 of 9 + 6, n = 6.
    q["rating"].clauses.add(clause)
    today = timezone.localdate()
    got = selectors.questionnaire_by_standard(start=today, end=today)
    assert got[first.pk]["rate"] == pytest.approx(10 / 15)
    assert got[first.pk]["n"] == 6


def test_two_surveys_add_their_respondents(cast, answered, standards):
    # Another survey's respondents are other people: n adds up across surveys.
    other, q2 = build_survey(cast.office, code="S-OTHER", standards=standards)
    for _ in range(3):
        submit(other, cast.zhongshan_district, answers(q2, single=False, rating=1))
    today = timezone.localdate()
    got = selectors.satisfaction_by_region(start=today, end=today)
    zs = got[cast.zhongshan_district.pk]
    assert zs["n"] == 4 + 3
    assert zs["rate"] == pytest.approx(5 / (8 + 6))


def test_the_rates_are_sql_aggregates(answered, django_assert_max_num_queries):
    today = timezone.localdate()
    with django_assert_max_num_queries(4):
        selectors.satisfaction_by_region(start=today, end=today)
    with django_assert_max_num_queries(5):
        selectors.questionnaire_by_standard(start=today, end=today)


def test_survey_results_for_the_office(cast, answered):
    survey, _q = answered
    services.quotas_set(
        actor=cast.office,
        survey=survey,
        targets={cast.zhongshan_district.pk: 8, cast.ganjingzi_district.pk: 4},
    )
    results = selectors.survey_results(actor=cast.office, survey=survey)
    by = {r.region.code if r.region else "city": r for r in results}
    assert set(by) == {"210202", "210211", "city"}
    zs = by["210202"]
    assert (zs.responses, zs.target, zs.fill) == (4, 8, 0.5)
    assert zs.measures[Measure.SATISFACTION].rate == pytest.approx(5 / 8)
    # Awareness in 中山区: two multiple-choice answers, one positive.
    assert zs.measures[Measure.AWARENESS].rate == pytest.approx(0.5)
    assert zs.measures[Measure.AWARENESS].n == 2
    assert by["city"].responses == 6 and by["city"].target == 12
    assert by["city"].measures[Measure.SATISFACTION].n == 6


def test_a_district_officer_sees_only_their_district(cast, answered):
    survey, _q = answered
    results = selectors.survey_results(actor=cast.zhongshan, survey=survey)
    assert [r.region.code for r in results] == ["210202"]
    assert results[0].responses == 4
    for persona in (cast.urban, cast.inspector, cast.evaluator):
        assert selectors.surveys_visible(actor=persona).count() == 0


def test_drafts_are_the_office_s(cast, standards):
    draft, _q = build_survey(cast.office, code="S-DRAFT", open_=False, standards=standards)
    assert selectors.surveys_visible(actor=cast.office).filter(pk=draft.pk).exists()
    assert not selectors.surveys_visible(actor=cast.zhongshan).filter(pk=draft.pk).exists()


def test_rate_reliability_flag():
    assert selectors.Rate(positive=50, answers=100, n=100).reliable
    assert not selectors.Rate(positive=99, answers=100, n=100).reliable  # n·(1−p) = 1
    assert not selectors.Rate().reliable


def test_free_text_feeds_no_rate(cast, answered):
    survey, q = answered
    assert q["text"].kind == QuestionKind.TEXT
    assert q["text"].answers.filter(positive__isnull=True).count() == 1
