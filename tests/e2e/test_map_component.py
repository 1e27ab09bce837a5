"""The map component (core/map.js) on its own: idempotent drawing, pick mode, the datum.

A map is built on a page that loads the component (a problem page), the way core/_map.html
marks one up, so each behaviour is checked without depending on a particular form.
"""

import pytest

from wenming.points.geo import gcj02_to_wgs84, wgs84_to_gcj02
from wenming.problems.tests import factories as f
from wenming.testing.personas import build_cast

from .walk_pages import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HERE = (38.9180, 121.6400)

BUILD = """(args) => {
  const [gcj02, tiles] = args;
  const main = document.querySelector('main');
  const form = document.createElement('div');
  form.innerHTML = '<input id="t-lat"><input id="t-lon">';
  main.prepend(form);
  const box = document.createElement('div');
  box.className = 'wm-map-box';
  box.id = 'test-box';
  box.innerHTML = '<div class="wm-map" data-wm-map data-testid="test-map"></div>' +
    '<div class="wm-map-locate" hidden data-wm-map-locate-box>' +
    '<button type="button" data-wm-map-locate data-testid="test-locate">here</button>' +
    '<span data-wm-map-locate-status></span></div>';
  const el = box.querySelector('[data-wm-map]');
  Object.assign(el.dataset, {lat: '38.918', lon: '121.64', zoom: '16', tileUrl: tiles,
    attribution: '', gcj02: gcj02 ? '1' : '', pickLat: '#t-lat', pickLon: '#t-lon'});
  main.prepend(box);
  window.__picks = [];
  el.addEventListener('wm:map-pick', (e) => window.__picks.push(e.detail));
  window.WenmingMap.init(document);
  return window.WenmingMap.count();
}"""


@pytest.fixture
def problem_page(browser, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MAP_TILE_URL = f"{live_server.url}/no-tiles/{{z}}/{{x}}/{{y}}.png"
    cast = build_cast()
    f.ensure_categories()
    problem = f.report(cast.office, region=cast.zhongshan_community)
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": HERE[0], "longitude": HERE[1], "accuracy": 5},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server, "office")
    page.goto(f"{live_server.url}/problems/{problem.code}/")
    page.wait_for_function("() => window.WenmingMap && window.WenmingMap.count() === 1")
    page.tiles = settings.MAP_TILE_URL
    yield page
    context.close()


def test_the_datum_transforms_match_the_servers(problem_page):
    for lat, lon in [(38.918, 121.64), (31.23, 121.47), (22.54, 114.06), (48.85, 2.35)]:
        js = problem_page.evaluate(f"WenmingMap.toDisplay({lat}, {lon})")
        assert js == pytest.approx(list(wgs84_to_gcj02(lat, lon)), abs=1e-9)
        back = problem_page.evaluate(f"WenmingMap.toWgs84({js[0]}, {js[1]})")
        assert back == pytest.approx(list(gcj02_to_wgs84(*js)), abs=1e-9)


def test_drawing_twice_keeps_one_map_and_a_removed_element_loses_its_map(problem_page):
    page = problem_page
    page.evaluate("WenmingMap.init(document); WenmingMap.init(document)")
    assert page.evaluate("WenmingMap.count()") == 1
    assert page.locator("#wm-problem-map .leaflet-control-zoom").count() == 1
    # A copy of the drawn HTML (what a history snapshot holds) is drawn afresh, once.
    page.evaluate(
        """() => {
      const box = document.querySelector('#wm-problem-map');
      const copy = box.cloneNode(true);
      box.replaceWith(copy);
      WenmingMap.init(document);
    }"""
    )
    assert page.evaluate("WenmingMap.count()") == 1
    assert page.locator("#wm-problem-map .leaflet-control-zoom").count() == 1
    page.evaluate("document.querySelector('#wm-problem-map').remove(); WenmingMap.init(document)")
    assert page.evaluate("WenmingMap.count()") == 0


@pytest.mark.parametrize("gcj02", [False, True])
def test_pick_mode_fills_the_inputs_in_wgs84_and_tells_the_page(problem_page, gcj02):
    page = problem_page
    assert page.evaluate(BUILD, [gcj02, page.tiles]) == 2
    box = page.locator("[data-testid=test-map]").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 40, box["y"] + box["height"] / 2 + 30)
    page.wait_for_function("() => window.__picks.length === 1")
    pick = page.evaluate("window.__picks[0]")
    lat, lon = float(page.input_value("#t-lat")), float(page.input_value("#t-lon"))
    assert (pick["lat"], pick["lon"]) == (lat, lon)
    # The pin stands where the user tapped, in the tiles' datum; the inputs hold WGS-84.
    shown = page.evaluate(
        """() => {
      const el = document.querySelector('[data-testid=test-map]');
      let at = null;
      WenmingMap.get(el).eachLayer((l) => { if (l.getLatLng && l.dragging) at = l.getLatLng(); });
      return [at.lat, at.lng];
    }"""
    )
    expected = gcj02_to_wgs84(*shown) if gcj02 else tuple(shown)
    assert (lat, lon) == pytest.approx(expected, abs=2e-6)
    assert abs(lat - 38.918) < 0.01 and abs(lon - 121.64) < 0.01
    # Typing moves the pin.
    page.fill("#t-lat", "38.92")
    page.fill("#t-lon", "121.65")
    page.dispatch_event("#t-lon", "change")
    moved = page.evaluate(
        """() => {
      const el = document.querySelector('[data-testid=test-map]');
      let at = null;
      WenmingMap.get(el).eachLayer((l) => { if (l.getLatLng && l.dragging) at = l.getLatLng(); });
      return [at.lat, at.lng];
    }"""
    )
    expected = wgs84_to_gcj02(38.92, 121.65) if gcj02 else (38.92, 121.65)
    assert moved == pytest.approx(list(expected), abs=1e-9)


def test_use_my_position_drops_the_pin_at_the_phones_place(problem_page):
    page = problem_page
    page.evaluate(BUILD, [True, page.tiles])
    page.locator("[data-testid=test-locate]").click()
    page.wait_for_function("() => window.__picks.length === 1")
    assert page.input_value("#t-lat") == f"{HERE[0]:.6f}"
    assert page.input_value("#t-lon") == f"{HERE[1]:.6f}"
