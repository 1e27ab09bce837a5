"""Points pages: the map with the filtered list, a point's page, the office's edit form."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wenming.core.errors import DomainError, InvalidInput, NotFound
from wenming.org.roles import Role, is_office
from wenming.org.selectors import UNITS, region_get, regions_visible
from wenming.standards import selectors as standards
from wenming.standards.views import office_only, page

from . import selectors, services
from .api import feature, units_by_point
from .forms import PointForm
from .geo import for_display, from_display

PAGE_SIZE = 50
MAP_LIMIT = 3000


def _filters(request) -> dict:
    """Region and type from the query string (a code outside the user's scope is a 404)."""
    actor = request.user
    region_code = request.GET.get("region") or ""
    type_code = request.GET.get("type") or ""
    active = {"1": True, "0": False}.get(request.GET.get("active", ""))
    return {
        "region": region_get(actor=actor, code=region_code) if region_code else None,
        "point_type": standards.point_type_get(actor=actor, code=type_code) if type_code else None,
        "active": active,
    }


def _map_config(request, *, regions) -> dict:
    return {
        "tile_url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "gcj02": settings.MAP_TILES_GCJ02,
        "regions": [
            {
                "code": r.code,
                "name": r.display_name,
                "lat": for_display(r.center_lat, r.center_lon, gcj02=settings.MAP_TILES_GCJ02)[0],
                "lon": for_display(r.center_lat, r.center_lon, gcj02=settings.MAP_TILES_GCJ02)[1],
            }
            for r in regions
            if r.center_lat is not None and r.center_lon is not None
        ],
    }


@page
def index(request):
    actor = request.user
    filters = _filters(request)
    search = (request.GET.get("q") or "").strip()[:100]
    qs = selectors.points_visible(actor=actor, search=search, **filters)
    after = request.GET.get("after") or None
    rows, cursor = selectors.point_page(qs, after=after, limit=PAGE_SIZE)
    units = units_by_point([row.pk for row in rows])
    for row in rows:
        # Names, not codes, from the per-process copy of the units (no query per row).
        row.unit_names = [
            unit.display_name if (unit := UNITS.by_key(code)) else code
            for code in units.get(row.pk, [])
        ]
    query = request.GET.copy()
    query.pop("after", None)
    districts = regions_visible(actor=actor, level="district")
    streets = regions_visible(actor=actor, level="street")
    return render(
        request,
        "points/index.html",
        {
            "rows": rows,
            "cursor": cursor,
            "query": query.urlencode(),
            "after": after,
            "types": standards.point_types_visible(actor=actor, active_only=True),
            # Each district followed by its own streets, so the indent means "in that district".
            "region_choices": sorted([*districts, *streets], key=lambda r: r.path),
            "search": search,
            "map": _map_config(request, regions=districts),
            **filters,
            "can_edit": is_office(actor),
            "data_url": reverse("points:map_data") + ("?" + query.urlencode() if query else ""),
        },
    )


@page
def map_data(request):
    """GeoJSON for the map page (session-authenticated twin of the API's format=geojson)."""
    gcj02 = settings.MAP_TILES_GCJ02
    try:
        filters = _filters(request)
        bbox = None
        if request.GET.get("bbox"):
            box = selectors.bbox_parse(request.GET["bbox"])
            # The map sends what it shows; shift the corners back to WGS-84 to query.
            min_lat, min_lon = from_display(box.min_lat, box.min_lon, gcj02=gcj02)
            max_lat, max_lon = from_display(box.max_lat, box.max_lon, gcj02=gcj02)
            bbox = selectors.BBox(min_lon, min_lat, max_lon, max_lat)
    except NotFound as exc:
        return JsonResponse({"error": exc.code, "message": str(exc.message)}, status=404)
    except InvalidInput as exc:
        return JsonResponse({"error": exc.code, "message": str(exc.message)}, status=400)
    qs = selectors.points_visible(actor=request.user, bbox=bbox, **filters)
    rows, cursor = selectors.point_rows(qs, after=None, limit=MAP_LIMIT)
    units = units_by_point([row["id"] for row in rows])
    english = (request.LANGUAGE_CODE or "").startswith("en")
    base = reverse("points:index")
    features = []
    for row in rows:
        item = feature(row, units.get(row["id"], []), english)
        lat, lon = for_display(row["lat"], row["lon"], gcj02=gcj02)
        item["geometry"]["coordinates"] = [round(lon, 6), round(lat, 6)]
        item["properties"]["url"] = f"{base}{quote(row['code'])}/"
        features.append(item)
    return JsonResponse(
        {"type": "FeatureCollection", "features": features, "truncated": cursor is not None}
    )


@page
def detail(request, code):
    actor = request.user
    point = selectors.point_get(actor=actor, code=code)
    checklists = standards.checklists_at_point_type(actor=actor, point_type=point.point_type)
    lat, lon = for_display(point.lat, point.lon, gcj02=settings.MAP_TILES_GCJ02)
    return render(
        request,
        "points/detail.html",
        {
            "point": point,
            "units": point.responsible_units.order_by("code"),
            "checklists": checklists,
            "display": {"lat": lat, "lon": lon},
            "map": _map_config(request, regions=[point.region]),
            "events": point.events.select_related("actor")[:20] if is_office(actor) else [],
            "can_edit": is_office(actor),
        },
    )


def _save(request, form, point=None):
    data = dict(form.cleaned_data)
    if point is None:
        return services.point_create(actor=request.user, **data)
    data.pop("code", None)
    return services.point_update(point=point, actor=request.user, data=data)


@page
def edit(request, code=None):
    office_only(request)
    point = selectors.point_get(actor=request.user, code=code) if code else None
    form = PointForm(request.POST or None, instance=point)
    if point is not None:
        form.initial["responsible_units"] = list(point.responsible_units.all())
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save(request, form, point)
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise Http404 from exc
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The point has been saved."))
            return redirect("points:detail", code=saved.code)
    title = _("Edit point %(code)s") % {"code": point.code} if point else _("New point")
    return render(
        request,
        "points/form.html",
        {"form": form, "point": point, "title": title},
        status=400 if form.errors else 200,
    )


@page
def mine(request):
    """Points by type in the user's scope ("my points by type" for a region officer)."""
    actor = request.user
    region = actor.region if actor.role == Role.REGION_OFFICER else None
    return render(
        request,
        "points/mine.html",
        {"region": region, "rows": selectors.point_counts_by_type(actor=actor, region=region)},
    )
