"""The responsibility matrix read on a phone and a desk, in both languages (issue 10, item 12):
unit names head the columns, and the standard's text keeps a readable width."""

import os

import pytest

from wenming.standards.tests.factories import small_system
from wenming.testing.personas import build_cast

from .walk_pages import sign_in

SHOTS = os.environ.get("WENMING_SHOTS")
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}]
)
def test_the_matrix_names_its_units_and_keeps_the_text_readable(live_server, browser, viewport):
    build_cast()
    small_system()
    for language, name in (("zh-hans", "市城市管理局"), ("en", "Urban Management Bureau")):
        context = browser.new_context(viewport=viewport)
        context.add_cookies(
            [{"name": "wenming_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        sign_in(page, live_server, "office")
        page.goto(f"{live_server.url}/standards/T-2026/matrix/")
        headers = page.locator("[data-testid=matrix-unit]").all_inner_texts()
        assert name in [h.strip() for h in headers], (language, headers)
        assert not {"URBAN", "PSB", "EDU"} & {h.strip() for h in headers}
        # The standard's text is at least 10rem wide (not one character per line) ...
        width = page.locator("tbody td.wm-matrix-text").first.bounding_box()["width"]
        assert width >= 160, (language, viewport, width)
        # ... and on a phone a unit's column stays narrow: its name stands on its side.
        column = page.locator("[data-testid=matrix-unit]").first.bounding_box()["width"]
        assert viewport["width"] > 576 or column <= 80, (language, viewport, column)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/matrix-{language}-{viewport['width']}.png")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (language, viewport, overflow)
        context.close()
