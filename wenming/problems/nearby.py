"""What the report form reads about a pin before anything is written: the region it lies in,
and the open problems already reported near it (FixMyStreet's "already reported?" list).

Regions have no boundary polygons, only a centre each (org/places.py), so the region is a
suggestion the reporter confirms, worked out by the first rule that finds one:

1. an active assessment point within `POINT_RADIUS_M` of the pin: its region (the office
   registered that point in that community, so near it the answer is as good as the registry);
2. the community (or village) whose centre is nearest, within `CENTRE_RADIUS_M`: communities
   of a city centre are a few hundred metres across, so past that distance a nearest centre is
   a guess we do not offer.

Otherwise the reporter chooses in the picker. Both read only what the actor may see and
offer only regions they may report in (a district officer: their own district).
"""

import math

from wenming.core.scope import scope_allows
from wenming.core.uploads import haversine_m
from wenming.org.models import RegionLevel
from wenming.org.places import regions_reportable
from wenming.org.selectors import REGIONS

from .reference import CATEGORIES
from .selectors import problems_visible

POINT_RADIUS_M = 150
CENTRE_RADIUS_M = 1500
# Open problems shown near a pin: a pin dropped on a phone is a few tens of metres off, so
# the list reaches further than the office's duplicate radius (50 m by default).
NEARBY_MIN_RADIUS_M = 200
NEARBY_LIMIT = 10


def _box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    dlat = radius_m / 111_320
    dlon = radius_m / (111_320 * max(0.01, math.cos(math.radians(lat))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def _reportable(actor, region) -> bool:
    return region is not None and region.level != RegionLevel.CITY and scope_allows(actor, region)


def region_at(*, actor, lat: float, lon: float) -> tuple | None:
    """(region, basis, distance in m) suggested for a pin, or None (the module docstring's rule);
    basis is "point" or "centre"."""
    from wenming.points.selectors import BBox, points_visible

    south, north, west, east = _box(lat, lon, POINT_RADIUS_M)
    points = points_visible(
        actor=actor,
        bbox=BBox(min_lon=west, min_lat=south, max_lon=east, max_lat=north),
        active=True,
    ).values_list("lat", "lon", "region_id")[:200]
    best = None
    for p_lat, p_lon, region_id in points:
        distance = haversine_m(lat, lon, p_lat, p_lon)
        if distance <= POINT_RADIUS_M and (best is None or distance < best[0]):
            region = REGIONS.by_id(region_id)
            if _reportable(actor, region):
                best = (distance, region)
    if best is not None:
        return best[1], "point", round(best[0])
    for region in regions_reportable(actor=actor):
        if region.level != RegionLevel.COMMUNITY or region.center_lat is None:
            continue
        distance = haversine_m(lat, lon, region.center_lat, region.center_lon)
        if distance <= CENTRE_RADIUS_M and (best is None or distance < best[0]):
            best = (distance, region)
    if best is not None:
        return best[1], "centre", round(best[0])
    return None


def open_problems_near(*, actor, lat: float, lon: float, category=None, radius_m=None) -> list:
    """Open problems the actor may see within the radius of a pin, nearest first, as dicts.

    Read through the (category, lat, lon) index: with a category one range, without one a
    range per category (a few dozen), never a scan of the open ledger."""
    from .services import ledger_config

    radius = radius_m or max(ledger_config().duplicate_radius_m, NEARBY_MIN_RADIUS_M)
    south, north, west, east = _box(lat, lon, radius)
    categories = [category.pk] if category is not None else [c.pk for c in CATEGORIES.all()]
    rows = (
        problems_visible(actor=actor)
        .filter(
            category_id__in=categories,
            is_open=True,
            lat__gte=south,
            lat__lte=north,
            lon__gte=west,
            lon__lte=east,
        )
        .order_by()
        .values_list("code", "title", "status", "category_id", "lat", "lon")[:200]
    )
    found = []
    for code, title, status, category_id, p_lat, p_lon in rows:
        distance = haversine_m(lat, lon, p_lat, p_lon)
        if distance <= radius:
            found.append((round(distance), code, title, status, category_id))
    found.sort()
    return [
        {"code": code, "title": title, "status": status, "category_id": cid, "distance_m": d}
        for d, code, title, status, cid in found[:NEARBY_LIMIT]
    ]
