"""The overview and the big screen draw their charts with no console error, and the overview's
table view shows the same numbers as its chart."""

import pytest

from wenming.dashboards import aggregates
from wenming.problems.tests.factories import closed, dispatched
from wenming.testing.personas import build_cast

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_overview_and_big_screen_draw_their_charts(live_server, page, login):
    cast = build_cast()
    dispatched(cast)
    closed(cast)
    aggregates.aggregates_refresh()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    login("office")
    page.goto(f"{live_server.url}/dashboards/")
    page.wait_for_selector("[data-wm-dashboard][data-ready='1']")
    drawn = page.eval_on_selector_all("[data-wm-chart][data-drawn='1']", "els => els.length")
    assert drawn >= 5
    # The status chart's numbers equal its table's.
    chart_values = page.evaluate(
        """() => echarts.getInstanceByDom(document.querySelector('[data-wm-chart="status"]'))
                 .getOption().series[0].data.map(d => d.value)"""
    )
    page.click("[data-chart-id=status] [data-wm-table-toggle]")
    table_values = page.eval_on_selector_all(
        "[data-testid=chart-table-status] td[data-value]",
        "tds => tds.map(td => Number(td.dataset.value)).filter(v => v > 0)",
    )
    assert sorted(chart_values) == sorted(table_values)
    page.goto(f"{live_server.url}/dashboards/bigscreen/")
    page.wait_for_selector("[data-wm-bigscreen][data-ready='1']")
    assert page.eval_on_selector_all(".wm-bs-card [data-drawn='1']", "els => els.length") >= 4
    assert page.text_content("[data-testid=bs-open]").strip() == "1"
    # Made for a wall, readable on a leader's phone: nothing wider than 390 px (it was 473).
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("[data-wm-bigscreen][data-ready='1']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not errors, errors


def test_charts_follow_a_narrowed_window(live_server, page, login):
    """Drawn on a wide screen, then the window narrowed: every chart shrinks with its box."""
    cast = build_cast()
    dispatched(cast)
    aggregates.aggregates_refresh()
    login("office")
    for url, ready, charts in (
        ("/dashboards/bigscreen/", "[data-wm-bigscreen][data-ready='1']", ".wm-bs-card .wm-chart"),
        ("/dashboards/", "[data-wm-dashboard][data-ready='1']", "[data-wm-chart][data-drawn='1']"),
    ):
        page.set_viewport_size({"width": 1600, "height": 900})
        page.goto(f"{live_server.url}{url}")
        page.wait_for_selector(ready)
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_function(
            """selector => [...document.querySelectorAll(selector)].every(box =>
                   echarts.getInstanceByDom(box).getWidth() <= box.parentNode.clientWidth)""",
            arg=charts,
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
