"""What the dashboards show from the scoring app: the latest published ranking, and the
predicted score's gauge for the office and leaders only ("no data" when there is none)."""

import pytest

from wenming.dashboards import aggregates, scores
from wenming.problems.deadlines import local_today
from wenming.problems.metrics import period_parse
from wenming.problems.tests.factories import dispatched
from wenming.scoring.services.snapshots import snapshot_compute, snapshot_publish

pytestmark = pytest.mark.django_db


def chart(data, chart_id):
    return next((c for c in data["charts"] if c["id"] == chart_id), None)


def test_no_snapshot_and_no_prediction_say_no_data(cast, api_as):
    dispatched(cast)
    aggregates.aggregates_refresh()
    data = api_as(cast.office).get("dashboard/overview").json()
    assert chart(data, "ranking")["empty"] and chart(data, "ranking")["extra"]["month"] == ""
    gauge = chart(data, "predicted")
    assert gauge["empty"] and gauge["option"]["title"]["text"]
    # The prediction is the office's and the leaders': a district officer has no gauge.
    assert chart(api_as(cast.zhongshan).get("dashboard/overview").json(), "predicted") is None


def test_the_latest_published_snapshot_feeds_the_ranking(cast, api_as):
    dispatched(cast)
    month = f"{local_today():%Y-%m}"
    snapshot_publish(snapshot=snapshot_compute(month=month, actor=cast.office), actor=cast.office)
    assert scores.latest_snapshot(period_parse(month)) is not None
    data = api_as(cast.office).get("dashboard/overview").json()
    assert chart(data, "ranking")["extra"]["month"] == month
    rows = scores.ranking_rows(
        snapshot=scores.latest_snapshot(period_parse(month)), tier="district"
    )
    names = {row["name"] for row in rows}
    assert cast.zhongshan_district.display_name in names
