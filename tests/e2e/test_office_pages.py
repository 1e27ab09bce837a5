"""The activity and metrics pages in a real browser: the office's and a district officer's view.

At desktop size and at 390×844, in both languages: nothing wider than the screen (the tables
scroll inside their own box), no console error (the chart's code is a static file the CSP
allows), the chart drawn, and no WCAG 2.1 AA violation (axe-core).
"""

import pytest

from .axe import axe_violations, describe
from .walk_pages import LANGUAGES, build_city, fast_sign_in, use_language

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# What these pages own is the content: wide tables scroll inside their own box. (The shared
# navigation bar is the shell's; at 1280 px in English it is measured by the shell's tests.)
OVERFLOW = """() => { const w = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll('main > *, main .table-responsive'))
    .map(el => el.getBoundingClientRect().right - w).reduce((a, b) => Math.max(a, b), 0); }"""


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    fast_sign_in(settings)


def _visit(page, url: str, errors: list, found: dict) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    width = page.viewport_size["width"]
    assert page.evaluate(OVERFLOW) <= 0, f"{url} scrolls sideways at {width} px"
    violations = axe_violations(page)
    if violations:
        found[f"{url} at {width} px"] = violations


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_office_reads_activity_and_metrics(live_server, page, login, language):
    city = build_city()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    use_language(page, live_server, language)
    login("office")
    found = {}
    for size in (None, PHONE):
        if size:
            page.set_viewport_size(size)
        _visit(page, f"{live_server.url}/activity/", errors, found)
        assert page.locator(f"text={city.dispatched.code}").count() >= 1
        _visit(page, f"{live_server.url}/activity/?date_from=2026-02-30", errors, found)
        assert page.locator("#id_date_from ~ .text-danger").count() == 1
        _visit(page, f"{live_server.url}/problems/metrics/", errors, found)
        # ECharts drew into its box (a canvas), from the page's json_script.
        assert page.locator("#wm-metrics-chart-box canvas").count() == 1
    assert not found, "\n".join(describe(v, where=url) for url, v in found.items())
    # The 400 of the impossible date is the one error the browser reports.
    assert all("400" in e for e in errors), errors


def test_a_district_officer_sees_metrics_not_activity(live_server, page, login):
    build_city()
    login("zhongshan")
    page.goto(f"{live_server.url}/problems/metrics/")
    assert page.locator("[data-testid=metrics-districts]").inner_text().count("\n") >= 1
    assert "甘井子区" not in page.content()
    response = page.goto(f"{live_server.url}/activity/")
    assert response.status == 403
