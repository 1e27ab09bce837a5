"""The report form (office, officers, inspectors, evaluators), and what it reads about a pin.

A refused form keeps what was entered: new.js sends the form with fetch and, on a 400, swaps
in only the error summary and the errors beside the fields, so the chosen photos stay chosen
(a browser cannot refill a file input after a page load). Without JavaScript the same view
answers the whole page, with every typed value, and names each refused file.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wenming.core.errors import DomainError
from wenming.org.models import RegionLevel
from wenming.org.places import in_city, region_choice, regions_reportable
from wenming.org.roles import is_office
from wenming.org.selectors import regions_visible
from wenming.points.geo import for_display

from .. import nearby, selectors, services
from ..forms import ProblemForm
from ..models import Source, Status
from ..reference import CATEGORIES
from ..services.creation import REPORTERS, outside_city_message, report_sources
from .common import is_htmx

# The field a refusal of the service is about, so its message stands beside that field.
FIELD_OF_ERROR = {
    "outside_city": "lat",
    "bad_coordinates": "lat",
    "region_required": "region",
    "region_too_coarse": "region",
    "region_outside_scope": "region",
    "category_required": "category",
    "category_inactive": "category",
    "title_required": "title",
    "bad_source": "source",
    "source_not_allowed": "source",
    "bad_severity": "severity",
}


def _reporter(request):
    actor = request.user
    if actor.role not in REPORTERS:
        raise PermissionDenied(_("Your role may not report problems."))
    return actor


def _photos(form, uploads) -> list:
    """Each upload validated on its own, so a refusal names the file it is about."""
    photos = []
    for upload in uploads:
        try:
            photos.extend(services.validate_photos([upload]))
        except DomainError as exc:
            form.add_error(
                "photos",
                _("%(file)s: %(reason)s") % {"file": upload.name, "reason": exc.message},
            )
    return photos


def _map_regions(actor) -> list[dict]:
    """Where the map opens: the districts the reporter may report in (their own region when
    they have no district), as centres in the tile server's datum."""
    reportable = [r for r in regions_reportable(actor=actor) if r.center_lat is not None]
    shown = [r for r in reportable if r.level == RegionLevel.DISTRICT] or reportable[:1]
    places = []
    for region in shown:
        lat, lon = for_display(region.center_lat, region.center_lon, gcj02=settings.MAP_TILES_GCJ02)
        places.append({"lat": lat, "lon": lon, "name": region.display_name})
    return places


def _page(request, form, status=200):
    context = {
        "form": form,
        "map_regions": _map_regions(request.user),
        # Without JavaScript the page reloads and the chosen files are gone: say so.
        "files_dropped": bool(request.FILES) and not is_htmx(request),
    }
    return render(request, "problems/new.html", context, status=status)


def _refused(request, form, status=400):
    return _page(request, form, status=status)


@login_required
def create(request):
    """Report a problem (office, officers, inspectors, evaluators)."""
    actor = _reporter(request)
    kwargs = {
        "regions": regions_visible(actor=actor),
        "categories": selectors.categories_visible(actor=actor, active_only=True),
        "sources": report_sources(actor),
    }
    # The office mostly records calls and hotline tickets; an inspection would auto-dispatch.
    initial = {"source": Source.CITIZEN} if is_office(actor) else {}
    form = ProblemForm(request.POST or None, request.FILES or None, initial=initial, **kwargs)
    if request.method != "POST":
        return _page(request, form)
    if not form.is_valid():
        return _refused(request, form)
    data = form.cleaned_data
    photos = _photos(form, data.get("photos") or [])
    if form.errors:
        return _refused(request, form)
    try:
        problem = services.problem_create(
            actor=actor,
            title=data["title"],
            category=data["category"],
            source=data["source"],
            severity=data["severity"],
            region=data["region"],
            address=data["address"],
            lat=data["lat"],
            lon=data["lon"],
            description=data["description"],
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
            is_anonymous=data["is_anonymous"],
            hotline_ticket=data.get("hotline_ticket") or "",
            photos=photos,
        )
    except DomainError as exc:
        form.add_error(FIELD_OF_ERROR.get(exc.code), exc.message)
        # A refusal keeps its own status (503 when the file store is down, so retry).
        return _refused(request, form, status=exc.status)
    messages.success(request, _("Problem %(code)s was recorded.") % {"code": problem.code})
    if selectors.problems_visible(actor=actor).filter(pk=problem.pk).exists():
        target = reverse("problems:detail", kwargs={"code": problem.code})
    else:
        target = reverse("problems:ledger")
    if is_htmx(request):  # new.js follows it (a fetch cannot read a redirect's address)
        return HttpResponse(status=204, headers={"HX-Redirect": target})
    return redirect(target)


def _coordinate(value, low, high):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


@login_required
def where(request):
    """What the form shows for a pin: inside the city or not, the region it suggests (the
    reporter confirms it) and open problems already reported near it (scoped like the ledger)."""
    actor = _reporter(request)
    lat = _coordinate(request.GET.get("lat"), -90, 90)
    lon = _coordinate(request.GET.get("lon"), -180, 180)
    if lat is None or lon is None:
        message = _("Give the latitude and longitude as numbers.")
        return JsonResponse({"error": "invalid", "message": message}, status=400)
    if not in_city(lat, lon):  # an answer, not an error: the form shows it beside the map
        return JsonResponse(
            {"inside": False, "message": outside_city_message(), "region": None, "nearby": []}
        )
    raw = request.GET.get("category", "")
    category = (
        selectors.categories_visible(actor=actor, active_only=True).filter(pk=int(raw)).first()
        if raw.isdigit()
        else None
    )
    found = nearby.region_at(actor=actor, lat=lat, lon=lon)
    region = None
    if found is not None:
        row, basis, distance = found
        notes = {
            "point": _("%(distance)s m from an assessment point of this region")
            % {"distance": distance},
            "centre": _("nearest community centre, %(distance)s m away") % {"distance": distance},
        }
        region = {**region_choice(row), "id": row.pk, "basis": basis, "note": notes[basis]}
    near = nearby.open_problems_near(actor=actor, lat=lat, lon=lon, category=category)
    for item in near:
        item["status_label"] = str(Status(item.pop("status")).label)
        item["url"] = reverse("problems:detail", kwargs={"code": item["code"]})
        row = CATEGORIES.by_id(item.pop("category_id"))
        item["category"] = row.display_name if row is not None else ""
    return JsonResponse({"inside": True, "region": region, "nearby": near})
