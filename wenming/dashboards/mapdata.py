"""The open problems of a dashboard's subject as GeoJSON points, for the clustered and heat map.

The newest `MAP_LIMIT` open problems (the partial index on open problems by report time serves
it), so the map never reads more than that, and `truncated` says when there are more.

For a district or unit officer the newest open problems of the subject are found first, without
the reader's scope (one walk of that index, as for the office), and the reader's scope is then
applied to those few ids. Said together, PostgreSQL misjudges the scope's list of regions beside
the district (estimating 2,000 rows for 30,000) and sorts every open problem of the district:
380 ms at 1,000,000 problems instead of 40. The subject is inside the reader's scope
(`scope.dashboard_scope` checked it), so the rows are the same; were one ever outside, it would
be left out, never shown.
"""

from wenming.points.selectors import bbox_parse
from wenming.problems.models import Problem, Status
from wenming.problems.selectors import problems_visible

from .scope import SEES_CITY

MAP_LIMIT = 3000
NEWEST = ("-created_at", "-id")


def _subject(qs, scope, box):
    if scope.kind == "district":
        qs = qs.filter(district_id=scope.region.pk)
    elif scope.kind == "street":
        qs = qs.filter(street_id=scope.region.pk)
    elif scope.kind == "unit":
        qs = qs.filter(responsible_unit_id=scope.unit.pk)
    if box is not None:
        qs = qs.filter(
            lat__gte=box.min_lat, lat__lte=box.max_lat, lon__gte=box.min_lon, lon__lte=box.max_lon
        )
    return qs.filter(is_open=True, lat__isnull=False)


def open_problems(*, actor, scope, bbox: str | None = None) -> dict:
    """{"type": "FeatureCollection", "features": […], "truncated": bool} in WGS-84."""
    box = bbox_parse(bbox) if bbox else None
    visible = problems_visible(actor=actor)
    if getattr(actor, "role", "") in SEES_CITY:
        qs = _subject(visible, scope, box)
    else:
        newest = _subject(Problem.objects.all(), scope, box).order_by(*NEWEST)
        qs = visible.filter(pk__in=list(newest.values_list("pk", flat=True)[: MAP_LIMIT + 1]))
    rows = list(
        qs.order_by(*NEWEST).values_list("code", "title", "status", "lat", "lon")[: MAP_LIMIT + 1]
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
