"""A district's dashboard as its officer sees it: problems split by the district's own streets,
and the streets' scores from the published snapshot, ranked or not (the demo's streets are all
below the minimum sample, and their chart was drawn empty without a word)."""

import pytest

from wenming.dashboards import aggregates
from wenming.org.roles import Role
from wenming.problems.deadlines import local_today
from wenming.problems.tests.factories import closed, dispatched, report
from wenming.scoring.models import Score, ScoreStatus
from wenming.scoring.services.snapshots import snapshot_compute, snapshot_publish
from wenming.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(cast):
    dispatched(cast)  # Zhongshan, in its street (Qingniwaqiao), open
    closed(cast)  # Zhongshan, the same street, closed
    report(cast.office, region=cast.zhongshan_district)  # Zhongshan, no street
    dispatched(cast, unit=cast.education_unit, place=cast.ganjingzi_community)
    aggregates.aggregates_refresh()


def chart(data, chart_id):
    return next((c for c in data["charts"] if c["id"] == chart_id), None)


def places(data) -> dict:
    return {row[0]: row[1:] for row in chart(data, "place")["rows"]}


def test_a_districts_problems_are_split_by_its_streets(cast, ledger, api_as, page_as):
    """The district's chart read the district's roll-up rows (street = ALL), so every problem
    showed under "not placed" (未定位)."""
    zhongshan = {cast.zhongshan_street.display_name: [1, 1], "未定位": [1, 0]}
    officer = api_as(cast.zhongshan).get("dashboard/overview").json()
    assert places(officer) == zhongshan
    office = api_as(cast.office).get("dashboard/overview", region=cast.zhongshan_district.code)
    assert places(office.json()) == zhongshan
    page = page_as(cast.zhongshan).get("/dashboards/data/overview.json").json()
    assert places(page) == zhongshan
    # The other charts still count the whole district, the problem without a street too.
    assert sum(dict(chart(officer, "status")["rows"]).values()) == 3
    assert officer["totals"]["open"] == 2
    # Another district's officer sees their own street only.
    other = api_as(cast.ganjingzi).get("dashboard/overview").json()
    assert places(other) == {cast.ganjingzi_street.display_name: [1, 0]}


def test_the_city_is_still_split_by_district_and_a_street_has_no_split(cast, ledger, api_as):
    city = api_as(cast.office).get("dashboard/overview").json()
    assert places(city) == {
        cast.zhongshan_district.display_name: [2, 1],
        cast.ganjingzi_district.display_name: [1, 0],
    }
    street_officer = PersonFactory(
        username="qingniwaqiao", role=Role.REGION_OFFICER, region=cast.zhongshan_street
    )
    street = api_as(street_officer).get("dashboard/overview").json()
    assert street["scope"]["kind"] == "street"
    assert chart(street, "place") is None
    assert sum(dict(chart(street, "status")["rows"]).values()) == 2
    assert (
        api_as(street_officer)
        .get("dashboard/overview", region=cast.zhongshan_district.code)
        .status_code
        == 404
    )


@pytest.fixture
def published(cast, ledger):
    month = f"{local_today():%Y-%m}"
    snapshot = snapshot_compute(month=month, actor=cast.office)
    return snapshot_publish(snapshot=snapshot, actor=cast.office)


def test_streets_below_the_minimum_sample_are_shown_unranked(cast, published, api_as, page_as):
    """Every street of the demo had fewer problems due than the minimum sample: `rank` null,
    and the district's ranking chart dropped them all and drew nothing."""
    street = Score.objects.get(snapshot=published, region=cast.zhongshan_street)
    assert street.status == ScoreStatus.INSUFFICIENT and street.rank is None
    assert street.composite is not None
    data = api_as(cast.zhongshan).get("dashboard/overview").json()
    ranking = chart(data, "ranking")
    assert not ranking["empty"]
    [row] = ranking["rows"]
    assert cast.zhongshan_street.display_name in row[0] and "未排名" in row[0]
    assert row[1:] == [float(street.composite), None]
    # The page says why the street has no rank, with the snapshot's own minimum sample.
    rules = published.rules
    note = ranking["extra"]["note"]
    assert str(rules["min_problems_due"]) in note and str(rules["min_visits"]) in note
    page = page_as(cast.zhongshan).get("/dashboards/").content.decode()
    assert 'data-testid="chart-note-ranking"' in page and note in page
    # Another district's streets never show in Zhongshan's chart.
    assert cast.ganjingzi_street.display_name not in str(ranking["rows"])


def test_an_unranked_score_shows_only_inside_the_dashboards_subject(cast, published, api_as):
    """A rank is published to everyone in the campaign; an unranked score is not (the scoring
    app shows it within the reader's scope): a unit sees its own, not another unit's; a street,
    whose ranking is the districts', sees no district's."""
    unranked = dict(
        Score.objects.filter(
            snapshot=published, rank__isnull=True, composite__isnull=False
        ).values_list("subject", "composite")
    )
    assert {"unit-URBAN", "unit-EDU", f"region-{cast.zhongshan_district.code}"} <= set(unranked)
    urban = chart(api_as(cast.urban).get("dashboard/overview").json(), "ranking")
    names = [row[0] for row in urban["rows"]]
    assert names == ["市城市管理局（未排名）"]
    assert urban["rows"][0][1] == float(unranked["unit-URBAN"])
    street_officer = PersonFactory(
        username="qingniwaqiao", role=Role.REGION_OFFICER, region=cast.zhongshan_street
    )
    street = chart(api_as(street_officer).get("dashboard/overview").json(), "ranking")
    assert street["rows"] == [] and street["empty"]
    assert street["extra"]["note"]  # says why there is no bar
    # The office sees the city's districts, unranked too.
    city = chart(api_as(cast.office).get("dashboard/overview").json(), "ranking")
    assert {row[0] for row in city["rows"]} == {
        "中山区（未排名）",
        "甘井子区（未排名）",
    }


def test_no_published_ranking_says_so(cast, ledger, api_as):
    ranking = chart(api_as(cast.zhongshan).get("dashboard/overview").json(), "ranking")
    assert ranking["empty"] and ranking["extra"]["note"] == "尚未发布排名。"
