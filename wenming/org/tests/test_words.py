"""English mode names every demo place and unit in English (issue 10, item 14)."""

import re

from django.utils import translation

from wenming.org import demo
from wenming.org.models import Region, Unit

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_demo_unit_and_region_has_an_english_name(db):
    demo.load(scale="small")
    units = list(Unit.objects.filter(is_demo=True))
    regions = list(Region.objects.filter(is_demo=True))
    assert len(units) >= 20 and len(regions) > 100
    assert [u.code for u in units if not u.name_en or CJK.search(u.name_en)] == []
    assert [r.code for r in regions if not r.name_en or CJK.search(r.name_en)] == []
    with translation.override("en"):
        assert not any(CJK.search(u.display_name) for u in units)
        assert not any(CJK.search(r.display_name) for r in regions)
    with translation.override("zh-hans"):
        assert all(u.display_name == u.name for u in units)


def test_the_unit_and_region_pages_follow_the_language(cast, page_as):
    client = page_as(cast.office)
    client.cookies["wenming_language"] = "en"
    units = client.get("/org/units/").content.decode()
    regions = client.get("/org/regions/").content.decode()
    assert "Urban Management Bureau" in units and "市城市管理局" not in units
    assert "Zhongshan District" in regions and "中山区" not in regions
