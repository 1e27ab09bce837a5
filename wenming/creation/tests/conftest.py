import pytest

from wenming.creation import services
from wenming.creation.models import EntityKind
from wenming.creation.schemes import scheme_build
from wenming.org.models import Person, RegionKind
from wenming.org.roles import Role
from wenming.testing.factories import RegionFactory

CRITERIA = [("组织领导健全", 30), ("村容村貌整洁", 40), ("乡风文明", 30)]


@pytest.fixture
def villages(cast):
    """A town with two villages under Zhongshan and one under Ganjingzi."""
    town = RegionFactory(
        code="210202009", name="测试镇", kind=RegionKind.TOWN, parent=cast.zhongshan_district
    )
    other_town = RegionFactory(
        code="210211009", name="另一镇", kind=RegionKind.TOWN, parent=cast.ganjingzi_district
    )
    return {
        "town": town,
        "a": RegionFactory(
            code="210202009001",
            name="东村",
            name_en="East Village",
            kind=RegionKind.VILLAGE,
            parent=town,
        ),
        "b": RegionFactory(code="210202009002", name="西村", kind=RegionKind.VILLAGE, parent=town),
        "c": RegionFactory(
            code="210211009001", name="北村", kind=RegionKind.VILLAGE, parent=other_town
        ),
    }


@pytest.fixture
def village_type(cast):
    system = scheme_build(
        actor=cast.office, code="CR-VILLAGE", name="文明村测评", criteria=CRITERIA
    )
    return services.type_save(
        actor=cast.office,
        code="VILLAGE",
        name="文明村",
        name_en="Civilized village",
        entity_kind=EntityKind.REGION,
        region_kinds=["village"],
        system=system,
        notice_days=7,
    )


@pytest.fixture
def family_type(cast):
    system = scheme_build(
        actor=cast.office, code="CR-FAMILY", name="文明家庭", criteria=[("家风", 50), ("邻里", 50)]
    )
    return services.type_save(
        actor=cast.office,
        code="FAMILY",
        name="文明家庭",
        entity_kind=EntityKind.FAMILY,
        system=system,
    )


@pytest.fixture
def town_officer(cast, villages):
    """A region officer of the town: in scope of its villages, but not the level that reviews."""
    return Person.objects.create_user(
        username="town", password="x", role=Role.REGION_OFFICER, region=villages["town"]
    )


@pytest.fixture
def village_officer(cast, villages):
    return Person.objects.create_user(
        username="village",
        password="wenming-demo",
        role=Role.REGION_OFFICER,
        region=villages["a"],
        display_name="东村 村委",
    )


FULL = [
    {"criterion": "1.1.1", "points": 28},
    {"criterion": "1.1.2", "points": 36},
    {"criterion": "1.1.3", "points": 27},
]


@pytest.fixture
def applied(village_type, villages, village_officer):
    entry = services.entry_register(actor=village_officer, type=village_type, region=villages["a"])
    return services.application_create(
        actor=village_officer, entry=entry, year=2026, level="county", self_assessment=FULL
    )
