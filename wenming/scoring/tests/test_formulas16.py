"""Issue 16's formulas not yet covered by hand elsewhere (see test_snapshots.py, test_composite.py,
test_prediction.py): every ledger component, the field score and task completion of a snapshot,
the minimum sample's visits, the prerequisite's threshold with a score, and the effect of every
kind of event under every city status."""

import datetime
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from wenming.inspections.tests.test_reports import media  # noqa: F401
from wenming.scoring import prediction, services
from wenming.scoring.models import Component, Score, ScoreStatus
from wenming.scoring.tests.test_prediction import approved  # noqa: F401
from wenming.standards.models import NegativeEffect, Penalty, Standard, SystemKind
from wenming.standards.services import system_load
from wenming.standards.tests.factories import small_spec

C = Component


def _values(snapshot, **subject):
    score = Score.objects.get(snapshot=snapshot, **subject)
    return {c.key: (c.value, c.numerator, c.denominator) for c in score.components.all()}


def test_every_ledger_component_by_hand(cast, scene, small_sample):
    """The metrics scene (problems/tests/test_metrics.py) in the month P.

    Zhongshan: A B C D due (4); closed on time A (1 → 25.00); handled on time A, D (2 → 50.00);
    reworked B (1 → 100 × (1 − 1/4) = 75.00); overdue and still pending C (1 → 75.00); extended
    B (1 → 75.00); recurrences none (0 → 100.00).
    Ganjingzi: E due, closed and handled on its deadline; E recurs A (1 of 1 → 0.00).
    The city: 5 due; on time 2 (40.00), handled 3 (60.00); rework, overdue, extension and
    recurrence 1 each (80.00).
    """
    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    zs = _values(snap, region=cast.zhongshan_district)
    expected = {
        C.ON_TIME_CLOSING: (D("25.00"), 1, 4),
        C.ON_TIME_HANDLING: (D("50.00"), 2, 4),
        C.REWORK: (D("75.00"), 1, 4),
        C.OVERDUE_PENDING: (D("75.00"), 1, 4),
        C.EXTENSION: (D("75.00"), 1, 4),
        C.RECURRENCE: (D("100.00"), 0, 4),
    }
    assert {key: zs[key] for key in expected} == expected
    gjz = _values(snap, region=cast.ganjingzi_district)
    assert gjz[C.ON_TIME_CLOSING] == (D("100.00"), 1, 1)
    assert gjz[C.ON_TIME_HANDLING] == (D("100.00"), 1, 1)
    assert gjz[C.RECURRENCE] == (D("0.00"), 1, 1)
    assert [gjz[k][0] for k in (C.REWORK, C.OVERDUE_PENDING, C.EXTENSION)] == [D("100.00")] * 3
    city = _values(snap, region=cast.city)
    assert city[C.ON_TIME_CLOSING] == (D("40.00"), 2, 5)
    assert city[C.ON_TIME_HANDLING] == (D("60.00"), 3, 5)
    for key in (C.REWORK, C.OVERDUE_PENDING, C.EXTENSION, C.RECURRENCE):
        assert city[key] == (D("80.00"), 1, 5)
    # No source for these in the scene: no data, never made up.
    for key in (C.FIELD, C.TASK_COMPLETION, C.MATERIAL, C.SATISFACTION):
        assert zs[key][0] is None


def test_field_component_and_minimum_visits_by_hand(cast, approved):  # noqa: F811
    """The three approved visits of test_prediction.py, submitted this month.

    Visit scores 61.54 (ZS-MKT-1), 100.00 (GJZ-MKT-1), 44.44 (ZS-SCH-1); type weights MARKET 2,
    SCHOOL 1. Field score = Σ w × type mean ÷ Σ w over the types present:
    city (2 × (61.54 + 100) ÷ 2 + 44.44) ÷ 3 = 205.98 ÷ 3 = 68.66;
    Zhongshan (2 × 61.54 + 44.44) ÷ 3 = 167.52 ÷ 3 = 55.84 (2 visits); Ganjingzi 100.00 (1);
    units: URBAN (both markets) 80.77, PSB (GJZ-MKT-1) 100.00, EDU (the school) 44.44.
    With the field weighing 100 and 2 visits as the minimum sample, Zhongshan is ranked and
    graded (55.84 → D), Ganjingzi (1 visit, no problem due) is insufficient data.
    """
    row = services.settings_get()
    row.min_visits = 2
    row.save()
    services.weights_set(actor=cast.office, weights={C.FIELD: 100})
    month = f"{timezone.localdate():%Y-%m}"
    snap = services.snapshot_compute(month=month, actor=cast.office)
    field = {
        name: _values(snap, **subject)[C.FIELD][0::2]
        for name, subject in {
            "city": {"region": cast.city},
            "zs": {"region": cast.zhongshan_district},
            "gjz": {"region": cast.ganjingzi_district},
            "urban": {"unit": cast.urban_unit},
            "psb": {"unit": cast.police_unit},
            "edu": {"unit": cast.education_unit},
        }.items()
    }
    assert field == {
        "city": (D("68.66"), 3),
        "zs": (D("55.84"), 2),
        "gjz": (D("100.00"), 1),
        "urban": (D("80.77"), 2),
        "psb": (D("100.00"), 1),
        "edu": (D("44.44"), 1),
    }
    zs = Score.objects.get(snapshot=snap, region=cast.zhongshan_district)
    gjz = Score.objects.get(snapshot=snap, region=cast.ganjingzi_district)
    assert (zs.composite, zs.grade, zs.rank, zs.visits) == (D("55.84"), "D", 1, 2)
    assert (gjz.status, gjz.rank, gjz.composite) == (ScoreStatus.INSUFFICIENT, None, D("100.00"))


def test_task_completion_component_by_hand(cast, scene, small_sample):
    """Tasks due in P: the Urban Management Bureau leads two in Zhongshan's street, one accepted
    by its deadline, the other not → 1 of 2 = 50.00 for the bureau and for the street; the
    Education Bureau leads one in Ganjingzi accepted a day late → 0 of 1 = 0.00."""
    from wenming.plans.models import Campaign, Task
    from wenming.plans.services import tasks as task_services
    from wenming.standards.tests.factories import small_system

    campaign = Campaign.objects.create(
        name="2026 创建周期",
        region=cast.city,
        system=small_system(),
        cycle_start_year=2024,
        cycle_end_year=2026,
    )
    today = datetime.date.today()

    def task(title, unit, region):
        return task_services.task_create(
            actor=cast.office,
            campaign=campaign,
            title=title,
            lead_unit=unit,
            regions=[region],
            start=today - timedelta(days=90),
            deadline=today + timedelta(days=30),
        )

    on_time = task("主次干道保洁", cast.urban_unit, cast.zhongshan_street)
    late = task("占道经营整治", cast.urban_unit, cast.zhongshan_street)
    edu = task("校园周边整治", cast.education_unit, cast.ganjingzi_district)
    deadline = scene.first.replace(day=20)
    at = timezone.make_aware(datetime.datetime.combine(deadline, datetime.time(10)))
    Task.objects.filter(pk__in=[on_time.pk, late.pk, edu.pk]).update(
        deadline=deadline, is_published=True
    )
    Task.objects.filter(pk=on_time.pk).update(status="accepted", accepted_at=at)
    Task.objects.filter(pk=edu.pk).update(status="accepted", accepted_at=at + timedelta(days=1))
    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    assert _values(snap, unit=cast.urban_unit)[C.TASK_COMPLETION] == (D("50.00"), None, 2)
    assert _values(snap, region=cast.zhongshan_street)[C.TASK_COMPLETION] == (D("50.00"), None, 2)
    assert _values(snap, unit=cast.education_unit)[C.TASK_COMPLETION] == (D("0.00"), None, 1)
    assert _values(snap, region=cast.ganjingzi_district)[C.TASK_COMPLETION] == (
        D("0.00"),
        None,
        1,
    )


def _minors(rate: str):
    spec = small_spec(code="MINORS-T", with_points=False)
    spec.system.kind = SystemKind.PREREQUISITE
    spec.system.threshold = D("85")
    spec.point_types = []
    spec.checklist = []
    system = system_load(spec=spec, actor=None)
    standard = Standard.objects.get(system=system, code="1.2.2")
    services.questionnaire_figure_set(actor=None, standard=standard, rate=rate)
    return system


@pytest.mark.parametrize("rate, passes", [("0.84", False), ("0.85", True)])
def test_prerequisite_threshold_with_a_score(cast, approved, rate, passes):  # noqa: F811
    """The minors' system predicted on its own: only its questionnaire line has data (the
    office's figure for 1.2.2, 20 points), scaled to 100 → 84.00 (below 85: the city cannot
    pass, whatever its 73.33) or 85.00 (at the threshold: it may)."""
    minors = _minors(rate)
    approved.prerequisite = minors
    approved.save()
    p = prediction.predict(system=approved)
    assert p.annual == D("73.33") and p.threshold == D("85")
    assert p.prerequisite.annual == D(rate) * 100
    assert p.can_pass is passes
    if not passes:
        assert "84.00" in p.blockers[0] and "85" in p.blockers[0]


# The effect of each event by the city's status (domain.md; docs/scoring.md's table).
EXPECTED = {
    "veto": {"nominated": "barred", "titled": "title_suspended", "recheck": "title_suspended"},
    "deduct": dict.fromkeys(("nominated", "titled", "recheck"), "deducted"),
    "suspend nomination": {
        "nominated": "nomination_suspended",
        "titled": "warning",
        "recheck": "warning",
    },
    "suspend title": {
        "nominated": "nomination_suspended",
        "titled": "title_suspended",
        "recheck": "title_suspended",
    },
    "revoke": {"nominated": "barred", "titled": "title_revoked", "recheck": "title_revoked"},
    "veto revoking": {"nominated": "barred", "titled": "title_revoked", "recheck": "title_revoked"},
}


def test_every_event_by_every_status(cast, approved):  # noqa: F811
    revoke = NegativeEffect.objects.get(entry__system=approved, entry__code="N01")
    deduct = NegativeEffect.objects.get(entry__system=approved, entry__code="N02")
    suspend_nomination = NegativeEffect.objects.create(
        entry=revoke.entry, grade=2, effect=Penalty.SUSPEND_NOMINATION
    )
    suspend_title = NegativeEffect.objects.create(
        entry=revoke.entry, grade=3, effect=Penalty.SUSPEND_TITLE
    )
    day = date.today() - timedelta(days=2)
    for description, kwargs in {
        "veto": {"is_veto": True},
        "deduct": {"effect": deduct},
        "suspend nomination": {"effect": suspend_nomination},
        "suspend title": {"effect": suspend_title},
        "revoke": {"effect": revoke},
        "veto revoking": {"effect": revoke, "is_veto": True},
    }.items():
        services.compliance_event_record(
            actor=cast.office, occurred_on=day, description=description, **kwargs
        )
    for status in ("nominated", "titled", "recheck"):
        services.settings_update(actor=cast.office, city_status=status)
        p = prediction.predict(system=approved)
        outcomes = {e.event.description: e.outcome for e in p.events}
        assert outcomes == {name: row[status] for name, row in EXPECTED.items()}, status
        # Only the deduction takes points: 73.33 − 3 = 70.33, whatever the status.
        assert (p.deductions, p.annual) == (D("3"), D("70.33"))
        assert not p.can_pass
    # An event older than 12 months no longer counts.
    from wenming.scoring.models import ComplianceEvent

    ComplianceEvent.objects.update(occurred_on=date.today() - timedelta(days=366))
    assert prediction.predict(system=approved).events == []


def test_problems_due_minimum_is_inclusive(cast, scene):
    """At a minimum of 4 problems due, Zhongshan (4) is ranked, Ganjingzi (1) is not."""
    row = services.settings_get()
    row.min_problems_due = 4
    row.save()
    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    zs = Score.objects.get(snapshot=snap, region=cast.zhongshan_district)
    gjz = Score.objects.get(snapshot=snap, region=cast.ganjingzi_district)
    assert (zs.status, zs.rank, zs.peers) == (ScoreStatus.RANKED, 1, 1)
    assert (gjz.status, gjz.rank) == (ScoreStatus.INSUFFICIENT, None)


def test_priorities_per_district_and_unit_by_hand(cast, approved):  # noqa: F811
    """The scope changes what is open and which visits measure a standard.

    Zhongshan's visits (ZS-MKT-1 fails MARKET-01, ZS-SCH-1 fails SCHOOL-01): 1.1.1 passes
    MARKET-03 and SCHOOL-02 of 3 places → 0.6667: 40 × (20 ÷ 40) × (1 − 0.6667) = 6.6660;
    2.1.1: 0 of 1 → 40 × (10 ÷ 40) × 1 = 10; 1.2.1 passes all (0); 1.2.2, the office's 0.9:
    20 × (20 ÷ 20) × 0.1 = 2. Ganjingzi's one visit passes everything: only 1.2.2 (2).
    The Urban Management Bureau leads 1.1.1 (city-wide 0.8: 40 × 20/40 × 0.2 = 4), 1.1.2
    (no material data) and 1.2.1 (1: nothing to gain); once the market's problem is
    dispatched to it, that problem is its own (4.1667, as for the city); the Education Bureau
    leads 2.1.1 (10) and has no problem dispatched to it.
    """
    from wenming.problems import services as problems
    from wenming.problems.models import Problem
    from wenming.scoring.priorities import priorities

    def standards(**scope):
        return [(s.code, s.gain) for s in priorities(actor=cast.office, **scope)["standards"]]

    assert standards(region=cast.zhongshan_district) == [
        ("2.1.1", D("10.0000")),
        ("1.1.1", D("6.6660")),
        ("1.2.2", D("2.0000")),
    ]
    assert standards(region=cast.ganjingzi_district) == [("1.2.2", D("2.0000"))]
    assert standards(unit=cast.urban_unit) == [("1.1.1", D("4.0000"))]
    assert standards(unit=cast.education_unit) == [("2.1.1", D("10.0000"))]
    market = Problem.objects.get(checklist_item__code="MARKET-01")
    problems.problem_dispatch(problem=market, actor=cast.office, unit=cast.urban_unit)
    mine = priorities(actor=cast.urban)
    assert [(p.code, p.gain) for p in mine["problems"]] == [(market.code, D("4.1667"))]
    assert priorities(actor=cast.office, unit=cast.education_unit)["problems"] == []


def test_cycle_with_a_missing_year_scales_the_others(cast, approved):  # noqa: F811
    """Only last year's result stored (85): the year before is left out and 25/60 scaled to
    their sum: (85 × 25 + 73.33 × 60) ÷ 85 = (2125 + 4399.8) ÷ 85 = 76.762… → 76.76."""
    year = timezone.localdate().year
    services.annual_result_set(actor=cast.office, year=year - 1, score="85")
    cycle = prediction.predict(system=approved).cycle
    assert cycle["score"] == D("76.76") and cycle["partial"]
    assert [row["source"] for row in cycle["years"]] == ["", "stored", "predicted"]
