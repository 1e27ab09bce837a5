"""Demo assessment points: about 2,800 over the demo streets (×6 for "city", ×24 for "city-year").

Each street gets a plausible mix of point types near its centre (community-level types near a
community's centre); towns get villages instead of compounds. Responsible units follow the
trade: schools → Education, markets → Market Supervision, back streets → Urban Management …
(the region itself always carries the territorial responsibility).
"""

import random

from django.db import transaction
from django.utils.translation import gettext as _

from wenming.core.progress import progress
from wenming.org.models import Region, Unit
from wenming.standards.spec import PointSpec

from .models import Point
from .services import points_bulk_upsert

SCALE_FACTOR = {"small": 1, "city": 6, "city-year": 24}

# Points per urban street, per town, per district (at scale "small").
PER_STREET = {
    "ROAD": 3,
    "BACK_STREET": 5,
    "COMMERCIAL": 1,
    "INTERSECTION": 3,
    "RESIDENTIAL": 5,
    "MARKET": 1,
    "HOSPITAL": 1,
    "SCHOOL": 2,
    "BUS_STOP": 3,
    "TOILET": 2,
    "HOARDING": 1,
    "COMMUNITY_CENTRE": 2,
    "PARK": 1,
    "SUPERMARKET": 1,
    "INTERNET_CAFE": 1,
    "LIBRARY": 1,
    "SQUARE": 1,
    "BANK": 1,
    "RESTAURANT": 1,
    "PHARMACY": 1,
}
PER_TOWN = {
    "VILLAGE": 5,
    "ROAD": 2,
    "BACK_STREET": 2,
    "MARKET": 1,
    "SCHOOL": 1,
    "COMMUNITY_CENTRE": 1,
    "TOILET": 1,
    "BUS_STOP": 2,
    "TOWN_GOV": 1,
}
PER_DISTRICT = {
    "SERVICE_HALL": 1,
    "BUS_TERMINAL": 1,
    "SCENIC": 2,
    # The handbook's window units, vehicles, hospitality, practice centres, corridors and
    # virtual points (a virtual point sits at the district's first street: it has no place
    # of its own, but every point is on the map).
    "TELECOM": 1,
    "WATER_HALL": 1,
    "POWER_HALL": 1,
    "GAS_HALL": 1,
    "POST_OFFICE": 1,
    "CITY_BUS": 2,
    "TAXI": 2,
    "HOTEL": 2,
    "PRACTICE_CENTRE": 1,
    "FRINGE": 1,
    "ROAD_CORRIDOR": 1,
    "RIVER_CORRIDOR": 1,
    "CHILDREN_CENTRE": 1,
    "HOTLINE_12345": 1,
    "CONSUMER_LINE": 1,
}
RAIL_DISTRICTS = {"210203": 1, "210211": 1, "210213": 1}  # Dalian, Dalian North, Jinzhou
# Types placed in a community (the rest sit on the street itself).
COMMUNITY_LEVEL = {
    "BACK_STREET",
    "RESIDENTIAL",
    "SCHOOL",
    "COMMUNITY_CENTRE",
    "TOILET",
    "MARKET",
    "VILLAGE",
    "INTERNET_CAFE",
    "SUPERMARKET",
    "BUS_STOP",
}
UNITS = {
    "ROAD": ["URBAN", "TRAFFIC"],
    "BACK_STREET": ["URBAN"],
    "COMMERCIAL": ["COMMERCE", "MARKET", "URBAN"],
    "INTERSECTION": ["TRAFFIC"],
    "RESIDENTIAL": ["HOUSING"],
    "MARKET": ["MARKET"],
    "HOSPITAL": ["HEALTH"],
    "SCHOOL": ["EDU"],
    "RAIL_STATION": ["RAIL", "TRANSPORT"],
    "BUS_TERMINAL": ["TRANSPORT"],
    "BUS_STOP": ["TRANSPORT", "BUS"],
    "SERVICE_HALL": ["GOVSERVICE"],
    "PARK": ["HOUSING"],
    "SQUARE": ["URBAN"],
    "SCENIC": ["CULTURE"],
    "TOILET": ["URBAN"],
    "HOARDING": ["HOUSING"],
    "INTERNET_CAFE": ["CULTURE"],
    "COMMUNITY_CENTRE": ["CIVIL"],
    "LIBRARY": ["CULTURE"],
    "SUPERMARKET": ["COMMERCE", "MARKET"],
    "VILLAGE": ["AGRI"],
    "BANK": ["GOVSERVICE"],
    "TELECOM": ["GOVSERVICE"],
    "WATER_HALL": ["WATER"],
    "POWER_HALL": ["POWER"],
    "GAS_HALL": ["HOUSING"],
    "POST_OFFICE": ["GOVSERVICE"],
    "CITY_BUS": ["BUS", "TRANSPORT"],
    "TAXI": ["TRANSPORT"],
    "HOTEL": ["CULTURE"],
    "RESTAURANT": ["MARKET", "COMMERCE"],
    "PHARMACY": ["MARKET"],
    "PRACTICE_CENTRE": ["PROPAGANDA", "CIVIL"],
    "TOWN_GOV": ["GOVSERVICE"],
    "FRINGE": ["URBAN", "AGRI"],
    "ROAD_CORRIDOR": ["TRANSPORT"],
    "RIVER_CORRIDOR": ["WATER", "ECO"],
    "CHILDREN_CENTRE": ["YOUTH", "EDU"],
    "HOTLINE_12345": ["GOVSERVICE"],
    "CONSUMER_LINE": ["MARKET"],
}
NAMES = {
    "ROAD": "{s}大街第{n}段",
    "BACK_STREET": "{c}{n}号巷",
    "COMMERCIAL": "{s}商业街{n}",
    "INTERSECTION": "{s}{n}号路口",
    "RESIDENTIAL": "{c}家园{n}号院",
    "MARKET": "{c}农贸市场{n}",
    "HOSPITAL": "{s}医院{n}",
    "SCHOOL": "{c}学校{n}",
    "RAIL_STATION": "{d}火车站{n}",
    "BUS_TERMINAL": "{d}长途客运站{n}",
    "BUS_STOP": "{c}公交站{n}",
    "SERVICE_HALL": "{d}政务服务中心{n}",
    "PARK": "{s}公园{n}",
    "SQUARE": "{s}广场{n}",
    "SCENIC": "{d}风景区{n}",
    "TOILET": "{c}公厕{n}号",
    "HOARDING": "{s}在建工地{n}",
    "INTERNET_CAFE": "{c}网吧{n}",
    "COMMUNITY_CENTRE": "{c}综合服务中心{n}",
    "LIBRARY": "{s}文化站{n}",
    "SUPERMARKET": "{c}超市{n}",
    "VILLAGE": "{c}村部{n}",
    "BANK": "{s}银行网点{n}",
    "TELECOM": "{d}通信营业厅{n}",
    "WATER_HALL": "{d}供水营业厅{n}",
    "POWER_HALL": "{d}供电营业厅{n}",
    "GAS_HALL": "{d}燃气营业厅{n}",
    "POST_OFFICE": "{d}邮政支局{n}",
    "CITY_BUS": "{d}公交线路{n}",
    "TAXI": "{d}出租车抽检{n}",
    "HOTEL": "{d}宾馆{n}",
    "RESTAURANT": "{s}餐饮店{n}",
    "PHARMACY": "{s}药店{n}",
    "PRACTICE_CENTRE": "{d}新时代文明实践中心{n}",
    "TOWN_GOV": "{s}镇政府{n}",
    "FRINGE": "{d}城乡结合部{n}",
    "ROAD_CORRIDOR": "{d}公路沿线{n}",
    "RIVER_CORRIDOR": "{d}河道{n}",
    "CHILDREN_CENTRE": "{d}青少年活动中心{n}",
    "HOTLINE_12345": "{d}12345热线拨测{n}",
    "CONSUMER_LINE": "{d}12315投诉渠道拨测{n}",
}
SUFFIXES = ("街道", "镇", "社区", "村", "区", "市", "县")


def _short(name: str) -> str:
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class _Builder:
    def __init__(self, rng: random.Random, units: set[str]):
        self.rng, self.units, self.rows = rng, units, []

    def add(
        self,
        *,
        type_code: str,
        count: int,
        district: Region,
        street: Region,
        communities: list[Region],
    ) -> None:
        for n in range(1, count + 1):
            in_community = type_code in COMMUNITY_LEVEL and communities
            region = self.rng.choice(communities) if in_community else street
            spread = 0.004 if in_community else 0.012
            lat = round(
                (region.center_lat or street.center_lat) + self.rng.uniform(-spread, spread), 6
            )
            lon = round(
                (region.center_lon or street.center_lon) + self.rng.uniform(-spread, spread) * 1.3,
                6,
            )
            name = NAMES[type_code].format(
                s=_short(street.name), c=_short(region.name), d=_short(district.name), n=n
            )
            self.rows.append(
                PointSpec(
                    code=f"{street.code}-{type_code}-{n:03d}",
                    name=name,
                    point_type_code=type_code,
                    region_code=region.code,
                    responsible_units=[u for u in UNITS[type_code] if u in self.units],
                    address=f"{district.name}{street.name}{region.name if in_community else ''}"
                    f"{self.rng.randint(1, 399)}号",
                    lat=lat,
                    lon=lon,
                    is_active=self.rng.random() > 0.02,
                    notes="演示数据",
                )
            )


def build_rows(*, scale: str = "small", seed: int = 20260301) -> list[PointSpec]:
    factor = SCALE_FACTOR.get(scale, 1)
    rng = random.Random(seed)
    builder = _Builder(rng, set(Unit.objects.values_list("code", flat=True)))
    streets = list(
        Region.objects.filter(level="street", is_demo=True)
        .select_related("parent")
        .order_by("path")
    )
    communities: dict[int, list[Region]] = {}
    for community in Region.objects.filter(level="community", is_demo=True).order_by("path"):
        communities.setdefault(community.parent_id, []).append(community)
    seen_districts = set()
    for street in streets:
        district = street.parent
        kids = communities.get(street.pk, [])
        plan = PER_TOWN if street.kind == "town" else PER_STREET
        if district.pk not in seen_districts:
            seen_districts.add(district.pk)
            plan = {
                **plan,
                **PER_DISTRICT,
                **(
                    {"RAIL_STATION": RAIL_DISTRICTS[district.code]}
                    if district.code in RAIL_DISTRICTS
                    else {}
                ),
            }
        for type_code, count in plan.items():
            builder.add(
                type_code=type_code,
                count=count * factor,
                district=district,
                street=street,
                communities=kids,
            )
    return builder.rows


def load(*, scale: str = "small", stdout=None) -> None:
    """Create the demo points (skipped when demo points already exist)."""
    if Point.objects.filter(is_demo=True).exists():
        return
    rows = build_rows(scale=scale)
    with (
        progress(len(rows), _("Demo assessment points"), unit="points") as advance,
        transaction.atomic(),
    ):
        points_bulk_upsert(rows=rows, actor=None, is_demo=True)
        advance(len(rows))


def reset(*, stdout=None) -> None:
    """Remove the demo points and their events."""
    with transaction.atomic():
        Point.objects.filter(is_demo=True).delete()
