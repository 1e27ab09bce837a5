"""Assessment-point endpoints of the JSON API: a keyset-paginated list, GeoJSON, one point."""

from typing import Any, Literal

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from wenming.core.errors import InvalidInput
from wenming.org.selectors import region_get
from wenming.standards.selectors import point_type_get

from . import selectors
from .models import Point

router = Router(tags=["points"])


class PointOut(Schema):
    code: str
    name: str
    type: str
    type_name: str
    region: str
    region_name: str
    responsible_units: list[str]
    address: str
    lat: float
    lon: float
    is_active: bool


class PointPageOut(Schema):
    items: list[PointOut]
    next: str | None = Field(None, description="pass as `after` to get the next page")


class FeatureCollectionOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]
    next: str | None = None


class PointFilters(Schema):
    region: str | None = Field(None, description="region code: its whole subtree")
    type: str | None = Field(None, description="point type code")
    bbox: str | None = Field(None, description="minlon,minlat,maxlon,maxlat (WGS-84)")
    active: bool | None = None
    after: str | None = Field(None, description="cursor: the last code of the previous page")
    limit: int = Field(500, ge=1, le=selectors.MAX_PAGE)
    format: Literal["json", "geojson"] = "json"


def units_by_point(point_ids: list[int]) -> dict[int, list[str]]:
    """Unit codes per point for one page, in one query (sorted here: an ORDER BY on the unit
    code lets SQLite walk the whole link table in unit order instead of using the point ids)."""
    through = Point.responsible_units.through
    result: dict[int, list[str]] = {}
    rows = (
        through.objects.filter(point_id__in=point_ids)
        .order_by()
        .values_list("point_id", "unit__code")
    )
    for point_id, code in rows:
        result.setdefault(point_id, []).append(code)
    for codes in result.values():
        codes.sort()
    return result


def _english() -> bool:
    return (get_language() or "").startswith("en")


def point_out(row: dict, units: list[str], english: bool | None = None) -> dict:
    """A row of `selectors.point_rows` (or a Point) as the API shows it."""
    if isinstance(row, Point):
        row = {
            "code": row.code,
            "name": row.name,
            "address": row.address,
            "lat": row.lat,
            "lon": row.lon,
            "is_active": row.is_active,
            "point_type__code": row.point_type.code,
            "point_type__name": row.point_type.name,
            "point_type__name_en": row.point_type.name_en,
            "region__code": row.region.code,
            "region__name": row.region.name,
            "region__name_en": row.region.name_en,
        }
    english = _english() if english is None else english
    return {
        "code": row["code"],
        "name": row["name"],
        "type": row["point_type__code"],
        "type_name": (english and row["point_type__name_en"]) or row["point_type__name"],
        "region": row["region__code"],
        "region_name": (english and row["region__name_en"]) or row["region__name"],
        "responsible_units": units,
        "address": row["address"],
        "lat": row["lat"],
        "lon": row["lon"],
        "is_active": row["is_active"],
    }


def feature(row: dict, units: list[str], english: bool | None = None) -> dict:
    properties = point_out(row, units, english)
    lat, lon = properties.pop("lat"), properties.pop("lon")
    return {
        "type": "Feature",
        "id": row["code"],
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def filtered(actor, filters: PointFilters):
    region = region_get(actor=actor, code=filters.region) if filters.region else None
    point_type = point_type_get(actor=actor, code=filters.type) if filters.type else None
    bbox = selectors.bbox_parse(filters.bbox) if filters.bbox is not None else None
    if filters.after is not None and not filters.after.strip():
        raise InvalidInput(_("The cursor is empty."), code="invalid_cursor")
    return selectors.points_visible(
        actor=actor, region=region, point_type=point_type, bbox=bbox, active=filters.active
    )


@router.get(
    "/points",
    response=PointPageOut | FeatureCollectionOut,
    summary="Assessment points (JSON page or GeoJSON FeatureCollection)",
)
def list_points(request, filters: Query[PointFilters]):
    qs = filtered(request.auth, filters)
    rows, cursor = selectors.point_rows(qs, after=filters.after, limit=filters.limit)
    units = units_by_point([r["id"] for r in rows])
    english = _english()
    if filters.format == "geojson":
        return {
            "type": "FeatureCollection",
            "next": cursor,
            "features": [feature(r, units.get(r["id"], []), english) for r in rows],
        }
    return {"items": [point_out(r, units.get(r["id"], []), english) for r in rows], "next": cursor}


@router.get("/points/{code}", response=PointOut, summary="One assessment point")
def get_point(request, code: str):
    point = selectors.point_get(actor=request.auth, code=code)
    return point_out(point, units_by_point([point.pk]).get(point.pk, []))
