"""The metrics page and its Excel download (issue 10, 17): scoped figures equal to the API's."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from wenming.problems.metrics import RATES as API_RATES

from .factories import dispatched
from .test_metrics import scene  # noqa: F401 (the hand-computed month of test_metrics)


def english(client):
    client.cookies["wenming_language"] = "en"
    return client


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def table(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]


def test_the_office_sees_the_city_by_district_and_unit_with_definitions(cast, page_as, scene):  # noqa: F811
    html = page_as(cast.office).get("/problems/metrics/").content.decode()
    assert scene.label in html
    rates = table(html, "metrics-rates")
    assert "结案率" in rates and "按期结案率" in rates and "准确派遣率" in rates
    # The whole city: 5 due, 3 closed (test_metrics.test_the_whole_city).
    closing = rates.split('data-rate="closing_rate"', 1)[1].split("</tr>", 1)[0]
    assert "60.0%" in closing and "3 / 5" in closing
    districts = table(html, "metrics-districts")
    assert "中山区" in districts and "甘井子区" in districts
    units = table(html, "metrics-units")
    assert "市城市管理局" in units and "市教育局" in units
    assert 'href="/problems/metrics.xlsx?period=' in html
    assert 'id="wm-metrics-chart"' in html and "problems/metrics.js" in html
    assert "<script>" not in html  # the chart's code is a static file (CSP)


def test_english_labels(cast, page_as, scene):  # noqa: F811
    html = english(page_as(cast.leader)).get("/problems/metrics/").content.decode()
    assert "Ledger metrics" in html and "On-time closing rate" in html
    assert "Zhongshan District" in html and "Urban Management Bureau" in html
    book = workbook(english(page_as(cast.leader)).get("/problems/metrics.xlsx"))
    assert book.sheetnames == [f"Month {scene.label}", "By district", "By unit", "Definitions"]
    assert [c.value for c in book["By district"][1]][:3] == ["Name", "Due", "Closed"]


def test_a_district_officer_sees_only_their_subtree_in_page_and_workbook(
    cast,
    page_as,
    scene,  # noqa: F811
):
    client = page_as(cast.zhongshan)
    html = client.get("/problems/metrics/").content.decode()
    assert "中山区" in table(html, "metrics-districts")
    assert "甘井子区" not in html
    closing = table(html, "metrics-rates").split('data-rate="closing_rate"', 1)[1]
    assert "2 / 4" in closing.split("</tr>", 1)[0]  # Ganjingzi's E is not theirs
    book = workbook(client.get("/problems/metrics.xlsx", {"period": scene.label}))
    names = [row[0] for row in book["按区县"].iter_rows(min_row=2, values_only=True)]
    assert names == ["中山区"]
    summary = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert summary[0][1] == 4  # due


def test_a_unit_officer_sees_their_units_share(cast, page_as, scene):  # noqa: F811
    html = page_as(cast.urban).get("/problems/metrics/").content.decode()
    units = table(html, "metrics-units")
    assert "市城市管理局" in units and "市教育局" not in units


@pytest.mark.parametrize("who", ["inspector", "evaluator"])
def test_reporters_are_refused(cast, page_as, scene, who):  # noqa: F811
    client = page_as(getattr(cast, who))
    assert client.get("/problems/metrics/").status_code == 403
    assert client.get("/problems/metrics.xlsx").status_code == 403
    assert "/problems/metrics/" not in client.get("/").content.decode()


def test_readers_find_it_in_the_navigation(cast, page_as):
    for person in (cast.office, cast.leader, cast.zhongshan, cast.urban):
        assert 'href="/problems/metrics/"' in page_as(person).get("/").content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/problems/metrics/").status_code == 302
    assert client.get("/problems/metrics.xlsx").status_code == 302


def test_the_first_and_last_months_in_range_are_pages_not_errors(cast, page_as):
    client = page_as(cast.office)
    for period in ("2000-01", "2100-12"):
        assert client.get("/problems/metrics/", {"period": period}).status_code == 200


def test_the_trend_equals_each_months_own_figures(cast, page_as, scene):  # noqa: F811
    from wenming.problems.metrics import DUE_RATES, problem_metrics

    html = page_as(cast.office).get("/problems/metrics/").content.decode()
    trend = table(html, "metrics-trend")
    row = trend.split(f'<th scope="row" class="text-nowrap">{scene.label}</th>', 1)[1]
    cells = re.findall(r'<td class="text-end">([^<]*)</td>', row.split("</tr>", 1)[0])
    month = problem_metrics(actor=cast.office, period=scene)
    expected = [
        f"{getattr(month, r) * 100:.1f}%" if getattr(month, r) is not None else "—"
        for r in DUE_RATES
    ]
    assert cells == expected and cells[0] == "60.0%"


@pytest.mark.parametrize("period", ["2026-13", "2026-02-30", "last month", "1999-01"])
def test_a_month_that_does_not_exist_is_a_400_beside_the_field(cast, page_as, period):
    client = page_as(cast.office)
    response = client.get("/problems/metrics/", {"period": period})
    assert response.status_code == 400
    error = re.search(r'data-testid="error-period">([^<]*)<', response.content.decode())
    assert error and error.group(1).strip()
    assert client.get("/problems/metrics.xlsx", {"period": period}).status_code == 400


def test_the_workbook_equals_the_api(cast, page_as, api_as, scene):  # noqa: F811
    for person in (cast.office, cast.zhongshan, cast.urban):
        book = workbook(page_as(person).get("/problems/metrics.xlsx", {"period": scene.label}))
        header = [c.value for c in book.worksheets[1][1]]
        api = api_as(person)
        whole = api.get("metrics/problems", period=scene.label).json()
        sheets = {"district": book.worksheets[1], "unit": book.worksheets[2]}
        first = next(book.worksheets[0].iter_rows(min_row=2, values_only=True))
        summary = dict(zip(header, first, strict=True))
        _same(summary, whole, header)
        for by, sheet in sheets.items():
            rows = api.get("metrics/problems/breakdown", period=scene.label, by=by).json()
            cells = list(sheet.iter_rows(min_row=2, values_only=True))
            assert [r[0] for r in cells] == [r["name"] for r in rows], (person, by)
            for row, api_row in zip(cells, rows, strict=True):
                _same(dict(zip(header, row, strict=True)), api_row, header)
        # The rates are real numbers formatted as percentages.
        assert book.worksheets[0].cell(row=2, column=len(header)).number_format == "0.0%"


def _same(xlsx: dict, api: dict, header: list) -> None:
    columns = ["due", "closed", "dispatched", "reports", *API_RATES]
    values = list(xlsx.values())[1:]
    assert values == [api[name] for name in columns], (xlsx, api)


def test_a_page_costs_the_same_queries_with_more_problems(
    cast,
    page_as,
    scene,  # noqa: F811
):
    client = page_as(cast.office)
    client.get("/problems/metrics/")

    with CaptureQueriesContext(connection) as before:
        client.get("/problems/metrics/")
    for _n in range(5):
        dispatched(cast, unit=cast.education_unit)
        dispatched(cast, place=cast.ganjingzi_community)
    with CaptureQueriesContext(connection) as after:
        client.get("/problems/metrics/")
    assert len(after) == len(before)
