"""Coverage: share reached, the target's gap, the trend, the candidates, county campaigns."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from wenming.creation import coverage, services
from wenming.creation.models import Entry, EntryStatus
from wenming.creation.schemes import scheme_build
from wenming.org.models import RegionKind
from wenming.testing.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_villages(cast, villages, village_type):
    """Five Zhongshan villages registered: two honoured at county level, one municipal that
    expired, one revoked this year, one candidate with a score."""
    town = villages["town"]
    regions = [villages["a"], villages["b"]] + [
        RegionFactory(code=f"210202009{n:03d}", kind=RegionKind.VILLAGE, parent=town)
        for n in (3, 4, 5)
    ]
    today = timezone.localdate()
    entries = [
        services.entry_register(actor=cast.office, type=village_type, region=r) for r in regions
    ]
    states = [
        {
            "status": EntryStatus.HONOURED,
            "level": "county",
            "valid_until": today + timedelta(days=300),
            "honoured_since": today - timedelta(days=30),
        },
        {
            "status": EntryStatus.WARNED,
            "level": "municipal",
            "valid_until": today + timedelta(days=30),
            "honoured_since": today - timedelta(days=800),
        },
        {
            "status": EntryStatus.HONOURED,
            "level": "county",
            "valid_until": today - timedelta(days=1),
            "honoured_since": today - timedelta(days=1200),
        },
        {
            "status": EntryStatus.REVOKED,
            "level": "",
            "lost_on": today - timedelta(days=10),
            "score": 70,
        },
        {"status": EntryStatus.NONE, "score": 83},
    ]
    for entry, values in zip(entries, states, strict=True):
        Entry.objects.filter(pk=entry.pk).update(**values)
    return entries


def row_of(rows, district):
    return next(r for r in rows if r.district == district)


def test_share_gap_trend_and_candidates(cast, village_type, five_villages):
    services.target_set(
        actor=cast.office, region=cast.city, type=village_type, share=50, due_on=date(2027, 12, 31)
    )
    rows = coverage.coverage(actor=cast.office, type=village_type)
    zs = row_of(rows, cast.zhongshan_district)
    # Five villages in the tree, two hold a title in term (the expired one does not count).
    assert (zs.population, zs.reached) == (5, 2)
    assert zs.share == pytest.approx(40)
    # More than half of five is three: one more needed, 10 points short.
    assert zs.needed == 1 and zs.met is False and zs.gap == 10
    # One gained within the year, one lost.
    assert (zs.gained, zs.lost, zs.trend) == (1, 1, 0)
    assert [c["score"] for c in zs.candidates] == [83, 70]
    gjz = row_of(rows, cast.ganjingzi_district)
    assert (gjz.population, gjz.reached, gjz.needed) == (1, 0, 1)


def test_a_higher_minimum_level_counts_fewer(cast, village_type, five_villages):
    services.target_set(
        actor=cast.office,
        region=cast.zhongshan_district,
        type=village_type,
        share=10,
        due_on=date(2027, 12, 31),
        min_level="municipal",
    )
    zs = row_of(coverage.coverage(actor=cast.office, type=village_type), cast.zhongshan_district)
    assert zs.reached == 1 and zs.met is True and zs.needed == 0


def test_a_county_campaign_with_its_own_edition(cast, village_type, villages):
    county_edition = scheme_build(
        actor=cast.office,
        code="CR-VILLAGE-COUNTY",
        name="县级文明村",
        level="county",
        criteria=[("县级标准", 100)],
    )
    services.target_set(
        actor=cast.office,
        region=cast.ganjingzi_district,
        type=village_type,
        share=60,
        due_on=date(2027, 12, 31),
        system=county_edition,
    )
    entry = services.entry_register(actor=cast.office, type=village_type, region=villages["c"])
    assert entry.system == county_edition
    other = services.entry_register(actor=cast.office, type=village_type, region=villages["a"])
    assert other.system == village_type.system
    rows = coverage.coverage(actor=cast.office, type=village_type)
    assert row_of(rows, cast.ganjingzi_district).campaign == county_edition
    assert row_of(rows, cast.zhongshan_district).campaign is None


def test_coverage_is_scoped(cast, village_type, five_villages):
    rows = coverage.coverage(actor=cast.ganjingzi, type=village_type)
    assert [r.district for r in rows] == [cast.ganjingzi_district]
    assert rows[0].candidates == []


def test_targets_are_the_offices(cast, village_type):
    from wenming.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.target_set(
            actor=cast.zhongshan,
            region=cast.zhongshan_district,
            type=village_type,
            share=50,
            due_on=date(2027, 12, 31),
        )


def test_the_coverage_query_count_does_not_grow_with_entries(
    cast, village_type, five_villages, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        coverage.coverage(actor=cast.office, type=village_type)


def test_the_citys_coverage_page_shows_the_county_campaign(cast, page_as, village_type, villages):
    """Issue 15, scope 5: a county-level campaign's progress appears on the city's pages."""
    county_edition = scheme_build(
        actor=cast.office,
        code="CR-VILLAGE-COUNTY2",
        name="县级文明村（县版）",
        level="county",
        criteria=[("县级标准", 100)],
    )
    services.target_set(
        actor=cast.office,
        region=cast.ganjingzi_district,
        type=village_type,
        share=60,
        due_on=date(2027, 12, 31),
        system=county_edition,
    )
    page = page_as(cast.office).get(f"/creation/coverage/?type={village_type.code}")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="campaigns"' in html
    section = html.split('data-testid="campaigns"', 1)[1].split("</section>", 1)[0]
    assert cast.ganjingzi_district.name in section and "CR-VILLAGE-COUNTY2" in section
    assert cast.zhongshan_district.name not in section
