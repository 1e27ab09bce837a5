"""`GET /api/v1/dashboard/{name}`: the numbers behind each chart, scoped to the reader.

`overview` and `bigscreen` answer every chart as a table (`columns`, `rows`) with its ECharts
option; `map` the open problems as GeoJSON points. `region=` or `unit=` (codes) choose the
subject within the reader's scope (404 outside it), `month=YYYY-MM` the month (400 after this
one)."""

from ninja import Router

from wenming.core.api_schemas import ErrorOut
from wenming.problems.listing import json_response

from . import bigscreen, mapdata, selectors
from .scope import dashboard_scope

router = Router(tags=["dashboards"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get(
    "/dashboard/{name}",
    response={200: dict, **ERRORS},
    summary="The numbers behind a dashboard's charts (scoped)",
)
def dashboard(
    request,
    name: str,
    region: str | None = None,
    unit: str | None = None,
    month: str | None = None,
    bbox: str | None = None,
):
    """`name`: overview, bigscreen or map."""
    actor = request.auth
    scope = dashboard_scope(actor=actor, region=region, unit=unit)
    if name == "map":
        return json_response(mapdata.open_problems(actor=actor, scope=scope, bbox=bbox))
    period = selectors.month_parse(month)
    if name == bigscreen.NAME:
        return json_response(bigscreen.bigscreen_data(actor=actor, scope=scope, period=period))
    return json_response(
        selectors.dashboard_data(actor=actor, scope=scope, name=name, period=period)
    )
