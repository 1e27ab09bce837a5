"""Assessment-point endpoints of the JSON API: a keyset-paginated list, GeoJSON, one point."""

from typing import Any, Literal

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


def units_by_point(points: list[Point]) -> dict[int, list[str]]:
    """Unit codes per point for one page, in one query."""
    through = Point.responsible_units.through
    result: dict[int, list[str]] = {}
    rows = (
        through.objects.filter(point_id__in=[p.pk for p in points])
        .order_by("unit__code")
        .values_list("point_id", "unit__code")
    )
    for point_id, code in rows:
        result.setdefault(point_id, []).append(code)
    return result


def point_out(point: Point, units: list[str]) -> dict:
    return {
        "code": point.code,
        "name": point.name,
        "type": point.point_type.code,
        "type_name": point.point_type.display_name,
        "region": point.region.code,
        "region_name": point.region.display_name,
        "responsible_units": units,
        "address": point.address,
        "lat": point.lat,
        "lon": point.lon,
        "is_active": point.is_active,
    }


def feature(point: Point, units: list[str]) -> dict:
    properties = point_out(point, units)
    lat, lon = properties.pop("lat"), properties.pop("lon")
    return {
        "type": "Feature",
        "id": point.code,
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
    page, cursor = selectors.point_page(qs, after=filters.after, limit=filters.limit)
    units = units_by_point(page)
    if filters.format == "geojson":
        return {
            "type": "FeatureCollection",
            "next": cursor,
            "features": [feature(p, units.get(p.pk, [])) for p in page],
        }
    return {"items": [point_out(p, units.get(p.pk, [])) for p in page], "next": cursor}


@router.get("/points/{code}", response=PointOut, summary="One assessment point")
def get_point(request, code: str):
    point = selectors.point_get(actor=request.auth, code=code)
    return point_out(point, units_by_point([point]).get(point.pk, []))
