"""The aggregates follow the ledger: incremental refreshes equal a full recount."""

from datetime import timedelta

import pytest

from wenming.dashboards import aggregates
from wenming.dashboards.models import AggregateMark, EventGap, Measure, ProblemFact, StatusCount
from wenming.problems import services
from wenming.problems.deadlines import local_today
from wenming.problems.tests.factories import closed, dispatched, rectified, report

pytestmark = pytest.mark.django_db


def ledger_mix(cast):
    """A few problems in every kind of state, in both districts and two units."""
    report(cast.office, region=cast.ganjingzi_community)
    dispatched(cast)
    dispatched(cast, unit=cast.education_unit, place=cast.ganjingzi_community)
    rectified(cast)
    closed(cast)
    p = dispatched(cast)
    services.problem_reject(
        problem=report(cast.office, region=cast.zhongshan_community), actor=cast.office, note="重复"
    )
    return p


def test_refresh_equals_a_full_recount(cast):
    ledger_mix(cast)
    read = aggregates.aggregates_refresh()
    assert read > 0
    assert aggregates.aggregates_stored() == aggregates.aggregates_recount()
    assert AggregateMark.objects.get().last_event_id > 0


def test_a_transition_moves_the_counts_once(cast):
    p = dispatched(cast)
    aggregates.aggregates_refresh()
    district = cast.zhongshan_district.pk
    open_before = StatusCount.objects.get(
        district=district, street=-1, unit=-1, category=p.category_id, status="dispatched"
    ).n
    services.problem_accept(problem=p, actor=cast.urban)
    aggregates.aggregates_refresh()
    aggregates.aggregates_refresh()  # nothing new: nothing moves
    row = StatusCount.objects.get
    assert (
        row(district=district, street=-1, unit=-1, category=p.category_id, status="dispatched").n
        == open_before - 1
    )
    assert (
        row(district=district, street=-1, unit=-1, category=p.category_id, status="in_progress").n
        == 1
    )
    assert aggregates.aggregates_stored() == aggregates.aggregates_recount()


def test_reprocessing_a_problem_is_idempotent(cast):
    p = closed(cast)
    aggregates.aggregates_refresh()
    before = aggregates.aggregates_stored()
    with aggregates.transaction.atomic():
        assert aggregates.recount_problems([p.pk, p.pk]) == 0
    assert aggregates.aggregates_stored() == before


def test_rebuild_in_sql_equals_the_python_recount(cast):
    ledger_mix(cast)
    facts = aggregates.aggregates_rebuild()
    assert facts == ProblemFact.objects.count() > 0
    assert aggregates.aggregates_stored() == aggregates.aggregates_recount()


def test_a_gap_is_read_when_its_event_appears(cast):
    """An event whose id lies below the mark (committed late, as on PostgreSQL) is counted."""
    p = dispatched(cast)
    aggregates.aggregates_refresh()
    mark = AggregateMark.objects.get()
    # Pretend the last event was still in flight when the mark passed it.
    last = p.events.order_by("-pk").first()
    EventGap.objects.create(event_id=last.pk)
    ProblemFact.objects.filter(problem_id=p.pk).update(status="new")
    aggregates.aggregates_refresh()
    assert not EventGap.objects.filter(event_id=last.pk).exists()
    assert ProblemFact.objects.get(problem_id=p.pk).status == "dispatched"
    assert AggregateMark.objects.get().last_event_id == mark.last_event_id


def test_missing_ids_become_gaps(cast):
    dispatched(cast)
    aggregates.aggregates_refresh()
    mark = AggregateMark.objects.get()
    p = dispatched(cast)
    # An id skipped below the newest event: noted, then dropped after GAP_TTL.
    first_new = p.events.order_by("pk").first().pk
    p.events.filter(pk=first_new).delete()
    aggregates.aggregates_refresh()
    assert EventGap.objects.filter(event_id=first_new).exists()
    assert AggregateMark.objects.get().last_event_id > mark.last_event_id
    EventGap.objects.update(noted_at=aggregates.timezone.now() - timedelta(hours=1))
    aggregates.aggregates_refresh()
    assert not EventGap.objects.exists()


def test_overdue_is_pending_by_deadline(cast):
    p = dispatched(cast)
    yesterday = local_today() - timedelta(days=1)
    type(p).objects.filter(pk=p.pk).update(deadline=yesterday)
    services.problem_accept(problem=p, actor=cast.urban)
    aggregates.aggregates_refresh()
    stored = aggregates.aggregates_stored()
    assert stored[("region", yesterday, cast.zhongshan_district.pk, -1, Measure.PENDING)] == 1
    assert stored == aggregates.aggregates_recount()


def test_the_months_totals_add_up_every_day_of_the_month():
    """The dashboard's and the briefing's "reported" and "closed" of a month are the sums of
    its days (they showed the month's last day with any count: 79 of 1,918 in the demo)."""
    from datetime import date

    from wenming.dashboards import selectors
    from wenming.dashboards.scope import DashScope
    from wenming.problems.metrics import period_parse

    period = period_parse("2026-11")
    days = {
        (date(2026, 10, 31), Measure.REPORTED): 50,  # the month before: not counted
        (date(2026, 11, 1), Measure.REPORTED): 3,
        (date(2026, 11, 2), Measure.REPORTED): 4,
        (date(2026, 11, 2), Measure.CLOSED): 2,
        (date(2026, 11, 30), Measure.REPORTED): 5,
        (date(2026, 11, 30), Measure.CLOSED): 1,
        (date(2026, 12, 1), Measure.CLOSED): 70,  # the month after: not counted
    }
    totals = selectors.month_totals(DashScope("city"), period, days)
    assert totals == {"reported": 12, "closed": 3}
