"""Points pages: the map and list, the map's GeoJSON, a point's page, the office's form."""

import pytest

from wenming.points.geo import wgs84_to_gcj02
from wenming.points.models import Point


def test_map_page_carries_the_tile_settings_and_a_fallback(cast, system, page_as, settings):
    settings.MAP_TILE_URL = "https://tiles.example.cn/{z}/{x}/{y}.png"
    page = page_as(cast.zhongshan).get("/points/").content.decode()
    assert 'data-tile-url="https://tiles.example.cn/{z}/{x}/{y}.png"' in page
    assert 'data-testid="map-fallback"' in page and "wm-map-regions" in page
    assert "points/map.js" in page and "vendor/leaflet/leaflet.js" in page
    assert page.count('data-testid="point-row"') == 2
    assert "GJZ-MKT-1" not in page


def test_list_filters_and_next_page(cast, system, page_as):
    client = page_as(cast.office)
    page = client.get("/points/", {"type": "MARKET"}).content.decode()
    assert page.count('data-testid="point-row"') == 2
    page = client.get("/points/", {"region": "210211", "active": "0"}).content.decode()
    assert page.count('data-testid="point-row"') == 1 and "GJZ-SCH-1" in page
    page = client.get("/points/", {"q": "ZS-"}).content.decode()
    assert page.count('data-testid="point-row"') == 2
    assert page_as(cast.zhongshan).get("/points/", {"region": "210211"}).status_code == 404


def test_map_data_is_scoped_geojson(cast, system, page_as):
    body = page_as(cast.ganjingzi).get("/points/map-data/", {"bbox": "121,38,122,39"}).json()
    assert [f["id"] for f in body["features"]] == ["GJZ-MKT-1", "GJZ-SCH-1"]
    assert body["features"][0]["properties"]["url"] == "/points/GJZ-MKT-1/"
    assert body["truncated"] is False
    assert page_as(cast.ganjingzi).get("/points/map-data/", {"bbox": "oops"}).status_code == 400


def test_map_data_shifts_to_gcj02_when_the_tiles_need_it(cast, system, page_as, settings):
    settings.MAP_TILES_GCJ02 = True
    body = (
        page_as(cast.office).get("/points/map-data/", {"bbox": "121.62,38.90,121.65,38.92"}).json()
    )
    feature = next(f for f in body["features"] if f["id"] == "ZS-MKT-1")
    lat, lon = wgs84_to_gcj02(38.9183, 121.6405)
    assert feature["geometry"]["coordinates"] == [round(lon, 6), round(lat, 6)]
    assert feature["geometry"]["coordinates"] != [121.6405, 38.9183]


def test_point_page_is_scoped_and_shows_its_checklist(cast, system, page_as):
    page = page_as(cast.zhongshan).get("/points/ZS-MKT-1/").content.decode()
    assert "天津街农贸市场" in page and page.count('data-testid="checklist-row"') == 3
    assert page_as(cast.zhongshan).get("/points/GJZ-MKT-1/").status_code == 404
    assert page_as(cast.urban).get("/points/ZS-SCH-1/").status_code == 404


def test_my_points_by_type_page_and_home_panel(cast, system, page_as):
    client = page_as(cast.zhongshan)
    page = client.get("/points/mine/").content.decode()
    assert "农贸市场" in page and "中小学校及周边" in page
    home = client.get("/").content.decode()
    assert "我的点位（按类型）" in home


def test_office_creates_and_edits_a_point_through_the_form(cast, system, page_as):
    client = page_as(cast.office)
    form = {
        "code": "ZS-PARK-1",
        "name": "劳动公园",
        "point_type": "",
        "region": cast.zhongshan_street.pk,
        "responsible_units": [cast.urban_unit.pk],
        "address": "",
        "lat": "38.913",
        "lon": "121.638",
        "is_active": "on",
        "notes": "",
    }
    from wenming.standards.models import PointType

    form["point_type"] = PointType.objects.get(code="PARK").pk
    response = client.post("/points/new/", form)
    assert response.status_code == 302 and response["Location"] == "/points/ZS-PARK-1/"
    form.update(lat="60", name="劳动公园（北门）")
    response = client.post("/points/ZS-PARK-1/edit/", form)
    assert response.status_code == 400
    assert "不在中国境内" in response.content.decode()
    form.update(lat="38.914")
    assert client.post("/points/ZS-PARK-1/edit/", form).status_code == 302
    assert Point.objects.get(code="ZS-PARK-1").name == "劳动公园（北门）"
    form["region"] = cast.zhongshan_district.pk
    response = client.post("/points/new/", {**form, "code": "ZS-PARK-2"})
    assert response.status_code == 400


@pytest.mark.parametrize("person", ["zhongshan", "urban", "leader", "inspector"])
def test_only_the_office_edits_points(cast, system, page_as, person):
    client = page_as(getattr(cast, person))
    assert client.get("/points/new/").status_code == 403
    assert client.post("/points/ZS-MKT-1/edit/", {}).status_code == 403


def test_the_region_filter_lists_each_district_with_its_own_streets(cast, system, page_as):
    response = page_as(cast.office).get("/points/")
    codes = [r.code for r in response.context["region_choices"]]
    assert codes == ["210202", "210202001", "210211", "210211001"]
    zs_only = page_as(cast.zhongshan).get("/points/").context["region_choices"]
    assert [r.code for r in zs_only] == ["210202", "210202001"]
