"""The predicted score and what to fix first, by hand, on the standards' small system
(standards/tests/factories.py) after three approved visits:

- ZS-MKT-1 fails MARKET-01 (1.1.1); GJZ-MKT-1 passes all; ZS-SCH-1 fails SCHOOL-01 (2.1.1);
- field achievement: 1.1.1 = 4 of 5 places (MARKET-01 ×2, MARKET-03 ×2, SCHOOL-02) = 0.8;
  1.2.1 = 3 of 3 = 1; 2.1.1 = 0 of 1 = 0;
- field points 20 + 10 + 10 (2.1.1's 20 split between material and field) = 40, earned
  16 + 10 + 0 = 26 → 0.65 × weight 40 = 26.00;
- questionnaire: the office's 0.9 for 1.2.2 (20 points) → 0.9 × 20 = 18.00;
- material: no data → partial, (26 + 18) × 100 ÷ 60 = 73.33.
"""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from wenming.inspections import services as inspections
from wenming.inspections.models import Visit
from wenming.inspections.tests.test_reports import answer_visit, media  # noqa: F401
from wenming.scoring import prediction, services
from wenming.scoring.priorities import priorities
from wenming.standards.models import (
    Clause,
    EvaluationSystem,
    NegativeEffect,
    Standard,
    SystemKind,
    SystemStatus,
)
from wenming.standards.tests.factories import small_system
from wenming.testing.inspections import drawn_round


@pytest.fixture
def approved(cast, media):  # noqa: F811
    system = small_system()
    drawn = drawn_round(
        office=cast.office,
        system=system,
        regions=[cast.city],
        team=[cast.inspector],
        code="R-P",
        type_codes=["MARKET", "SCHOOL"],
    )
    visits = {v.point.code: v for v in Visit.objects.filter(round=drawn).select_related("point")}
    answer_visit(cast, visits["ZS-MKT-1"], fail=("MARKET-01",), n=1)
    answer_visit(cast, visits["GJZ-MKT-1"])
    answer_visit(cast, visits["ZS-SCH-1"], fail=("SCHOOL-01",), n=5)
    for visit in visits.values():
        inspections.visit_review(actor=cast.office, visit=visit, decision="approve")
    standard = Standard.objects.get(system=system, code="1.2.2")
    services.questionnaire_figure_set(actor=cast.office, standard=standard, rate="0.9")
    return system


def test_prediction_by_hand(cast, approved):
    line = Clause.objects.get(standard__system=approved, standard__code="2.1.1")
    assert (line.points_field, line.points_material) == (D("10"), D("10"))
    p = prediction.predict(system=approved)
    methods = {m.method: m for m in p.methods}
    assert methods["field"].achievement == D("0.65") and methods["field"].score == D("26.00")
    assert methods["questionnaire"].score == D("18.0") and methods["material"].score is None
    assert p.partial and p.annual == D("73.33")
    assert p.low <= p.annual <= p.high
    rates = {s.code: s.achievement["field"].rate for s in p.standards if "field" in s.achievement}
    assert rates == {"1.1.1": D("0.8"), "1.2.1": D("1"), "2.1.1": D("0")}


def test_cycle_weights_15_25_60(cast, approved):
    year = timezone.localdate().year
    services.annual_result_set(actor=cast.office, year=year - 2, score="80")
    services.annual_result_set(actor=cast.office, year=year - 1, score="85")
    p = prediction.predict(system=approved)
    # 80 × 0.15 + 85 × 0.25 + 73.33 × 0.60 = 12 + 21.25 + 43.998 = 77.248
    assert p.cycle["score"] == D("77.25") and not p.cycle["partial"]


def test_events_take_effect_by_the_citys_status(cast, approved):
    deduct = NegativeEffect.objects.get(entry__system=approved, entry__code="N02")
    revoke = NegativeEffect.objects.get(entry__system=approved, entry__code="N01")
    services.compliance_event_record(
        actor=cast.office,
        occurred_on=date.today() - timedelta(days=3),
        description="材料造假一例",
        effect=deduct,
    )
    p = prediction.predict(system=approved)
    assert p.deductions == D("3") and p.annual == D("70.33") and p.can_pass
    services.compliance_event_record(
        actor=cast.office,
        occurred_on=date.today() - timedelta(days=1),
        description="重大安全事故",
        effect=revoke,
    )
    nominated = prediction.predict(system=approved)
    assert not nominated.can_pass
    assert {e.outcome for e in nominated.events} == {"deducted", "barred"}
    services.settings_update(actor=cast.office, city_status="titled")
    titled = prediction.predict(system=approved)
    assert {e.outcome for e in titled.events} == {"deducted", "title_revoked"}


def test_minors_prerequisite_below_threshold_cannot_pass(cast, approved):
    minors = EvaluationSystem.objects.create(
        code="MINORS",
        name="未成年人思想道德建设",
        edition_year=2026,
        kind=SystemKind.PREREQUISITE,
        status=SystemStatus.ACTIVE,
        threshold=D("85"),
    )
    p = prediction.predict(system=approved)
    assert p.prerequisite.system == minors and p.threshold == D("85")
    assert not p.can_pass and "85" in p.blockers[0]


def test_priorities_by_hand(cast, approved):
    result = priorities(actor=cast.office)
    gains = [(p.standard, p.gain) for p in result["problems"]]
    # SCHOOL-01: 40 × (10 ÷ 40) × (1 ÷ 1) × (1 ÷ 1) × (1 ÷ 1) = 10;
    # MARKET-01: 40 × (20 ÷ 40) × (2 ÷ 3) × (0.5 ÷ 0.8) × (1 ÷ 2) = 4.1667.
    assert gains == [("2.1.1", D("10.0000")), ("1.1.1", D("4.1667"))]
    assert result["problems"][1].arithmetic.endswith("= 4.1667")
    standards = [(s.code, s.gain) for s in result["standards"]]
    # 2.1.1: 40 × 10/40 × (1 − 0) = 10; 1.1.1: 40 × 20/40 × 0.2 = 4; 1.2.2: 20 × 20/20 × 0.1 = 2.
    assert standards == [("2.1.1", D("10.0000")), ("1.1.1", D("4.0000")), ("1.2.2", D("2.0000"))]
    # Ganjingzi has no open problem; its officer sees only their own.
    mine = priorities(actor=cast.ganjingzi, region=cast.ganjingzi_district)
    assert mine["problems"] == []


def test_priorities_api_is_scoped(cast, api_as, approved):
    office = api_as(cast.office).get("priorities").json()
    assert office["problems"][0]["gain"] == 10.0
    assert api_as(cast.zhongshan).get("priorities", region="210211").status_code == 404
    own = api_as(cast.zhongshan).get("priorities").json()
    assert own["region"] == "210202" and len(own["problems"]) == 2
    assert api_as(cast.zhongshan).get("predicted-score").status_code == 403
    predicted = api_as(cast.leader).get("predicted-score").json()
    assert predicted["system"] == approved.code and predicted["annual"] == 73.33


def test_range_carries_the_field_interval_by_hand(cast, approved):
    """The range on the predicted score, worked out by hand.

    Visit scores (100 × earned ÷ possible, to the cent): ZS-MKT-1 fails MARKET-01 (0.5 of
    0.5 + 0.5 + 0.3) → 100 × 0.8 ÷ 1.3 = 61.54; GJZ-MKT-1 → 100.00; ZS-SCH-1 fails SCHOOL-01
    (1 of 1 + 0.3 + 0.5) → 100 × 0.8 ÷ 1.8 = 44.44. One more market visit, approved with a
    stored score of 80.77 and no answers (so the achievements, hence 73.33, do not move), and
    three more active markets nobody visited: MARKET has n = 3 of N = 6, SCHOOL n = 1 of N = 1
    (GJZ-SCH-1 is inactive).

    MARKET: mean (61.54 + 100 + 80.77) ÷ 3 = 80.77; s² = (19.23² + 19.23² + 0) ÷ 2 = 369.7929.
    Type weights MARKET 2, SCHOOL 1 → shares 2/3, 1/3.
    Estimate = 2/3 × 80.77 + 1/3 × 44.44 = 68.66.
    Variance = (2/3)² × (1 − 3/6) × 369.7929 ÷ 3 = 27.392067 (SCHOOL: 1 − 1/1 = 0, no error);
    se = 5.233743; Satterthwaite df = var² ÷ (var² ÷ (3 − 1)) = 2 → t = 4.302653;
    half-width = 4.302653 × 5.233743 = 22.518980 → field interval 46.1410 … 91.1790.
    Carried into the score: field weight 40 × 22.518980 ÷ 100 = 9.007592; the score is partial
    (material has no data: 40 + 20 of 100 weighted), so × 100 ÷ 60 = 15.012654. The
    questionnaire's figure (the office's) has no margin: 0 in quadrature.
    Range: 73.33 − 15.012654 = 58.317 → 58.32; 73.33 + 15.012654 = 88.343 → 88.34.
    """
    from wenming.points.models import Point

    scores = dict(Visit.objects.values_list("point__code", "score"))
    assert scores == {"ZS-MKT-1": D("61.54"), "GJZ-MKT-1": D("100.00"), "ZS-SCH-1": D("44.44")}
    market = Point.objects.get(code="ZS-MKT-1")
    extra = [
        Point.objects.create(
            code=f"ZS-MKT-{n}",
            name=f"农贸市场{n}",
            point_type=market.point_type,
            region=market.region,
            lat=market.lat,
            lon=market.lon,
        )
        for n in range(3, 7)
    ]
    visit = Visit.objects.get(point=market)
    visit.pk = visit.id = None
    visit.point, visit.score = extra[0], D("80.77")
    visit.save()
    assert Point.objects.filter(is_active=True, point_type=market.point_type).count() == 6

    p = prediction.predict(system=approved)
    low, high = p.field_interval
    assert round(low, 4) == 46.1410 and round(high, 4) == 91.1790
    assert p.partial and p.annual == D("73.33")
    assert (p.low, p.high) == (D("58.32"), D("88.34"))


def test_the_range_adds_the_surveys_margins_in_quadrature_by_hand():
    """The questionnaire's part of the range, by hand (prediction._half_width, no database).

    Field: weight 40, interval 46.1410 … 91.1790 → 40 × (91.1790 − 46.1410) ÷ 2 ÷ 100
    = 9.007600. Questionnaire: weight 20; 1.2.2 (20 points) from a survey at 0.80 ± 0.05,
    2.2.1 (10 points) at 0.70 ± 0.08, 2.2.2 (10 points) from the office's figure (no margin);
    points with data 40. Points-weighted margin (20 × 0.05 + 10 × 0.08 + 0) ÷ 40 = 0.045;
    × weight 20 = 0.9. Together √(9.0076² + 0.9²) = √(81.13686 + 0.81) = √81.94686 = 9.052450.
    Without the surveys' margins the half-width is the field's alone."""
    from wenming.standards.models import Method

    def method(name, weight, points, score=D("1")):
        return prediction.MethodLine(name, name, D(weight), D(points), D(points), D("1"), score)

    def line(code, points, rate, margin, source="survey"):
        pts = {Method.MATERIAL: D(0), Method.FIELD: D(0), Method.QUESTIONNAIRE: D(points)}
        achieved = prediction.Achievement(D(rate), 100, source, margin)
        return prediction.StandardLine(0, code, "", pts, {Method.QUESTIONNAIRE: achieved})

    methods = {
        Method.MATERIAL: method(Method.MATERIAL, "40", "40", score=None),
        Method.FIELD: method(Method.FIELD, "40", "40"),
        Method.QUESTIONNAIRE: method(Method.QUESTIONNAIRE, "20", "40"),
    }
    lines = [
        line("1.2.2", "20", "0.80", D("0.05")),
        line("2.2.1", "10", "0.70", D("0.08")),
        line("2.2.2", "10", "0.90", None, source="office"),
    ]
    interval = (46.1410, 91.1790)
    half = prediction._half_width(methods, lines, interval)
    assert round(half, 6) == D("9.052450")
    for one in lines:
        one.achievement[Method.QUESTIONNAIRE].margin = None
    assert round(prediction._half_width(methods, lines, interval), 6) == D("9.007600")
    # No field interval (no approved visits): the surveys' part alone.
    lines[0].achievement[Method.QUESTIONNAIRE].margin = D("0.05")
    assert prediction._half_width(methods, lines, None) == D("0.5")
