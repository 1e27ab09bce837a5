"""Every read of the points registry that a user sees; always through the data scope."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from wenming.core.errors import InvalidInput, NotFound
from wenming.core.scope import scope_queryset

from .models import Point

MAX_PAGE = 5000


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


def bbox_parse(text: str) -> BBox:
    """Parse "minlon,minlat,maxlon,maxlat" (WGS-84), refusing anything malformed."""
    parts = [p.strip() for p in (text or "").split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    message = _("bbox must be four numbers: minlon,minlat,maxlon,maxlat.")
    if len(values) != 4 or any(v != v or v in (float("inf"), float("-inf")) for v in values):
        raise InvalidInput(message, code="invalid_bbox")
    box = BBox(*values)
    if not (-180 <= box.min_lon <= box.max_lon <= 180 and -90 <= box.min_lat <= box.max_lat <= 90):
        raise InvalidInput(message, code="invalid_bbox")
    return box


def points_visible(
    *,
    actor,
    region=None,
    point_type=None,
    bbox: BBox | None = None,
    active: bool | None = None,
    search: str = "",
) -> QuerySet:
    """Points the actor may see, narrowed by region subtree, type, bounding box and state."""
    qs = scope_queryset(Point.objects.all(), actor)
    if region is not None:
        qs = qs.filter(region_id__in=region.subtree_ids())
    if point_type is not None:
        qs = qs.filter(point_type=point_type)
    if bbox is not None:
        qs = qs.filter(
            lat__gte=bbox.min_lat,
            lat__lte=bbox.max_lat,
            lon__gte=bbox.min_lon,
            lon__lte=bbox.max_lon,
        )
    if active is not None:
        qs = qs.filter(is_active=active)
    if search:
        # Codes and names are short; a prefix on the unique code or a name fragment.
        qs = qs.filter(code__startswith=search) | qs.filter(name__contains=search)
    return qs.order_by("code")


def point_page(qs: QuerySet, *, after: str | None, limit: int) -> tuple[list[Point], str | None]:
    """One keyset page ordered by code, and the cursor of the next page (or None)."""
    limit = max(1, min(limit, MAX_PAGE))
    if after:
        qs = qs.filter(code__gt=after)
    rows = list(qs.select_related("point_type", "region")[: limit + 1])
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1].code
    return rows, None


ROW_FIELDS = (
    "id",
    "code",
    "name",
    "address",
    "lat",
    "lon",
    "is_active",
    "point_type__code",
    "point_type__name",
    "point_type__name_en",
    "region__code",
    "region__name",
    "region__name_en",
)


def point_rows(qs: QuerySet, *, after: str | None, limit: int) -> tuple[list[dict], str | None]:
    """Like `point_page`, as plain dicts of the columns the API and the map show.

    Thousands of rows for a map viewport: building model instances (and converting every
    timestamp) would cost ten times the query itself.
    """
    limit = max(1, min(limit, MAX_PAGE))
    if after:
        qs = qs.filter(code__gt=after)
    rows = list(qs.values(*ROW_FIELDS)[: limit + 1])
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1]["code"]
    return rows, None


def point_get(*, actor, code: str) -> Point:
    """One point by code; NotFound when it does not exist or lies outside the actor's scope."""
    point = (
        scope_queryset(Point.objects.filter(code=code), actor)
        .select_related("point_type", "region", "region__parent")
        .first()
    )
    if point is None:
        raise NotFound(code="point_not_found")
    return point


def point_counts_by_type(*, actor, region=None) -> list[dict]:
    """Active points per point type (one grouped query), for "my points by type"."""
    qs = points_visible(actor=actor, region=region, active=True).order_by()
    rows = (
        qs.values("point_type__code", "point_type__name", "point_type__name_en")
        .annotate(n=Count("id"))
        .order_by("point_type__code")
    )
    return list(rows)
