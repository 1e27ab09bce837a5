"""A week's ranking is computed by the worker and stored (weeks.py): the stored rows are the
direct computation's, the tick computes a week again when its inputs moved, the rows are
scoped like a month's, and a week not stored yet is queued once and shown as pending."""

from datetime import timedelta

from django.utils import timezone

from wenming.problems.metrics import DUE_STATUSES
from wenming.problems.models import Problem, ProblemEvent
from wenming.scoring import weeks
from wenming.scoring.models import WeekRanking
from wenming.scoring.services.snapshots import component_rows, score_rows
from wenming.scoring.tests.test_audit16 import split_weeks  # noqa: F401
from wenming.testing.tasks import queued_tasks, run_worker


def _rows(actor, week: str, **kw):
    return weeks.week_read(actor=actor, period=weeks.week_parse(week), **kw)[1]


def test_stored_rows_equal_a_direct_compute(cast, split_weeks):  # noqa: F811
    tenth, _twentieth = split_weeks
    period = weeks.week_parse(tenth)
    weeks.week_compute(period=period)
    stored = {r.subject: r for r in _rows(cast.office, tenth, components=True)}
    direct, parts_of = score_rows(period, before={})
    assert sorted(stored) == sorted(s.subject for s in direct)
    for score in direct:
        row = stored[score.subject]
        assert (row.tier, row.status, row.composite, row.grade, row.rank, row.peers) == (
            score.tier,
            score.status,
            score.composite,
            score.grade,
            score.rank,
            score.peers,
        )
        assert (row.problems_due, row.visits, row.redistributed) == (
            score.problems_due,
            score.visits,
            score.redistributed,
        )
        parts = component_rows(score, *parts_of[score.subject])
        assert [
            (p.key, p.value, p.weight, p.effective_weight, p.contribution) for p in row.parts
        ] == [(p.key, p.value, p.weight, p.effective_weight, p.contribution) for p in parts]
    zs = stored["region-210202"]
    assert (zs.composite, zs.display_name) == (55, cast.zhongshan_district.display_name)


def test_a_moved_input_makes_the_tick_compute_again(cast, split_weeks):  # noqa: F811
    tenth, _twentieth = split_weeks
    period = weeks.week_parse(tenth)
    now = timezone.now()
    weeks.week_compute(period=period, now=now)
    weeks.week_compute(period=weeks.week_parse(weeks.this_week()), now=now)
    assert weeks.weeks_tick(now=now + timedelta(minutes=1)) == {"weeks_queued": 0}
    later = now + weeks.REFRESH_EVERY + timedelta(minutes=1)
    assert weeks.weeks_tick(now=later) == {"weeks_queued": 0}  # nothing moved
    # One of Zhongshan's four problems now falls due a week later (recorded as an event).
    moved = Problem.objects.filter(
        district=cast.zhongshan_district,
        deadline__range=(period.first, period.last),
        status__in=DUE_STATUSES,
    ).first()
    Problem.objects.filter(pk=moved.pk).update(deadline=period.first + timedelta(days=8))
    ProblemEvent.objects.create(problem=moved, actor=cast.office, action="note")
    # Both the current week and the week read just now are queued, once.
    assert weeks.weeks_tick(now=later) == {"weeks_queued": 2}
    assert weeks.weeks_tick(now=later) == {"weeks_queued": 0}
    assert queued_tasks("wenming.scoring.tasks.week_rank") == 2
    assert run_worker() == 2
    zs = next(r for r in _rows(cast.office, tenth) if r.subject == "region-210202")
    assert zs.problems_due == 3
    ranking = WeekRanking.objects.get(week=period.first)
    assert ranking.queued_at is None and ranking.computed_at > now
    # A past week nobody asked for in the last hour is left as it is; the current week is not.
    WeekRanking.objects.filter(pk=ranking.pk).update(asked_at=now - timedelta(hours=2))
    ProblemEvent.objects.create(problem=moved, actor=cast.office, action="note")
    assert weeks.weeks_tick(now=later + weeks.REFRESH_EVERY * 2) == {"weeks_queued": 1}


def test_week_rows_are_scoped(cast, api_as, page_as, split_weeks):  # noqa: F811
    tenth, _twentieth = split_weeks
    weeks.week_compute(period=weeks.week_parse(tenth))
    everyone = {r.subject for r in _rows(cast.office, tenth)}
    assert {"region-210202", "region-210211", "unit-URBAN", "unit-EDU"} <= everyone
    zs_ids = set(cast.zhongshan_district.subtree_ids())
    mine = _rows(cast.zhongshan, tenth)
    assert mine and all(r.region_id in zs_ids for r in mine)
    assert {r.subject for r in mine} == {s for s in everyone if s.startswith("region-210202")}
    assert [r.subject for r in _rows(cast.urban, tenth)] == ["unit-URBAN"]
    assert _rows(cast.inspector, tenth) == []
    data = api_as(cast.ganjingzi).get("scores", week=tenth).json()
    assert data["items"] and all(i["subject"].startswith("region-210211") for i in data["items"])
    page = page_as(cast.zhongshan).get("/scores/weeks/", {"week": tenth, "tier": "district"})
    assert page.content.count(b'data-testid="score-row"') == 1
    assert cast.ganjingzi_district.display_name.encode() not in page.content


def test_a_week_not_stored_is_queued_once_and_pending(cast, api_as, split_weeks):  # noqa: F811
    tenth, _twentieth = split_weeks
    office = api_as(cast.office)
    data = office.get("scores", week=tenth).json()
    assert (data["status"], data["items"], data["as_of"], data["snapshot"]) == (
        "queued",
        [],
        None,
        None,
    )
    assert data["message"]
    assert api_as(cast.zhongshan).get("scores", week=tenth).json()["status"] == "queued"
    assert queued_tasks("wenming.scoring.tasks.week_rank") == 1  # not twice
    period = weeks.week_parse(tenth)
    # A computation lost by the worker is queued again after a while.
    assert not weeks.week_queue(period=period)
    assert weeks.week_queue(period=period, now=timezone.now() + weeks.QUEUED_FOR)
    assert run_worker() == 2
    data = office.get("scores", week=tenth).json()
    assert data["status"] == "ready" and data["as_of"] and "message" not in data


def test_week_page_in_pages(cast, page_as, split_weeks, monkeypatch):  # noqa: F811
    from wenming.scoring.views import months

    tenth, _twentieth = split_weeks
    weeks.week_compute(period=weeks.week_parse(tenth))
    monkeypatch.setattr(months, "PAGE_SIZE", 1)
    office = page_as(cast.office)
    first = office.get("/scores/weeks/", {"week": tenth, "tier": "district"}).content.decode()
    assert first.count('data-testid="score-row"') == 1 and "55.00" in first
    assert f"?page=2&amp;week={tenth}&amp;tier=district" in first
    second = office.get("/scores/weeks/", {"week": tenth, "tier": "district", "page": 2})
    assert second.content.count(b'data-testid="score-row"') == 1 and b"55.00" not in second.content
