"""WGS-84 ↔ GCJ-02 for tile servers that draw in GCJ-02."""

import pytest

from wenming.points.geo import for_display, from_display, gcj02_to_wgs84, wgs84_to_gcj02


def test_known_offset_in_beijing():
    lat, lon = wgs84_to_gcj02(39.908823, 116.397470)
    assert lat == pytest.approx(39.910226, abs=2e-5)
    assert lon == pytest.approx(116.403714, abs=2e-5)


def test_inverse_returns_to_the_stored_point():
    for lat, lon in ((38.9183, 121.6405), (39.627, 122.008), (22.54, 114.06)):
        back = gcj02_to_wgs84(*wgs84_to_gcj02(lat, lon))
        assert back == pytest.approx((lat, lon), abs=1e-7)


def test_outside_china_and_switched_off_are_the_identity():
    assert wgs84_to_gcj02(48.8566, 2.3522) == (48.8566, 2.3522)
    assert for_display(38.9, 121.6, gcj02=False) == (38.9, 121.6)
    assert from_display(38.9, 121.6, gcj02=False) == (38.9, 121.6)
