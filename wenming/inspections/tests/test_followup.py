"""Follow-up rounds (回头看): per problem the earlier round found, did its fix hold?"""

from datetime import date

import pytest

from wenming.core.errors import InvalidInput, NotFound
from wenming.inspections import followup, services
from wenming.inspections.models import RoundKind, Visit
from wenming.testing.inspections import drawn_round

from . import test_reports

media = test_reports.media  # the shared fixture
answer_visit = test_reports.answer_visit


@pytest.fixture
def earlier(cast, drawn, media):
    """The earlier round: three failures at three points, each a problem in the ledger."""
    visits = {v.point.code: v for v in Visit.objects.filter(round=drawn).select_related("point")}
    answer_visit(cast, visits["ZS-MKT-1"], fail=("MARKET-01",), n=1)
    answer_visit(cast, visits["GJZ-MKT-1"], fail=("MARKET-02",), n=3)
    answer_visit(cast, visits["ZS-SCH-1"], fail=("SCHOOL-01",), n=5)
    return drawn


@pytest.fixture
def follow_up(cast, earlier, system):
    return drawn_round(
        office=cast.office,
        system=system,
        regions=[cast.city],
        team=[cast.evaluator],
        code="R-F",
        type_codes=["MARKET", "SCHOOL"],
        kind=RoundKind.FOLLOW_UP,
        opens_on=date(2026, 2, 1),
        follow_up_of=earlier,
        seed=2,
    )


def _outcomes(rows):
    return {(r.point_code, r.item_code): r.outcome for r in rows}


def test_each_earlier_problem_shows_whether_its_fix_held(cast, follow_up):
    visits = {v.point.code: v for v in follow_up.visits.select_related("point")}
    rows = followup.followup_outcomes(actor=cast.office, round_=follow_up)
    # Nothing visited yet: every fix waits.
    assert set(_outcomes(rows).values()) == {followup.NOT_VISITED}
    assert len(rows) == 3 and all(r.problem_code for r in rows)

    # The market's item passes now (held); the school's fails again (did not hold); the
    # Ganjingzi market is started but not submitted (not yet visited).
    services.visit_start(actor=cast.evaluator, visit=visits["ZS-MKT-1"])
    services.visit_answers_save(
        actor=cast.evaluator,
        visit=visits["ZS-MKT-1"],
        answers=[
            {"item": c, "answer": "pass", "client_id": f"f-{c}"}
            for c in ("MARKET-01", "MARKET-02", "MARKET-03")
        ],
    )
    services.visit_submit(actor=cast.evaluator, visit=visits["ZS-MKT-1"])
    answer_visit(cast, visits["ZS-SCH-1"], fail=("SCHOOL-01",), n=7, actor=cast.evaluator)
    services.visit_start(actor=cast.evaluator, visit=visits["GJZ-MKT-1"])

    rows = followup.followup_outcomes(actor=cast.office, round_=follow_up)
    assert _outcomes(rows) == {
        ("ZS-MKT-1", "MARKET-01"): followup.HELD,
        ("ZS-SCH-1", "SCHOOL-01"): followup.NOT_HELD,
        ("GJZ-MKT-1", "MARKET-02"): followup.NOT_VISITED,
    }
    assert followup.followup_counts(rows) == {"held": 1, "not_held": 1, "not_visited": 1}
    held = next(r for r in rows if r.outcome == followup.HELD)
    assert held.visit_id == visits["ZS-MKT-1"].pk and held.outcome_label

    # Scope: each district officer sees the problems of their own subtree only.
    zs = followup.followup_outcomes(actor=cast.zhongshan, round_=follow_up)
    assert {r.point_code for r in zs} == {"ZS-MKT-1", "ZS-SCH-1"}
    gjz = followup.followup_outcomes(actor=cast.ganjingzi, round_=follow_up)
    assert _outcomes(gjz) == {("GJZ-MKT-1", "MARKET-02"): followup.NOT_VISITED}
    edu = followup.followup_outcomes(actor=cast.education, round_=follow_up)
    assert _outcomes(edu) == {("ZS-SCH-1", "SCHOOL-01"): followup.NOT_HELD}


def test_only_a_follow_up_round_has_outcomes_and_only_in_scope(cast, earlier, follow_up):
    with pytest.raises(InvalidInput):
        followup.followup_outcomes(actor=cast.office, round_=earlier)
    # The inspector has no visit in the follow-up round: it is not there for them.
    with pytest.raises(NotFound):
        followup.followup_outcomes(actor=cast.inspector, round_=follow_up)
    rows = followup.followup_outcomes(actor=cast.evaluator, round_=follow_up)
    assert rows == []  # the evaluator did none of the earlier round's visits


def test_the_round_page_shows_the_fixes_the_inspectors_and_the_report_buttons(
    cast, follow_up, page_as
):
    from wenming.core.models import Job

    visits = {v.point.code: v for v in follow_up.visits.select_related("point")}
    answer_visit(cast, visits["ZS-SCH-1"], fail=("SCHOOL-01",), n=7, actor=cast.evaluator)
    office = page_as(cast.office)
    page = office.get(f"/inspections/rounds/{follow_up.pk}/").content.decode()
    assert 'data-testid="followup"' in page and 'data-outcome="not_held"' in page
    assert 'data-testid="performance"' in page and cast.evaluator.display_name in page
    assert 'data-testid="reports"' in page
    # A district officer sees their own problems' outcomes, and no inspector table.
    zs = page_as(cast.zhongshan).get(f"/inspections/rounds/{follow_up.pk}/").content.decode()
    assert "GJZ-MKT-1" not in zs and 'data-testid="performance"' not in zs
    # The report button queues a job and shows its page; a bad kind is refused with a message.
    response = office.post(f"/inspections/rounds/{follow_up.pk}/report/docx/")
    job = Job.objects.get(owner=cast.office)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    bad = office.post(f"/inspections/rounds/{follow_up.pk}/report/pdf/", follow=True)
    assert bad.status_code == 200 and Job.objects.count() == 1
    assert (
        page_as(cast.evaluator).post(f"/inspections/rounds/{follow_up.pk}/report/xlsx/")["Location"]
        == f"/inspections/rounds/{follow_up.pk}/"
    )
