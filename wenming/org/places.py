"""Where things are in the city: its extent, and regions named by their place in the tree.

The city's extent is what a report's coordinates must fall in (0,0 used to be accepted).
Regions have no boundary polygons, only a representative centre each, so the extent is, in
this order:

1. `settings.CITY_EXTENT` (`WENMING_CITY_EXTENT=south,west,north,east`) when the deployment
   sets it: the honest answer, drawn by someone who knows the city's borders;
2. otherwise the box around every region's centre, widened by `MARGIN_DEGREES` (about 55 km
   north-south): a district's edge lies well inside that distance of the outermost centres,
   while another city, another province or 0,0 falls outside;
3. with no centres at all, mainland China (points/geo.py's rule): nothing better is known.

The extent is held per process like the other reference rows (core/refcache.py): one query
per change of the regions, none per report.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Min

from wenming.core.refcache import Reference
from wenming.core.scope import scope_allows

from .models import Region, RegionLevel
from .selectors import REGIONS

MARGIN_DEGREES = 0.5
PATH_SEPARATOR = " › "


@dataclass(frozen=True)
class Extent:
    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


# Mainland China's box (points/geo.py `out_of_china`), the last resort.
CHINA = Extent(0.8293, 72.004, 55.8271, 137.8347)


def _extent_from_regions() -> Extent:
    box = Region.objects.filter(center_lat__isnull=False, center_lon__isnull=False).aggregate(
        south=Min("center_lat"),
        north=Max("center_lat"),
        west=Min("center_lon"),
        east=Max("center_lon"),
    )
    if box["south"] is None:
        return CHINA
    m = MARGIN_DEGREES
    return Extent(box["south"] - m, box["west"] - m, box["north"] + m, box["east"] + m)


_DERIVED = Reference(_extent_from_regions)


def city_extent() -> Extent:
    """The box a report's coordinates must fall in (see the module docstring for the rule)."""
    if settings.CITY_EXTENT is not None:
        return Extent(*settings.CITY_EXTENT)
    return _DERIVED.get()


def in_city(lat: float, lon: float) -> bool:
    return city_extent().contains(lat, lon)


def region_path_label(region) -> str:
    """ "中山区 › 桃源街道 › 胜利社区": the region below the city, named with its ancestors, so the
    35 communities called 胜利社区 read apart."""
    names = []
    for code in region.lineage_codes():
        row = region if code == region.code else REGIONS.by_key(code)
        if row is not None and row.level != RegionLevel.CITY:
            names.append(row.display_name)
    return PATH_SEPARATOR.join(names)


def region_choice(region) -> dict:
    return {
        "id": region.pk,
        "code": region.code,
        "name": region.display_name,
        "path": region_path_label(region),
    }


def regions_reportable(*, actor) -> list:
    """Regions `actor` may place a report in, in tree order (the city itself excluded)."""
    rows = [r for r in REGIONS.all() if r.level != RegionLevel.CITY and scope_allows(actor, r)]
    rows.sort(key=lambda r: r.path)
    return rows


def region_search(*, actor, q: str, limit: int = 30) -> list[dict]:
    """The picker's answer: regions in `actor`'s scope whose code, names or path hold every
    word of `q` ("中山 胜利" finds 胜利社区 of Zhongshan), broadest level first, with paths."""
    terms = (q or "").casefold().split()
    found = []
    for region in regions_reportable(actor=actor):
        if terms:
            text = " ".join(
                (region.code, region.name, region.name_en or "", region_path_label(region))
            ).casefold()
            if not all(term in text for term in terms):
                continue
        found.append(region)
    order = {RegionLevel.DISTRICT: 0, RegionLevel.STREET: 1, RegionLevel.COMMUNITY: 2}
    found.sort(key=lambda r: (order.get(r.level, 3), r.path))
    return [region_choice(r) for r in found[:limit]]
