"""Dashboard pages, the JSON behind them and the API: scoped, in both languages, bad months."""

from datetime import timedelta

import pytest

from wenming.dashboards import aggregates
from wenming.problems.deadlines import local_today
from wenming.problems.tests.factories import closed, dispatched, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(cast):
    dispatched(cast)  # Zhongshan, Urban Management
    dispatched(cast, unit=cast.education_unit, place=cast.ganjingzi_community)
    closed(cast)
    report(cast.office, region=cast.ganjingzi_community)
    aggregates.aggregates_refresh()


def chart(data, chart_id):
    return next(c for c in data["charts"] if c["id"] == chart_id)


def test_office_overview_counts_every_district(cast, ledger, api_as):
    data = api_as(cast.office).get("dashboard/overview").json()
    status = dict(chart(data, "status")["rows"])
    assert sum(status.values()) == 4
    places = {row[0]: row[1:] for row in chart(data, "place")["rows"]}
    assert places[cast.zhongshan_district.display_name] == [1, 1]
    assert data["totals"]["open"] == 3
    # The option is made from the same table.
    option = chart(data, "place")["option"]
    assert option["series"][0]["data"] == [row[1] for row in chart(data, "place")["rows"]]


def test_district_officer_sees_only_their_district(cast, ledger, api_as):
    data = api_as(cast.zhongshan).get("dashboard/overview").json()
    assert data["scope"]["kind"] == "district"
    assert sum(dict(chart(data, "status")["rows"]).values()) == 2
    other = api_as(cast.zhongshan).get("dashboard/overview", region=cast.ganjingzi_district.code)
    assert other.status_code == 404
    street = api_as(cast.zhongshan).get("dashboard/overview", region=cast.zhongshan_street.code)
    assert street.status_code == 200


def test_unit_officer_sees_their_unit(cast, ledger, api_as):
    data = api_as(cast.education).get("dashboard/overview").json()
    assert data["scope"]["kind"] == "unit"
    assert sum(dict(chart(data, "status")["rows"]).values()) == 1
    assert api_as(cast.education).get("dashboard/overview", unit="URBAN").status_code == 404


def test_inspector_has_no_dashboard(cast, api_as, page_as):
    assert api_as(cast.inspector).get("dashboard/overview").status_code == 403
    assert page_as(cast.inspector).get("/dashboards/").status_code == 403


def test_a_future_month_is_refused(cast, api_as, page_as):
    today = local_today()
    future = (today.replace(day=1) + timedelta(days=40)).strftime("%Y-%m")
    answer = api_as(cast.office).get("dashboard/overview", month=future)
    assert answer.status_code == 400
    assert answer.json()["error"] == "future_month"
    page = page_as(cast.office).get("/dashboards/", {"month": future})
    assert page.status_code == 400
    assert b'data-testid="dashboard-error"' in page.content
    assert page_as(cast.office).get("/dashboards/", {"month": "2026-13"}).status_code == 400


def test_a_month_without_data_says_so(cast, ledger, page_as):
    page = page_as(cast.office).get("/dashboards/", {"month": "2024-01"})
    assert page.status_code == 200
    assert b'data-testid="no-data"' in page.content


def test_page_tables_show_the_endpoint_numbers(cast, ledger, page_as):
    client = page_as(cast.office)
    page = client.get("/dashboards/")
    assert page.status_code == 200
    body = page.content.decode()
    data = client.get("/dashboards/data/overview.json").json()
    for row in chart(data, "status")["rows"]:
        if row[1]:
            assert (
                f'<th scope="row">{row[0]}</th><td class="text-end" data-value="{row[1]}"' in body
            )


def test_charts_in_english(cast, ledger, page_as):
    client = page_as(cast.office)
    client.cookies["wenming_language"] = "en"
    data = client.get("/dashboards/data/overview.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert chart(data, "status")["title"] == "Problems by status"
    client.cookies["wenming_language"] = "zh-hans"
    data = client.get("/dashboards/data/overview.json").json()
    assert chart(data, "status")["title"] == "问题状态分布"


def test_bigscreen_and_map(cast, ledger, page_as, api_as):
    client = page_as(cast.office)
    assert client.get("/dashboards/bigscreen/").status_code == 200
    data = client.get("/dashboards/data/bigscreen.json").json()
    assert data["totals"]["open"] == 3
    assert client.get("/dashboards/map/").status_code == 200
    points = api_as(cast.zhongshan).get("dashboard/map").json()
    assert len(points["features"]) == 1  # the open problem of Zhongshan only
    assert api_as(cast.office).get("dashboard/map").json()["features"]


def test_an_officers_map_is_the_newest_open_problems_they_may_read(cast, ledger, api_as):
    """The officer's subject is found first without their scope, which is then applied to those
    ids (mapdata.py): the same markers, newest first, as the scoped query gives."""
    from wenming.problems.selectors import problems_visible

    dispatched(cast)  # a second open problem in Zhongshan, newer
    dispatched(cast, unit=cast.education_unit, place=cast.ganjingzi_community)
    for reader in (cast.zhongshan, cast.ganjingzi, cast.urban, cast.education):
        expected = [
            f"/problems/{code}/"
            for code in problems_visible(actor=reader)
            .filter(is_open=True, lat__isnull=False)
            .order_by("-created_at", "-id")
            .values_list("code", flat=True)
        ]
        features = api_as(reader).get("dashboard/map").json()["features"]
        assert [f["properties"]["url"] for f in features] == expected
        assert expected  # each reader has markers: not a comparison of empty lists
    other = api_as(cast.zhongshan).get(f"dashboard/map?region={cast.ganjingzi_district.code}")
    assert other.status_code == 404


def test_district_and_unit_pages(cast, ledger, page_as):
    office = page_as(cast.office)
    assert office.get(f"/dashboards/district/{cast.zhongshan_district.code}/").status_code == 200
    assert office.get("/dashboards/unit/EDU/").status_code == 200
    assert (
        page_as(cast.ganjingzi)
        .get(f"/dashboards/district/{cast.zhongshan_district.code}/")
        .status_code
        == 404
    )


def test_dashboard_reads_no_ledger_rows(cast, ledger, api_as, django_assert_max_num_queries):
    """The overview's numbers come from the aggregates: a fixed, small number of queries."""
    client = api_as(cast.office)
    client.get("dashboard/bigscreen")
    with django_assert_max_num_queries(16):
        assert client.get("dashboard/bigscreen").status_code == 200


def test_a_count_beside_rates_has_no_percent_sign(cast, ledger):
    """The on-time chart's table showed its "problems due" as "1755%"."""
    from django.template.loader import render_to_string

    from wenming.dashboards import selectors
    from wenming.dashboards.scope import DashScope
    from wenming.problems.metrics import period_parse

    period = period_parse(f"{local_today():%Y-%m}")
    on_time, _month = selectors.on_time_chart(DashScope("city"), period)
    assert on_time.column_units == ["", "%", "%", ""]
    table = selectors.Chart(
        "on_time",
        "t",
        "rates",
        on_time.columns,
        [["2026-11", 80.5, 90.0, 1755]],
        unit="%",
        units=on_time.column_units,
    )
    html = render_to_string("dashboards/_charts.html", {"data": {"charts": [table.as_dict()]}})
    assert 'data-value="1755">1755<' in html and "1755%" not in html
    assert 'data-value="80.5">80.5%<' in html
