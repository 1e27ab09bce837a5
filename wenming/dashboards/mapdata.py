"""The open problems of a dashboard's subject as GeoJSON points, for the clustered and heat map.

The newest `MAP_LIMIT` open problems (the partial index on open problems by report time serves
it), so the map never reads more than that, and `truncated` says when there are more."""

from wenming.points.selectors import bbox_parse
from wenming.problems.models import Status
from wenming.problems.selectors import problems_visible

MAP_LIMIT = 3000


def open_problems(*, actor, scope, bbox: str | None = None) -> dict:
    """{"type": "FeatureCollection", "features": […], "truncated": bool} in WGS-84."""
    qs = problems_visible(actor=actor).filter(is_open=True, lat__isnull=False)
    if scope.kind == "district":
        qs = qs.filter(district_id=scope.region.pk)
    elif scope.kind == "street":
        qs = qs.filter(street_id=scope.region.pk)
    elif scope.kind == "unit":
        qs = qs.filter(responsible_unit_id=scope.unit.pk)
    if bbox:
        box = bbox_parse(bbox)
        qs = qs.filter(
            lat__gte=box.min_lat, lat__lte=box.max_lat, lon__gte=box.min_lon, lon__lte=box.max_lon
        )
    rows = list(
        qs.order_by("-created_at", "-id").values_list("code", "title", "status", "lat", "lon")[
            : MAP_LIMIT + 1
        ]
    )
    # Each status translated once, not once per marker (it was most of the answer's time).
    labels = {value: str(label) for value, label in Status.choices}
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {
                "name": f"{code} {title}",
                "url": f"/problems/{code}/",
                "status": labels.get(status, status),
            },
        }
        for code, title, status, lat, lon in rows[:MAP_LIMIT]
    ]
    return {"type": "FeatureCollection", "features": features, "truncated": len(rows) > MAP_LIMIT}
