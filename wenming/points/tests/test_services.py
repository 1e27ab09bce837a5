"""Writes to the points registry: office only, a street or community, inside China."""

import pytest

from wenming.core.errors import Conflict, InvalidInput, NotAllowed
from wenming.core.models import AuditEntry
from wenming.points import services
from wenming.points.models import Point
from wenming.standards.models import PointType
from wenming.standards.spec import PointSpec


def create(cast, **overrides):
    values = {
        "code": "ZS-PARK-1",
        "name": "劳动公园",
        "point_type": PointType.objects.get(code="PARK"),
        "region": cast.zhongshan_street,
        "lat": 38.913,
        "lon": 121.638,
        "responsible_units": [cast.urban_unit],
        "actor": cast.office,
    }
    values.update(overrides)
    return services.point_create(**values)


def test_office_registers_a_point_with_an_event_and_an_audit_entry(cast, system):
    point = create(cast, address="中山区解放路1号")
    assert point.region == cast.zhongshan_street and point.is_active
    assert list(point.responsible_units.values_list("code", flat=True)) == ["URBAN"]
    assert point.events.get().action == "create"
    assert AuditEntry.objects.filter(
        action="points.create", actor=cast.office, target_id=str(point.pk)
    ).exists()


def test_bad_points_are_refused_and_nothing_is_written(cast, system):
    before = Point.objects.count()
    with pytest.raises(InvalidInput) as refused:
        create(cast, region=cast.zhongshan_district)
    assert refused.value.code == "region_level"
    for lat, lon in ((60.0, 121.6), (38.9, 150.0), (-38.9, 121.6), (121.6, 38.9)):
        with pytest.raises(InvalidInput) as refused:
            create(cast, lat=lat, lon=lon)
        assert refused.value.code == "outside_china"
    with pytest.raises(InvalidInput):
        create(cast, code="bad code!")
    with pytest.raises(Conflict):
        create(cast, code="ZS-MKT-1")
    for person in (cast.zhongshan, cast.urban, cast.leader, cast.inspector):
        with pytest.raises(NotAllowed):
            create(cast, actor=person)
    assert Point.objects.count() == before


def test_update_records_what_changed_and_keeps_the_code(cast, system):
    point = Point.objects.get(code="ZS-MKT-1")
    services.point_update(
        point=point,
        actor=cast.office,
        data={"name": "天津街市场", "responsible_units": [cast.urban_unit, cast.police_unit]},
    )
    point.refresh_from_db()
    assert point.name == "天津街市场"
    assert sorted(point.responsible_units.values_list("code", flat=True)) == ["PSB", "URBAN"]
    event = point.events.get(action="update")
    assert event.data["changes"]["responsible_units"] == [["URBAN"], ["PSB", "URBAN"]]
    with pytest.raises(InvalidInput):
        services.point_update(point=point, actor=cast.office, data={"code": "X"})
    with pytest.raises(InvalidInput):
        services.point_update(point=point, actor=cast.office, data={"lat": 0.0})
    services.point_set_active(point=point, active=False, actor=cast.office)
    point.refresh_from_db()
    assert point.is_active is False


def test_bulk_upsert_creates_updates_and_replaces_units(cast, system):
    rows = [
        PointSpec("ZS-MKT-1", "改名市场", "MARKET", "210202001001", ["PSB"], "", 38.91, 121.64),
        PointSpec("ZS-NEW-1", "新市场", "MARKET", "210202001", [], "", 38.92, 121.65),
    ]
    counts = services.points_bulk_upsert(rows=rows, actor=cast.office)
    assert counts == {"created": 1, "updated": 1, "rows": 2}
    assert list(
        Point.objects.get(code="ZS-MKT-1").responsible_units.values_list("code", flat=True)
    ) == ["PSB"]
    assert not Point.objects.get(code="ZS-NEW-1").responsible_units.exists()
    assert AuditEntry.objects.filter(action="points.import").exists()
    with pytest.raises(NotAllowed):
        services.points_bulk_upsert(rows=rows, actor=cast.zhongshan)
