"""The dashboard map clusters its marks on the plain background too.

The tiles cannot be reached (the browser answers them 404, see conftest), so the map component
falls back to a plain background and removes its tile layer. The map itself carries its zoom
range, so Leaflet.markercluster still finds a maximum zoom: no "Map has no maxZoom specified",
and the open problems are drawn as clusters, also when the clusters are switched off and on
after the fallback.
"""

import pytest
from playwright.sync_api import expect

from wenming.problems.tests import factories as f
from wenming.testing.personas import build_cast

from .walk_pages import fast_sign_in, no_tiles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Six open problems within ~60 m of each other near Tianjin Street: one cluster at any zoom
# the page fits them to (it never zooms in further than 15).
SPOTS = [(f.HERE[0] + 0.0001 * i, f.HERE[1] + 0.0001 * (i % 3)) for i in range(6)]


def _ready_or_failed(page, errors, timeout_ms=15000):
    """Wait until the page's map layers are drawn or a script error was reported."""
    waited = 0
    while waited < timeout_ms:
        if errors or page.get_attribute("[data-wm-map-layers]", "data-ready") == "1":
            return
        page.wait_for_timeout(100)
        waited += 100


def test_the_dashboard_map_clusters_its_marks_without_tiles(settings, live_server, page, login):
    fast_sign_in(settings)
    no_tiles(settings, live_server)
    cast = build_cast()
    f.ensure_categories()
    for i, (lat, lon) in enumerate(SPOTS):
        f.report(cast.office, region=cast.zhongshan_community, title=f"问题{i}", lat=lat, lon=lon)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    login("office")
    page.goto(f"{live_server.url}/dashboards/map/")
    # The tiles failed: the plain background with its notice.
    expect(page.get_by_test_id("map-fallback")).to_be_visible()
    _ready_or_failed(page, errors)
    assert errors == []
    clusters_box = page.locator('[data-wm-map-layers] [data-layer="clusters"]')
    expect(clusters_box).to_be_checked()
    clusters = page.locator("#dash-map .marker-cluster")
    expect(clusters.first).to_be_visible()
    expect(page.get_by_test_id("map-count")).to_contain_text(str(len(SPOTS)))

    # Switched off and on again after the fallback: the cluster layer is added anew.
    clusters_box.uncheck()
    expect(clusters).to_have_count(0)
    clusters_box.check()
    expect(clusters.first).to_be_visible()
    assert errors == []
