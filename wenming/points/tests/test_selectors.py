"""Reads of the points registry through the data scope."""

import pytest

from wenming.core.errors import InvalidInput, NotFound
from wenming.points import selectors
from wenming.points.selectors import BBox, bbox_parse
from wenming.standards.models import PointType


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_each_persona_sees_exactly_their_points(cast, system):
    everything = ["GJZ-MKT-1", "GJZ-SCH-1", "ZS-MKT-1", "ZS-SCH-1"]
    expected = {
        cast.office: everything,
        cast.leader: everything,
        cast.inspector: [],  # no visits assigned yet (see the next test)
        cast.evaluator: [],
        cast.zhongshan: ["ZS-MKT-1", "ZS-SCH-1"],
        cast.ganjingzi: ["GJZ-MKT-1", "GJZ-SCH-1"],
        cast.urban: ["GJZ-MKT-1", "ZS-MKT-1"],
        cast.education: ["GJZ-SCH-1", "ZS-SCH-1"],
    }
    for person, wanted in expected.items():
        assert codes(selectors.points_visible(actor=person)) == wanted, person
        assert selectors.points_visible(actor=person).count() == len(wanted)
    assert selectors.points_visible(actor=None).count() == 0


def test_inspectors_see_the_points_of_their_visits_once_each(cast, system):
    from wenming.testing.inspections import drawn_round

    for code in ("R-A", "R-B"):  # two rounds visit the same points: no point twice
        drawn_round(
            office=cast.office,
            system=system,
            regions=[cast.zhongshan_district],
            team=[cast.inspector],
            code=code,
            type_codes=["MARKET"],
        )
    assert codes(selectors.points_visible(actor=cast.inspector)) == ["ZS-MKT-1"]
    assert selectors.points_visible(actor=cast.inspector).count() == 1
    assert codes(selectors.points_visible(actor=cast.evaluator)) == []


def test_point_get_is_not_found_outside_the_scope(cast, system):
    assert selectors.point_get(actor=cast.zhongshan, code="ZS-MKT-1").name == "天津街农贸市场"
    for person, code in (
        (cast.zhongshan, "GJZ-MKT-1"),
        (cast.ganjingzi, "ZS-SCH-1"),
        (cast.urban, "ZS-SCH-1"),
        (cast.office, "NOPE"),
    ):
        with pytest.raises(NotFound):
            selectors.point_get(actor=person, code=code)


def test_filters_by_region_subtree_type_state_and_bbox(cast, system):
    office = cast.office
    market = PointType.objects.get(code="MARKET")
    assert codes(selectors.points_visible(actor=office, region=cast.ganjingzi_district)) == [
        "GJZ-MKT-1",
        "GJZ-SCH-1",
    ]
    assert codes(selectors.points_visible(actor=office, region=cast.zhongshan_community)) == [
        "ZS-MKT-1"
    ]
    assert codes(selectors.points_visible(actor=office, point_type=market)) == [
        "GJZ-MKT-1",
        "ZS-MKT-1",
    ]
    assert codes(selectors.points_visible(actor=office, active=False)) == ["GJZ-SCH-1"]
    box = BBox(121.62, 38.90, 121.65, 38.92)
    assert codes(selectors.points_visible(actor=office, bbox=box)) == ["ZS-MKT-1", "ZS-SCH-1"]
    # A region filter never widens the scope.
    assert (
        codes(selectors.points_visible(actor=cast.zhongshan, region=cast.ganjingzi_district)) == []
    )


def test_keyset_pages_walk_the_list_once(cast, system):
    qs = selectors.points_visible(actor=cast.office)
    first, cursor = selectors.point_page(qs, after=None, limit=3)
    assert [p.code for p in first] == ["GJZ-MKT-1", "GJZ-SCH-1", "ZS-MKT-1"]
    assert cursor == "ZS-MKT-1"
    second, cursor = selectors.point_page(qs, after=cursor, limit=3)
    assert [p.code for p in second] == ["ZS-SCH-1"] and cursor is None


def test_counts_by_type_for_a_region_officer(cast, system):
    rows = selectors.point_counts_by_type(actor=cast.ganjingzi, region=cast.ganjingzi_district)
    assert [(r["point_type__code"], r["n"]) for r in rows] == [("MARKET", 1)]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1,2,3",
        "a,b,c,d",
        "1,2,3,4,5",
        "10,10,5,20",
        "1,50,2,40",
        "-200,0,0,10",
        "nan,1,2,3",
        "1,2,inf,4",
    ],
)
def test_bad_bounding_boxes_are_refused(text):
    with pytest.raises(InvalidInput):
        bbox_parse(text)


def test_a_good_bounding_box():
    assert bbox_parse(" 121.5, 38.8,121.7 ,39 ") == BBox(121.5, 38.8, 121.7, 39.0)
