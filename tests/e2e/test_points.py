"""The Zhongshan officer's points: the map filtered by type, only Zhongshan, a point's page.

Tiles come from an address on our own server that answers 404, so the map shows its plain
fallback deterministically (the office's real tile server is not reachable from tests).
"""

import json
import os

import pytest

from wenming.standards.tests.factories import small_system
from wenming.testing.personas import build_cast

from .walk_pages import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("WENMING_SHOTS")
PHONE = {"width": 390, "height": 844}


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def no_tiles(settings, live_server):
    settings.MAP_TILE_URL = f"{live_server.url}/no-tiles/{{z}}/{{x}}/{{y}}.png"


def codes_in_list(page) -> list[str]:
    return page.locator("[data-testid=point-row] td:first-child").all_inner_texts()


def test_zhongshan_officer_filters_the_map_by_type_and_opens_a_point(
    live_server, page, login, no_tiles
):
    build_cast()
    small_system()
    login("zhongshan")
    page.click("nav >> text=测评点位")
    page.wait_for_url(f"{live_server.url}/points/")  # the list of the new page, not the old
    page.locator("[data-testid=point-row]").first.wait_for()
    assert sorted(codes_in_list(page)) == ["ZS-MKT-1", "ZS-SCH-1"]
    assert "甘井子" not in page.content()

    page.select_option("#f-type", "MARKET")
    with page.expect_response(
        lambda r: "/points/map-data/" in r.url and "type=MARKET" in r.url
    ) as answer:
        page.click("button:has-text('筛选')")
    geojson = json.loads(answer.value.body())
    assert [f["properties"]["code"] for f in geojson["features"]] == ["ZS-MKT-1"]
    assert codes_in_list(page) == ["ZS-MKT-1"]
    page.locator("[data-testid=map-fallback]").wait_for(state="visible")
    # The district overview, not street level (the cast's regions share one centre).
    assert int(page.get_attribute("[data-testid=map]", "data-zoom")) <= 13
    shot(page, "points-zh")

    page.click("[data-testid=point-row] a")
    page.wait_for_url(f"{live_server.url}/points/ZS-MKT-1/")
    assert page.locator("[data-testid=point-name]").inner_text().strip() == "天津街农贸市场"
    assert page.locator("[data-testid=checklist-row]").count() == 3
    shot(page, "point-zh")

    # Ganjingzi's market is not there for a Zhongshan officer, even by its address.
    response = page.goto(f"{live_server.url}/points/GJZ-MKT-1/")
    assert response.status == 404


def test_points_pages_fit_a_phone_in_both_languages(live_server, browser, no_tiles):
    """No sideways scrolling on a phone: the map and the point page are used in the street."""
    build_cast()
    small_system()
    for language in ("zh-hans", "en"):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        context.add_cookies(
            [{"name": "wenming_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        sign_in(page, live_server, "zhongshan")
        for path, name in (
            ("/points/", "points"),
            ("/points/ZS-MKT-1/", "point"),
            ("/points/mine/", "points-mine"),
            ("/standards/", "systems"),
            ("/standards/T-2026/", "system"),
            ("/standards/point-types/", "types"),
            ("/standards/point-types/MARKET/", "type"),
            ("/standards/T-2026/matrix/", "matrix"),
            ("/standards/T-2026/coverage/", "coverage"),
            ("/standards/mine/", "mine"),
        ):
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            shot(page, f"phone-{name}-{language}")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, (language, path, overflow)
        context.close()


def test_the_office_map_overview_is_not_street_level(live_server, page, login, no_tiles):
    """Two districts whose centres coincide must not zoom the map in to street level."""
    build_cast()
    small_system()
    login("office")
    with page.expect_response(lambda r: "/points/map-data/" in r.url) as answer:
        page.goto(f"{live_server.url}/points/")
    assert len(answer.value.json()["features"]) >= 1
    assert int(page.get_attribute("[data-testid=map]", "data-zoom")) <= 13
