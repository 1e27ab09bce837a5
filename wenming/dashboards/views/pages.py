"""The dashboard pages: the overview (city, district, street or unit), the map of open problems
and the command-centre big screen. Each page renders its tables from the same numbers the
JSON endpoint gives its charts (`selectors.dashboard_data`), and `static/dashboards/
dashboards.js` draws the charts from that endpoint (no inline script: the CSP forbids it)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from wenming.core.errors import InvalidInput, NotAllowed, NotFound
from wenming.org.models import Region, RegionLevel
from wenming.org.selectors import UNITS
from wenming.problems.listing import json_response

from .. import bigscreen as bigscreen_data
from .. import mapdata, selectors
from ..briefing import may_brief
from ..scope import SEES_CITY, dashboard_scope

BIGSCREEN_REFRESH_S = 60


def _scope_or_error(request, *, region=None, unit=None):
    try:
        return dashboard_scope(actor=request.user, region=region, unit=unit)
    except NotFound:
        raise Http404 from None
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None


def _params(scope, month: str | None) -> str:
    values = {}
    if scope.region is not None:
        values["region"] = scope.region.code
    if scope.unit is not None:
        values["unit"] = scope.unit.code
    if month:
        values["month"] = month
    return urlencode(values)


def _pickers(actor, scope) -> dict:
    """The districts (and streets) and units the reader may switch to."""
    if getattr(actor, "role", "") in SEES_CITY:
        districts = Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code")
        units = [u for u in UNITS.all() if u.is_active]
    elif scope.kind == "district":
        districts = Region.objects.filter(parent=scope.region).order_by("code")
        units = []
    else:
        districts, units = [], []
    return {"district_choices": districts, "unit_choices": units}


def _page(request, template: str, *, region=None, unit=None, status_ok=200, extra=None):
    scope = _scope_or_error(
        request, region=region or request.GET.get("region"), unit=unit or request.GET.get("unit")
    )
    month = request.GET.get("month") or ""
    context = {"scope": scope, "month": month, "error": "", "data": None, **(extra or {})}
    context["can_brief"] = may_brief(request.user)
    context.update(_pickers(request.user, scope))
    try:
        period = selectors.month_parse(month)
    except InvalidInput as exc:
        context["error"] = str(exc)
        return render(request, template, context, status=400)
    context["month"] = period.label
    query = _params(scope, period.label)
    context["data_url"] = reverse("dashboards:data", args=["overview"]) + "?" + query
    context["data"] = selectors.dashboard_data(
        actor=request.user, scope=scope, name="overview", period=period
    )
    context["query"] = query
    return render(request, template, context, status=status_ok)


@login_required
def overview(request):
    """The reader's own dashboard, or the district/street/unit they chose."""
    return _page(request, "dashboards/overview.html")


@login_required
def district(request, code):
    return _page(request, "dashboards/overview.html", region=code)


@login_required
def unit(request, code):
    return _page(request, "dashboards/overview.html", unit=code)


@login_required
def data(request, name):
    """The JSON the charts are drawn from (the same as `GET /api/v1/dashboard/{name}`)."""
    scope = _scope_or_error(request, region=request.GET.get("region"), unit=request.GET.get("unit"))
    try:
        if name == "map":
            return json_response(
                mapdata.open_problems(actor=request.user, scope=scope, bbox=request.GET.get("bbox"))
            )
        period = selectors.month_parse(request.GET.get("month"))
        if name == bigscreen_data.NAME:
            body = bigscreen_data.bigscreen_data(actor=request.user, scope=scope, period=period)
        else:
            body = selectors.dashboard_data(
                actor=request.user, scope=scope, name=name, period=period
            )
    except InvalidInput as exc:
        return json_response({"error": exc.code, "message": str(exc)}, status=400)
    except NotFound:
        raise Http404 from None
    return json_response(body)


@login_required
def map_page(request):
    """Open problems on the map: clusters and a heat layer."""
    scope = _scope_or_error(request, region=request.GET.get("region"), unit=request.GET.get("unit"))
    query = _params(scope, None)
    context = {
        "scope": scope,
        "markers_url": reverse("dashboards:data", args=["map"]) + ("?" + query if query else ""),
        "query": query,
    }
    if scope.region is not None and scope.region.center_lat is not None:
        context["centre"] = [
            {
                "name": scope.region.display_name,
                "lat": scope.region.center_lat,
                "lon": scope.region.center_lon,
            }
        ]
    else:
        context["centre"] = [
            {"name": r.display_name, "lat": r.center_lat, "lon": r.center_lon}
            for r in Region.objects.filter(level=RegionLevel.DISTRICT, center_lat__isnull=False)
        ]
    return render(request, "dashboards/map.html", context)


@login_required
def bigscreen(request):
    """The command-centre big screen (大屏): full screen, dark, refreshed every minute."""
    scope = _scope_or_error(request, region=request.GET.get("region"), unit=request.GET.get("unit"))
    query = _params(scope, None)
    context = {
        "scope": scope,
        "data_url": reverse("dashboards:data", args=["bigscreen"]) + ("?" + query if query else ""),
        "refresh_s": BIGSCREEN_REFRESH_S,
    }
    return render(request, "dashboards/bigscreen.html", context)
