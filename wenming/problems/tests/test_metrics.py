"""Metrics against hand-computed numbers (domain.md definitions; see metrics.py docstrings).

The scene, all due in the previous month P (deadline D = the 10th of P):

| problem | place     | unit  | state                      | notes                                  |
|---------|-----------|-------|----------------------------|----------------------------------------|
| A       | Zhongshan | URBAN | closed on D−1              | rectified D−2, handling 2 working days |
| B       | Zhongshan | URBAN | closed on D+2              | rectified D+1, 1 rework, 1 extension   |
| C       | Zhongshan | EDU   | in progress, deadline gone | overdue and pending                    |
| D_      | Zhongshan | URBAN | rectified on D             | awaiting verification                  |
| E       | Ganjingzi | URBAN | closed on D                | a recurrence                           |
| F       | Zhongshan | URBAN | on hold                    | an approved deferral: not due          |
| G       | Zhongshan | URBAN | in progress                | deadline in another month: not due     |
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from wenming.problems import services
from wenming.problems.metrics import metrics_breakdown, period_parse, problem_metrics
from wenming.problems.models import Problem, ProblemEvent, ProblemPhoto

from .factories import FAR, accepted, closed, dispatched, now_exif, photo, rectified, report


def previous_month() -> date:
    first = timezone.localdate().replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@pytest.fixture
def scene(cast):
    month = previous_month()
    deadline = month.replace(day=10)
    a = closed(cast)
    b = closed(cast)
    c = accepted(cast, unit=cast.education_unit)
    d = rectified(cast)
    e = closed(cast, place=cast.ganjingzi_community)
    f = accepted(cast)
    services.problem_hold(
        problem=f,
        actor=cast.office,
        plan="纳入改造计划",
        until=timezone.localdate() + timedelta(days=60),
    )
    g = accepted(cast)
    # One dispatch the Urban Management Bureau returned (counts for accurate dispatch).
    h = dispatched(cast)
    services.problem_return(problem=h, actor=cast.urban, note="属交警")
    services.problem_dispatch(problem=h, actor=cast.office, unit=cast.police_unit)
    # A flagged after-photo next to A's clean one (both URBAN's).
    flagged = accepted(cast)
    services.problem_photo_add(
        problem=flagged, actor=cast.urban, kind="after", upload=photo(77, taken=now_exif(), gps=FAR)
    )
    spam = report(cast.office, region=cast.zhongshan_community, title="无效举报")
    services.problem_reject(problem=spam, actor=cast.office, note="信息不实")

    def put(problem, **fields):
        Problem.objects.filter(pk=problem.pk).update(**fields)

    put(
        a,
        deadline=deadline,
        closed_on=deadline - timedelta(days=1),
        rectified_on=deadline - timedelta(days=2),
        handling_days=2,
    )
    put(
        b,
        deadline=deadline,
        closed_on=deadline + timedelta(days=2),
        rectified_on=deadline + timedelta(days=1),
        handling_days=6,
        rework_count=1,
        extension_count=1,
    )
    put(c, deadline=deadline)
    put(d, deadline=deadline, rectified_on=deadline, handling_days=3)
    put(
        e,
        deadline=deadline,
        closed_on=deadline,
        rectified_on=deadline,
        handling_days=1,
        recurrence_of=a,
    )
    put(f, deadline=deadline)
    put(g, deadline=timezone.localdate() + timedelta(days=40))
    put(flagged, deadline=timezone.localdate() + timedelta(days=40))
    # Everything happened in P.
    Problem.objects.update(created_at=at(month.replace(day=3)))
    ProblemEvent.objects.update(created_at=at(month.replace(day=4)))
    ProblemPhoto.objects.update(uploaded_at=at(month.replace(day=5)))
    return period_parse(f"{month:%Y-%m}")


def test_zhongshan_district(cast, scene):
    m = problem_metrics(actor=cast.office, period=scene, region=cast.zhongshan_district)
    assert (m.due, m.closed, m.closed_on_time, m.handled_on_time) == (4, 2, 1, 2)
    assert (m.reworked, m.overdue_pending, m.extended, m.recurrences) == (1, 1, 1, 0)
    assert m.closing_rate == 0.5 and m.on_time_closing_rate == 0.25
    assert m.on_time_handling_rate == 0.5 and m.rework_rate == 0.25
    assert m.overdue_pending_rate == 0.25 and m.extension_rate == 0.25
    assert m.handling_days_avg == pytest.approx(11 / 3, abs=0.01)
    # Reports made in P in Zhongshan: A B C D F G H flagged spam = 9, one rejected.
    assert (m.reports, m.valid_reports) == (9, 8)
    assert m.valid_report_rate == round(8 / 9, 4)


def test_urban_management_bureau(cast, scene):
    m = problem_metrics(actor=cast.office, period=scene, unit=cast.urban_unit)
    assert (m.due, m.closed, m.closed_on_time, m.handled_on_time) == (4, 3, 2, 3)
    assert m.closing_rate == 0.75 and m.on_time_closing_rate == 0.5
    assert m.recurrence_rate == 0.25
    # Dispatched to URBAN: A B D E F G H flagged = 8; returned by URBAN: H = 1.
    assert (m.dispatched, m.returned) == (8, 1)
    assert m.accurate_dispatch_rate == round(7 / 8, 4)
    # After-photos of URBAN in P: A B D E (clean, from `rectified`) + the far one.
    assert (m.after_photos, m.flagged_photos) == (5, 1)
    assert m.flags["flag_far"] == 1 and m.flagged_photo_rate == 0.2


def test_the_whole_city(cast, scene):
    m = problem_metrics(actor=cast.office, period=scene)
    assert (m.due, m.closed, m.closed_on_time) == (5, 3, 2)
    assert m.dispatched == 10  # A B C D E F G H(2) flagged


def test_scope_a_district_officer_gets_only_their_share(cast, scene):
    mine = problem_metrics(actor=cast.zhongshan, period=scene)
    assert mine.due == 4  # Ganjingzi's E is not theirs, even without a region filter
    theirs = problem_metrics(actor=cast.ganjingzi, period=scene, region=cast.zhongshan_district)
    assert theirs.due == 0 and theirs.closing_rate is None


def test_breakdown_by_district_and_by_unit(cast, scene):
    by_district = metrics_breakdown(actor=cast.office, period=scene, by="district")
    assert by_district[cast.zhongshan_district.pk].due == 4
    assert by_district[cast.ganjingzi_district.pk].due == 1
    by_unit = metrics_breakdown(actor=cast.office, period=scene, by="unit")
    assert by_unit[cast.urban_unit.pk].closed == 3
    assert by_unit[cast.education_unit.pk].overdue_pending == 1
    assert by_unit[cast.urban_unit.pk].accurate_dispatch_rate == round(7 / 8, 4)


def test_breakdown_runs_a_fixed_number_of_queries(cast, scene, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        metrics_breakdown(actor=cast.office, period=scene, by="unit")


def test_metrics_api(cast, api_as, scene):
    body = api_as(cast.office).get("metrics/problems", period=scene.label, region="210202").json()
    assert body["due"] == 4 and body["closing_rate"] == 0.5 and body["region"] == "210202"
    rows = (
        api_as(cast.office).get("metrics/problems/breakdown", period=scene.label, by="unit").json()
    )
    assert {r["unit"] for r in rows} >= {"URBAN", "EDU"}
    assert api_as(cast.office).get("metrics/problems", period="2026-13").status_code == 400
    assert api_as(cast.office).get("metrics/problems", period="last month").status_code == 400
    assert (
        api_as(cast.office)
        .get("metrics/problems/breakdown", period=scene.label, by="street")
        .status_code
        == 400
    )
    zs = api_as(cast.zhongshan).get("metrics/problems/breakdown", period=scene.label).json()
    assert [r["region"] for r in zs] == ["210202"]
