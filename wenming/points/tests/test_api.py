"""The points API: scoped JSON pages, GeoJSON, one point, bad input."""

import pytest

from wenming.points.models import Point
from wenming.standards.spec import PointSpec


def test_list_is_scoped_and_shaped(cast, system, api_as):
    body = api_as(cast.zhongshan).get("points").json()
    assert [p["code"] for p in body["items"]] == ["ZS-MKT-1", "ZS-SCH-1"]
    assert body["next"] is None
    first = body["items"][0]
    assert first == {
        "code": "ZS-MKT-1",
        "name": "天津街农贸市场",
        "type": "MARKET",
        "type_name": "农贸市场",
        "region": "210202001001",
        "region_name": "天津街社区",
        "responsible_units": ["URBAN"],
        "address": "中山区天津街1号",
        "lat": 38.9183,
        "lon": 121.6405,
        "is_active": True,
    }
    urban = api_as(cast.urban).get("points").json()["items"]
    assert [p["code"] for p in urban] == ["GJZ-MKT-1", "ZS-MKT-1"]
    assert urban[0]["responsible_units"] == ["PSB", "URBAN"]


def test_filters_and_geojson(cast, system, api_as):
    client = api_as(cast.office)
    body = client.get("points", type="SCHOOL", region="210211").json()
    assert [p["code"] for p in body["items"]] == ["GJZ-SCH-1"]
    geo = client.get("points", bbox="121.62,38.90,121.65,38.92", format="geojson").json()
    assert geo["type"] == "FeatureCollection"
    assert [f["id"] for f in geo["features"]] == ["ZS-MKT-1", "ZS-SCH-1"]
    feature = geo["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [121.6405, 38.9183]}
    assert feature["properties"]["type"] == "MARKET"
    assert client.get("points", active="false").json()["items"][0]["code"] == "GJZ-SCH-1"


def test_keyset_pagination(cast, system, api_as):
    client = api_as(cast.office)
    page = client.get("points", limit=3).json()
    assert len(page["items"]) == 3 and page["next"] == "ZS-MKT-1"
    rest = client.get("points", limit=3, after=page["next"]).json()
    assert [p["code"] for p in rest["items"]] == ["ZS-SCH-1"] and rest["next"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "1,2,3"},
        {"bbox": "x,y,z,w"},
        {"bbox": "122,38,121,39"},
        {"bbox": "1,95,2,96"},
        {"limit": 0},
        {"limit": 100000},
        {"format": "kml"},
        {"active": "perhaps"},
        {"after": " "},
    ],
)
def test_bad_input_is_400_json(cast, system, api_as, params):
    response = api_as(cast.office).get("points", **params)
    assert response.status_code == 400
    assert set(response.json()) >= {"error", "message"}


def test_outside_the_scope_is_404(cast, system, api_as):
    client = api_as(cast.zhongshan)
    assert client.get("points/GJZ-MKT-1").status_code == 404
    assert client.get("points/ZS-MKT-1").json()["code"] == "ZS-MKT-1"
    response = client.get("points", region="210211")
    assert response.status_code == 404 and response.json()["error"] == "region_not_found"
    assert client.get("points", type="NOPE").status_code == 404
    assert api_as(None).get("points").status_code == 401


def test_the_list_costs_the_same_few_queries_for_any_page(
    cast, system, api_as, django_assert_max_num_queries
):
    from wenming.points.services import points_bulk_upsert

    rows = [
        PointSpec(
            f"ZS-BULK-{n:03d}",
            f"点位{n}",
            "MARKET",
            "210202001001",
            ["URBAN", "EDU"],
            "",
            38.91 + n / 10000,
            121.64,
        )
        for n in range(120)
    ]
    points_bulk_upsert(rows=rows, actor=None)
    client = api_as(cast.urban)
    with django_assert_max_num_queries(6):
        body = client.get("points", limit=100).json()
    assert len(body["items"]) == 100
    assert Point.objects.count() == 124
