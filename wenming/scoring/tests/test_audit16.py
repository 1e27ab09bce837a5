"""Issue 16 audit fixes: central and provincial units' tier, weekly rankings (by hand on the
metrics scene), the predicted score's and priorities' cache, the public metrics names."""

import inspect
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wenming.inspections.tests.test_reports import media  # noqa: F401
from wenming.org.models import UnitKind
from wenming.problems import metrics
from wenming.problems.models import Problem
from wenming.scoring import services, sources, weeks
from wenming.scoring.models import Score, Tier
from wenming.scoring.tests.test_prediction import approved  # noqa: F401
from wenming.standards.models import Standard
from wenming.testing.tasks import queued_tasks, run_worker


def test_central_provincial_units_rank_in_the_central_tier_by_default(cast, scene, small_sample):
    cast.education_unit.kind = UnitKind.CENTRAL_PROVINCIAL
    cast.education_unit.save()
    cast.urban_unit.kind = UnitKind.ENTERPRISE
    cast.urban_unit.save()
    assert services.settings_get().central_unit_kinds == ["central_prov"]
    snap = services.snapshot_compute(month=scene.label, actor=cast.office)
    tiers = dict(Score.objects.filter(snapshot=snap).values_list("subject", "tier"))
    assert tiers["unit-EDU"] == Tier.CENTRAL_UNIT
    assert tiers["unit-URBAN"] == Tier.MEMBER_UNIT
    assert snap.rules["central_unit_kinds"] == ["central_prov"]


def test_migration_moves_the_old_automatic_default(db):
    from django.apps import apps
    from django.utils.module_loading import import_string

    forwards = import_string("wenming.scoring.migrations.0003_central_prov_default.forwards")
    row = services.settings_get()
    row.central_unit_kinds = ["enterprise"]
    row.save()
    forwards(apps, None)
    row.refresh_from_db()
    assert row.central_unit_kinds == ["central_prov"]


def _week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@pytest.fixture
def split_weeks(cast, scene, small_sample):
    """The scene with E (Ganjingzi, closed on the 10th) due on the 20th instead: the week of
    the 10th holds A, B, C, D_ (Zhongshan), the week of the 20th E alone."""
    first = scene.first
    Problem.objects.filter(district=cast.ganjingzi_district, deadline=first.replace(day=10)).update(
        deadline=first.replace(day=20)
    )
    return _week_of(first.replace(day=10)), _week_of(first.replace(day=20))


def _stored(client, **params) -> dict:
    """Ask for a week; the first ask queues it: the worker computes it, then it is read."""
    first = client.get("scores", **params).json()
    if first.get("status") == "queued":
        assert first["items"] == [] and first["as_of"] is None
        run_worker()
        first = client.get("scores", **params).json()
    assert first["status"] == "ready" and first["as_of"]
    return first


def test_week_ranking_by_hand(cast, api_as, split_weeks):
    tenth, twentieth = split_weeks
    office = api_as(cast.office)
    data = _stored(office, week=tenth, level="district")
    assert data["week"] == tenth and data["snapshot"] is None
    by = {i["subject"]: i for i in data["items"]}
    # Zhongshan as in the month: 7.5 + 10 + 15 + 15 + 7.5 = 55.00, alone in its tier.
    zs = by["region-210202"]
    assert (zs["problems_due"], zs["composite"], zs["grade"], zs["rank"]) == (4, 55.0, "D", 1)
    assert sum(c["contribution"] for c in zs["components"]) == zs["composite"]
    assert by["region-210211"]["composite"] is None and by["region-210211"]["rank"] is None
    # The city that week is Zhongshan's four problems.
    city = office.get("scores", week=tenth, level="city").json()["items"][0]
    assert (city["problems_due"], city["composite"]) == (4, 55.0)
    later = {i["subject"]: i for i in _stored(office, week=twentieth)["items"]}
    assert (later["region-210211"]["problems_due"], later["region-210211"]["composite"]) == (
        1,
        100.0,
    )
    assert later["region-210202"]["composite"] is None
    # Scoped like the months: a district officer sees their own district only.
    mine = api_as(cast.zhongshan).get("scores", week=tenth, level="district").json()
    assert [i["subject"] for i in mine["items"]] == ["region-210202"]
    # The month's contract is unchanged.
    month = office.get("scores", month=scene_label(split_weeks, tenth), level="district")
    assert month.status_code == 200


def scene_label(_weeks, week: str) -> str:
    return f"{date.fromisocalendar(int(week[:4]), int(week[6:]), 4):%Y-%m}"


def test_week_refusals_and_page(cast, api_as, page_as, split_weeks):
    tenth, _twentieth = split_weeks
    office = api_as(cast.office)
    assert office.get("scores", week="2026-45").json()["error"] == "bad_period"
    future = date.today() + timedelta(days=14)
    answer = office.get("scores", week=_week_of(future))
    assert answer.status_code == 400 and answer.json()["error"] == "future_week"
    # Not stored yet: queued, and the page polls (htmx) instead of computing.
    page = page_as(cast.office).get("/scores/weeks/", {"week": tenth, "tier": "district"})
    assert page.status_code == 200 and b'data-testid="week-pending"' in page.content
    assert b'hx-trigger="every 2s"' in page.content and b"score-row" not in page.content
    assert queued_tasks("wenming.scoring.tasks.week_rank") == 1
    run_worker()
    polled = page_as(cast.office).get(
        "/scores/weeks/", {"week": tenth, "tier": "district"}, headers={"HX-Request": "true"}
    )
    assert b"<html" not in polled.content and b'data-testid="week-as-of"' in polled.content
    assert b"hx-trigger" not in polled.content
    page = page_as(cast.office).get("/scores/weeks/", {"week": tenth, "tier": "district"})
    assert b'data-testid="score-row"' in page.content and b"55.00" in page.content
    # A district officer has nothing in the member units' tier: said as on the month's page,
    # not as "there are no scores for the week".
    zhongshan = page_as(cast.zhongshan)
    zhongshan.get("/scores/weeks/", {"week": tenth, "tier": "member_unit"})
    run_worker()
    units = zhongshan.get("/scores/weeks/", {"week": tenth, "tier": "member_unit"})
    assert b'data-testid="no-rows"' in units.content and b'data-testid="no-data"' not in units.content
    page_as(cast.office).get("/scores/weeks/", {"week": "2020-W02"})
    run_worker()
    empty = page_as(cast.office).get("/scores/weeks/", {"week": "2020-W02"})
    assert b'data-testid="no-data"' in empty.content
    assert page_as(cast.office).get("/scores/weeks/", {"week": "x"}).status_code == 400


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        answer = client.get(url)
    assert answer.status_code == 200
    return len(ctx.captured_queries), answer.content.decode()


def test_predicted_and_priorities_cached_until_an_input_moves(cast, page_as, approved):  # noqa: F811
    client = page_as(cast.office)
    first, page = _queries(client, "/scores/predicted/")
    assert "73.33" in page
    # The weakest standards name their methods in the reader's language, not by code.
    weakest = page.split('data-testid="weakest"', 1)[1].split("</ul>", 1)[0]
    assert "<li>" in weakest and "material " not in weakest and "field " not in weakest
    assert "材料审核" in weakest or "实地考察" in weakest or "问卷调查" in weakest
    second, page = _queries(client, "/scores/predicted/")
    assert "73.33" in page and second * 2 < first, (first, second)
    # A new questionnaire figure (an audited scoring event) is a new key: 0.5 × 20 = 10 →
    # (26 + 10) × 100 ÷ 60 = 60.00.
    standard = Standard.objects.get(system=approved, code="1.2.2")
    services.questionnaire_figure_set(actor=cast.office, standard=standard, rate="0.5")
    third, page = _queries(client, "/scores/predicted/")
    assert "60.00" in page and third > second
    p1, page = _queries(client, "/scores/priorities/")
    # The larger gains (weak standards) lead; no pointer into the source tree for a leader.
    assert page.index('data-testid="standard-priorities"') < page.index(
        'data-testid="problem-priorities"'
    )
    assert "docs/" not in page
    p2, _page = _queries(client, "/scores/priorities/")
    assert p2 * 2 < p1, (p1, p2)
    # A problem's event (here a return to the office) moves the key too.
    from wenming.problems.models import ProblemEvent

    last = ProblemEvent.objects.order_by("-pk").first()
    ProblemEvent.objects.create(problem=last.problem, actor=cast.office, action=last.action)
    p3, _page = _queries(client, "/scores/priorities/")
    assert p3 > p2


def test_scoring_reads_the_public_metrics_names():
    assert metrics._due is metrics.due_in
    assert metrics._problem_aggregates is metrics.problem_aggregates
    assert metrics._merge is metrics.merge_into
    assert "metrics._" not in inspect.getsource(sources)


def test_week_parse():
    period = weeks.week_parse("2025-W01")
    assert (period.first, period.last) == (date(2024, 12, 30), date(2025, 1, 5))
    assert weeks.week_label(period) == "2025-W01"
