"""The reference rows (core/refcache.py): each process keeps a copy, a miss reads one row, a
change through `invalidate()` is seen by every app server at once (a second server here is a
second cache client with copies of its own), a request reads the version token once, a load
racing a change is not kept, a rolled-back change never reaches the shared copy, and the
cached look-ups still honour data scope."""

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from wenming.core import refcache
from wenming.core.refcache import AppServer, Reference, ReferenceCache, batch, invalidate
from wenming.org.models import Region, RegionKind, Unit
from wenming.org.selectors import REGIONS, UNITS, region_cached, unit_cached
from wenming.org.services import unit_update
from wenming.testing.factories import RegionFactory, UnitFactory


@pytest.fixture
def units_cache(db):
    return ReferenceCache(lambda: Unit.objects.all())


def shared_memory(name: str) -> LocMemCache:
    """A new client of an in-memory cache: clients of the same name share its contents."""
    return LocMemCache(name, {})


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


def test_a_change_without_invalidate_is_not_seen_and_with_it_is(cast, units_cache):
    assert units_cache.by_key("URBAN").name == "市城市管理局"
    Unit.objects.filter(code="URBAN").update(name="市城管执法局")
    assert units_cache.by_key("URBAN").name == "市城市管理局"  # still the copy
    invalidate()
    with CaptureQueriesContext(connection) as reload:
        assert units_cache.by_key("URBAN").name == "市城管执法局"
    assert len(reload) == 1


def test_the_service_that_changes_a_unit_drops_every_copy(cast):
    assert UNITS.by_key("URBAN").is_active
    assert REGIONS.by_key(cast.zhongshan_district.code) is not None
    unit_update(unit=cast.urban_unit, actor=cast.office, is_active=False, name="市城管执法局")
    assert not UNITS.by_key("URBAN").is_active
    assert UNITS.by_key("URBAN").name == "市城管执法局"


def test_another_app_server_sees_a_change_at_once(cast):
    """Two servers: separate clients of one shared cache, each with copies of its own."""
    first, second = AppServer(shared_memory("two-servers")), AppServer(shared_memory("two-servers"))
    with second:
        assert UNITS.by_key("URBAN").is_active  # the second server holds its copy
    with first:
        unit_update(unit=cast.urban_unit, actor=cast.office, is_active=False)
    with second, CaptureQueriesContext(connection) as reload:
        assert not UNITS.by_key("URBAN").is_active
    assert len(reload) == 1  # its copy was dropped by the token, not by anything it was told


def test_an_app_server_on_another_cache_does_not_see_it(cast):
    """What a cache per process (not shared) would do: the reason servers must share one."""
    first, alone = AppServer(shared_memory("one")), AppServer(shared_memory("other"))
    with alone:
        assert UNITS.by_key("URBAN").is_active
    with first:
        unit_update(unit=cast.urban_unit, actor=cast.office, is_active=False)
    with alone:
        assert UNITS.by_key("URBAN").is_active


def test_a_batch_reads_the_token_once_and_sees_one_state(cast, units_cache):
    other = AppServer(refcache.PROCESS.store)  # another server on this process's cache
    with batch():
        assert units_cache.by_key("URBAN").name == "市城市管理局"
        Unit.objects.filter(code="URBAN").update(name="市城管执法局")
        with other:
            invalidate()  # the change, made elsewhere while this batch runs
        with CaptureQueriesContext(connection) as inside:
            assert units_cache.by_key("URBAN").name == "市城市管理局"  # one state per batch
        assert len(inside) == 0
    assert units_cache.by_key("URBAN").name == "市城管执法局"  # the next one sees it


def test_a_load_racing_a_change_is_not_kept(cast):
    """The token is read before the rows: a change landing while they are read leaves the copy
    tagged with the replaced token, so the next look-up reads again."""
    loads = []

    def rows():
        loads.append(1)
        if len(loads) == 1:
            invalidate()  # the change lands while this load is reading
        return Unit.objects.all()

    cache = ReferenceCache(rows)
    assert cache.by_key("URBAN") == cast.urban_unit
    cache.by_key("EDU")
    assert len(loads) == 2  # read again: the first load was tagged with the replaced token
    with CaptureQueriesContext(connection) as settled:
        cache.by_key("PSB")
        cache.by_key("URBAN")
    assert len(settled) == 0  # the load after the race was kept


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_never_reaches_the_shared_copy():
    unit = UnitFactory(code="URBAN", name="市城市管理局")
    assert UNITS.by_key("URBAN").name == "市城市管理局"
    with pytest.raises(RuntimeError), transaction.atomic():
        unit_update(unit=unit, name="改名")
        assert UNITS.by_key("URBAN").name == "改名"  # the writer sees its own change
        shared = refcache.PROCESS.copies.get(UNITS._table)
        assert shared is None or shared.value.by_key["URBAN"].name == "市城市管理局"
        raise RuntimeError("rolled back")
    assert UNITS.by_key("URBAN").name == "市城市管理局"


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_is_seen_by_another_server_after_commit():
    unit = UnitFactory(code="URBAN", name="市城市管理局")
    other = AppServer(shared_memory("commit"))
    with other:
        assert UNITS.by_key("URBAN").name == "市城市管理局"
    with AppServer(shared_memory("commit")), transaction.atomic():
        unit_update(unit=unit, name="改名")
    with other:
        assert UNITS.by_key("URBAN").name == "改名"


def test_an_unreachable_cache_falls_back_to_reloading(cast, units_cache, monkeypatch):
    """A Redis that does not answer: look-ups still answer, from copies at most
    UNREACHABLE_SECONDS old."""
    from django_redis.cache import RedisCache

    clock = [1000.0]
    monkeypatch.setattr(refcache.time, "monotonic", lambda: clock[0])
    closed_port = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2}})
    with AppServer(closed_port):
        assert units_cache.by_key("URBAN").name == "市城市管理局"
        invalidate()  # cannot be written either: logged, the process's copies dropped
        Unit.objects.filter(code="URBAN").update(name="市城管执法局")
        assert units_cache.by_key("URBAN").name == "市城管执法局"
        Unit.objects.filter(code="URBAN").update(name="第三个名字")
        assert units_cache.by_key("URBAN").name == "市城管执法局"
        clock[0] += refcache.UNREACHABLE_SECONDS
        assert units_cache.by_key("URBAN").name == "第三个名字"


def test_a_copy_older_than_the_last_resort_age_is_reloaded(cast, units_cache, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(refcache.time, "monotonic", lambda: clock[0])
    units_cache.by_key("URBAN")
    Unit.objects.filter(code="URBAN").update(name="市城管执法局")  # a lost invalidation
    clock[0] += refcache.MAX_AGE_SECONDS - 1
    assert units_cache.by_key("URBAN").name == "市城市管理局"
    clock[0] += 2
    assert units_cache.by_key("URBAN").name == "市城管执法局"


def test_a_reference_holds_any_value_built_from_rows(cast):
    count = Reference(lambda: Unit.objects.count())
    before = count.get()
    UnitFactory(code="ECO", name="市生态环境局")
    assert count.get() == before
    invalidate()
    assert count.get() == before + 1


def test_the_token_belongs_to_the_database(cast):
    key = refcache.token_key()
    assert key.startswith("refcache:") and key == refcache.token_key()


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
