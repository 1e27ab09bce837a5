"""The per-process reference caches: a miss reads one row, `forget()` drops, the TTL reloads,
a load racing a forget is not kept, and the cached look-ups still honour data scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wenming.core import refcache
from wenming.core.refcache import ReferenceCache
from wenming.org.models import Region, RegionKind, Unit
from wenming.org.selectors import REGIONS, UNITS, region_cached, unit_cached
from wenming.problems.reference import CATEGORIES
from wenming.testing.factories import RegionFactory, UnitFactory


@pytest.fixture
def units_cache(db):
    cache = ReferenceCache(lambda: Unit.objects.all())
    yield cache
    refcache._ALL.remove(cache)


def test_first_use_loads_the_table_once_then_answers_without_queries(cast, units_cache):
    with CaptureQueriesContext(connection) as load:
        assert units_cache.by_key("URBAN") == cast.urban_unit
    assert len(load) == 1
    with CaptureQueriesContext(connection) as hits:
        assert units_cache.by_id(cast.education_unit.pk).code == "EDU"
        assert units_cache.by_key("PSB") == cast.police_unit
        assert units_cache.by_key("URBAN") is units_cache.by_key("URBAN")  # shared instance
        assert units_cache.by_id(None) is None and units_cache.by_key(None) is None
    assert len(hits) == 0


def test_a_row_created_after_the_load_is_read_alone_and_then_cached(cast, units_cache):
    units_cache.by_key("URBAN")
    late = UnitFactory(code="ECO", name="市生态环境局")
    with CaptureQueriesContext(connection) as miss:
        assert units_cache.by_key("ECO") == late
    assert len(miss) == 1
    assert "LIMIT" in miss[0]["sql"].upper()  # one row by its key, not the whole table again
    with CaptureQueriesContext(connection) as again:
        assert units_cache.by_key("ECO") == late
        assert units_cache.by_id(late.pk) == late  # indexed both ways
    assert len(again) == 0


def test_an_unknown_key_is_none_each_time(cast, units_cache):
    units_cache.by_key("URBAN")
    assert units_cache.by_key("NOPE") is None
    assert units_cache.by_id(999_999) is None


def test_forget_drops_the_rows_so_a_change_is_seen(cast, units_cache):
    assert units_cache.by_key("URBAN").name == "市城市管理局"
    Unit.objects.filter(code="URBAN").update(name="市城管执法局")
    assert units_cache.by_key("URBAN").name == "市城市管理局"  # still the cached copy
    units_cache.forget()
    with CaptureQueriesContext(connection) as reload:
        assert units_cache.by_key("URBAN").name == "市城管执法局"
    assert len(reload) == 1


def test_forget_all_drops_every_cache_of_the_process(cast):
    for cache in (REGIONS, UNITS, CATEGORIES):
        assert cache in refcache._ALL
    UNITS.by_key("URBAN")
    Unit.objects.filter(code="URBAN").update(name="改名")
    refcache.forget_all()
    assert UNITS.by_key("URBAN").name == "改名"


def test_the_ttl_expiry_reloads(cast, units_cache, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(refcache.time, "monotonic", lambda: clock[0])
    units_cache.by_key("URBAN")
    Unit.objects.filter(code="URBAN").update(name="市城管执法局")
    clock[0] += 59
    with CaptureQueriesContext(connection) as fresh:
        assert units_cache.by_key("URBAN").name == "市城市管理局"
    assert len(fresh) == 0
    clock[0] += 2  # 61 s after the load: past the 60 s default
    with CaptureQueriesContext(connection) as stale:
        assert units_cache.by_key("URBAN").name == "市城管执法局"
    assert len(stale) == 1


def test_a_load_racing_a_forget_is_not_kept(cast):
    """A forget() while the rows are being read (another thread changed a unit) must win: the
    rows read may predate the change, so the next look-up reads again."""
    calls = []
    cache = None

    def rows():
        calls.append(1)
        if len(calls) == 1:
            cache.forget()  # the change lands while this load is reading
        return Unit.objects.all()

    cache = ReferenceCache(rows)
    try:
        assert cache.by_key("URBAN") == cast.urban_unit  # answered (by the single-row read)
        assert cache._by_key.keys() <= {"URBAN"}  # the racing load was thrown away
        loads = len(calls)
        cache.by_key("EDU")
        assert len(calls) > loads  # not served from the discarded load: read again
        with CaptureQueriesContext(connection) as settled:
            cache.by_key("PSB")
            cache.by_key("URBAN")
        assert len(settled) == 0  # the load after the race was kept
    finally:
        refcache._ALL.remove(cache)


def test_region_cached_is_scoped(cast):
    community = cast.zhongshan_community.code
    assert region_cached(actor=cast.ganjingzi, code=community) is None
    assert region_cached(actor=cast.ganjingzi, code=cast.zhongshan_district.code) is None
    assert region_cached(actor=cast.zhongshan, code=community) == cast.zhongshan_community
    assert region_cached(actor=cast.ganjingzi, code=cast.ganjingzi_community.code) == (
        cast.ganjingzi_community
    )
    assert region_cached(actor=cast.office, code=community) == cast.zhongshan_community
    assert region_cached(actor=cast.zhongshan, code="") is None
    assert region_cached(actor=cast.zhongshan, code="999999") is None
    assert region_cached(actor=None, code=community) is None


def test_region_cached_does_not_mistake_a_code_prefix_for_a_subtree(cast):
    """Paths end with "/": district 210202's officer does not see a region coded 2102021…"""
    lookalike = RegionFactory(
        code="2102029", name="假区", parent=cast.city, kind=RegionKind.DISTRICT
    )
    assert region_cached(actor=cast.zhongshan, code=lookalike.code) is None


def test_region_cached_sees_a_region_created_after_the_load(cast):
    region_cached(actor=cast.zhongshan, code=cast.zhongshan_community.code)
    new = RegionFactory(
        code="210202001002", name="新社区", kind=RegionKind.COMMUNITY, parent=cast.zhongshan_street
    )
    assert region_cached(actor=cast.zhongshan, code="210202001002") == new
    assert region_cached(actor=cast.ganjingzi, code="210202001002") is None


def test_unit_cached_is_scoped(cast):
    assert unit_cached(actor=cast.urban, code="EDU") is None
    assert unit_cached(actor=cast.urban, code="URBAN") == cast.urban_unit
    assert unit_cached(actor=cast.zhongshan, code="EDU") == cast.education_unit  # reference
    assert unit_cached(actor=cast.office, code="PSB") == cast.police_unit
    assert unit_cached(actor=cast.office, code="NOPE") is None


def test_an_inactive_actor_gets_nothing_from_the_caches(cast):
    cast.zhongshan.is_active = False
    assert region_cached(actor=cast.zhongshan, code=cast.zhongshan_community.code) is None
    assert unit_cached(actor=cast.zhongshan, code="URBAN") is None


def test_the_cached_rows_are_the_database_rows(cast):
    assert REGIONS.by_key(cast.zhongshan_street.code) == Region.objects.get(code="210202001")
    assert REGIONS.by_id(cast.zhongshan_street.pk).path == cast.zhongshan_street.path
    assert UNITS.by_key("EDU").pk == cast.education_unit.pk
