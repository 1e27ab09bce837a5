"""Issue 15 audit: the coverage's county-column scope equals the scope rule's rows, and every
list, count and export of the registry is scoped."""

import pytest

from wenming.core.scope import scope_queryset
from wenming.creation import coverage, selectors, services
from wenming.creation.models import Entry
from wenming.org.models import Person, RegionKind
from wenming.org.roles import Role
from wenming.testing.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(cast, village_type, villages):
    """Entries in two districts, one in a community of a street (a second branch of the tree)."""
    for key in ("a", "b", "c"):
        services.entry_register(actor=cast.office, type=village_type, region=villages[key])
    street = RegionFactory(
        code="210202010", name="测试街道", kind=RegionKind.STREET, parent=cast.zhongshan_district
    )
    community = RegionFactory(
        code="210202010001", name="测试社区", kind=RegionKind.COMMUNITY, parent=street
    )
    Entry.objects.create(
        type=village_type,
        name="社区里的村",
        region=community,
        district=cast.zhongshan_district,
        system=village_type.system,
        key="test:community",
    )
    return Entry.objects.filter(type=village_type)


def _ids(qs):
    return sorted(qs.values_list("pk", flat=True))


def test_the_county_column_scope_equals_the_scope_rule(
    cast, village_type, villages, registered, town_officer
):
    for officer in (cast.zhongshan, cast.ganjingzi):
        narrowed = selectors.entries_by_county(actor=officer, type=village_type)
        ruled = scope_queryset(Entry.objects.filter(type=village_type), officer)
        assert _ids(narrowed) == _ids(ruled) and _ids(narrowed)
        # The narrow form names no region list: the coverage indexes answer it alone.
        assert "region_id" not in str(narrowed.query).split("WHERE")[1]
    # A town officer keeps the rule as written (its county is wider than its scope).
    town = selectors.entries_by_county(actor=town_officer, type=village_type)
    assert _ids(town) == _ids(scope_queryset(Entry.objects.filter(type=village_type), town_officer))
    assert len(_ids(town)) == 2
    # An inactive officer sees nothing, as under the rule.
    gone = Person.objects.create_user(
        username="gone",
        password="x",
        role=Role.REGION_OFFICER,
        region=cast.zhongshan_district,
        is_active=False,
    )
    assert _ids(selectors.entries_by_county(actor=gone, type=village_type)) == []


def test_a_city_region_officer_counts_every_county(cast, village_type, villages, registered):
    city = Person.objects.create_user(
        username="cityofficer",
        password="x",
        role=Role.REGION_OFFICER,
        region=cast.zhongshan_district.parent,
    )
    narrowed = selectors.entries_by_county(actor=city, type=village_type)
    ruled = scope_queryset(Entry.objects.filter(type=village_type), city)
    assert _ids(narrowed) == _ids(ruled.filter(district__isnull=False)) and _ids(narrowed)


def test_district_coverage_rows_equal_the_offices(cast, village_type, villages, registered):
    office = {r.district.pk: r for r in coverage.coverage(actor=cast.office, type=village_type)}
    for officer in (cast.zhongshan, cast.ganjingzi):
        (row,) = coverage.coverage(actor=officer, type=village_type)
        same = office[row.district.pk]
        assert (row.registered, row.reached, row.population, row.candidates) == (
            same.registered,
            same.reached,
            same.population,
            same.candidates,
        )
    assert office[cast.zhongshan_district.pk].registered == 3


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_honour_roll_and_coverage_table_are_scoped(cast, applied, media):
    import io
    from datetime import timedelta

    import openpyxl
    from django.utils import timezone

    from wenming.creation import reports

    from .test_reports import made

    step = services.application_transition
    step(actor=cast.zhongshan, application=applied, action="region_pass", score=88)
    step(actor=cast.office, application=applied, action="office_pass", score=90)
    step(
        actor=cast.office,
        application=applied,
        action="approve",
        at=timezone.now() + timedelta(days=10),
    )

    def sheet(actor, kind):
        body = made(reports.export_start(actor=actor, kind=kind, type_code="VILLAGE"))
        return list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))

    assert [r[1] for r in sheet(cast.zhongshan, "roll")[1:]] == ["东村"]
    assert sheet(cast.ganjingzi, "roll")[1:] == []
    rows = sheet(cast.ganjingzi, "coverage")[2:]
    assert [r[0] for r in rows[:-1]] == ["甘井子区"]
