"""Map popups and tooltips show names as text: a point or region named like markup creates no
element (Leaflet reads a string given to bindPopup/bindTooltip as HTML).

Tiles come from an address on our own server that answers 404, so the map falls back to its
plain background, whose region labels are permanent tooltips.
"""

import pytest

from wenming.org.models import Region
from wenming.points.models import Point
from wenming.problems.tests.factories import report
from wenming.standards.tests.factories import small_system
from wenming.testing.personas import build_cast

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EVIL = '<img src=x data-xss="1" onerror="window.__xss=1">'
NO_MARKUP = "() => document.querySelectorAll('img[data-xss]').length === 0 && !window.__xss"


@pytest.fixture
def no_tiles(settings, live_server):
    settings.MAP_TILE_URL = f"{live_server.url}/no-tiles/{{z}}/{{x}}/{{y}}.png"


@pytest.fixture
def evil_names():
    cast = build_cast()
    small_system()
    Point.objects.filter(code="ZS-MKT-1").update(name=EVIL)
    Region.objects.filter(code="210202").update(name=EVIL, name_en=EVIL)
    return cast


def test_a_point_named_like_markup_shows_as_text_in_its_popup(
    live_server, page, login, no_tiles, evil_names
):
    login("zhongshan")
    page.goto(f"{live_server.url}/points/ZS-MKT-1/")
    page.locator("[data-testid=map-fallback]").wait_for(state="visible")
    page.locator("#wm-map .leaflet-marker-icon").click()
    popup = page.locator("#wm-map .leaflet-popup-content")
    popup.wait_for(state="visible")
    assert popup.inner_text().strip() == EVIL
    assert page.evaluate(NO_MARKUP)


def test_a_region_named_like_markup_shows_as_text_in_its_map_label(
    live_server, page, login, no_tiles, evil_names
):
    login("zhongshan")
    page.goto(f"{live_server.url}/points/")
    page.locator("[data-testid=map-fallback]").wait_for(state="visible")
    labels = page.locator("#wm-map .wm-region-label")
    labels.first.wait_for(state="visible")
    assert EVIL in labels.all_inner_texts()
    assert page.evaluate(NO_MARKUP)


def test_a_problem_map_popup_is_text(live_server, page, login, no_tiles, evil_names):
    problem = report(evil_names.office, region=evil_names.zhongshan_community)
    login("office")
    page.goto(f"{live_server.url}/problems/{problem.code}/")
    page.locator("#wm-problem-map .leaflet-marker-icon").click()
    popup = page.locator("#wm-problem-map .leaflet-popup-content")
    popup.wait_for(state="visible")
    assert popup.inner_text().strip() == problem.code
    assert page.evaluate(NO_MARKUP)
