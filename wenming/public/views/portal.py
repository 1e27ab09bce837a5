"""The citizens' pages: no login, no third-party anything, light enough for a phone on 3G
inside a messaging app's browser (public/base.html: one small style sheet, no Bootstrap).

A refused report keeps what was typed and names every problem at once (the whole page comes back
with each message beside its field, the place's beside the map); the chosen photos must be
chosen again, and the page says so. A blocked request
(honeypot, rate limit, too large) gets its message and writes nothing.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wenming.core.audit import client_ip
from wenming.core.errors import DomainError, InvalidInput
from wenming.core.uploads import max_upload_bytes
from wenming.org.models import RegionLevel
from wenming.org.selectors import REGIONS
from wenming.points.geo import for_display, from_display
from wenming.points.selectors import BBox, bbox_parse

from .. import selectors, services
from ..forms import RateForm, ReportForm
from ..services.reports import MAX_PHOTOS

# The text fields of a report are a few KB; the rest of a request is its photos.
FORM_OVERHEAD_BYTES = 256 * 1024


def _context(request, **extra) -> dict:
    portal = selectors.portal_settings()
    return {"portal": portal, "rankings_url": "/scores/public/", **extra}


def _too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > MAX_PHOTOS * max_upload_bytes() + FORM_OVERHEAD_BYTES


@require_GET
def home(request):
    """The portal's first page: report, follow, and (when the office allows) map and rankings."""
    return render(request, "public/home.html", _context(request))


def _map_regions() -> list[dict]:
    places = []
    for region in REGIONS.all():
        if region.level == RegionLevel.DISTRICT and region.center_lat is not None:
            lat, lon = for_display(
                region.center_lat, region.center_lon, gcj02=settings.MAP_TILES_GCJ02
            )
            places.append({"lat": lat, "lon": lon, "name": region.display_name})
    return places


def _form_page(request, form, *, status=200, dropped=False, blocked=""):
    categories = selectors.public_categories()
    hints = {
        c.pk: c.public.hint_en
        if c.public.hint_en and request.LANGUAGE_CODE.startswith("en")
        else c.public.hint
        for c in categories
    }
    return render(
        request,
        "public/new.html",
        _context(
            request,
            form=form,
            hints=[(c.display_name, hints[c.pk]) for c in categories if hints[c.pk]],
            map_regions=_map_regions(),
            files_dropped=dropped,
            blocked=blocked,
            # The description's counter (public/counter.js) groups digits as the server does.
            thousand_separator=get_format("THOUSAND_SEPARATOR"),
        ),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def report_new(request):
    """A citizen reports a problem; success shows the tracking code on the follow page."""
    categories = selectors.public_categories()
    if request.method == "POST" and _too_large(request):
        # Refused from its declared length, before Django reads the body.
        blocked = _(
            "The report is too large: at most %(n)d photos of %(mb)d MB each. Nothing was saved."
        ) % {"n": MAX_PHOTOS, "mb": max_upload_bytes() // (1024 * 1024)}
        return _form_page(request, ReportForm(categories=categories), status=413, blocked=blocked)
    form = ReportForm(request.POST or None, request.FILES or None, categories=categories)
    if request.method != "POST":
        return _form_page(request, form)
    dropped = bool(request.FILES)
    if not form.is_valid():  # every problem at once: fields, place, photos
        return _form_page(request, form, status=400, dropped=dropped)
    data = form.cleaned_data
    try:
        report = services.citizen_report_create(
            category=data["category"],
            description=data["description"],
            lat=data["lat"],
            lon=data["lon"],
            address=data["address"],
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
            is_anonymous=data["is_anonymous"],
            photos=data["photos"],
            client_ip=client_ip(request),
            honeypot=data["website"],
        )
    except DomainError as exc:  # the honeypot, the hour's limit, or a category just withdrawn
        form.add_report_error(exc)
        return _form_page(request, form, status=exc.status, dropped=dropped)
    return redirect(reverse("public:follow", kwargs={"code": report.tracking_code}) + "?new=1")


@require_GET
def follow_lookup(request):
    """The "follow a report" box: a typed code goes to its page, an unknown one is said so,
    and a box sent empty asks for the code (400) instead of coming back silently."""
    if "code" not in request.GET:
        return render(request, "public/follow_lookup.html", _context(request), status=200)
    raw = request.GET["code"]
    if not raw.strip():
        return render(
            request,
            "public/follow_lookup.html",
            _context(request, error=_("Enter your tracking code.")),
            status=400,
        )
    code = selectors.normalise_tracking_code(raw)
    if selectors.report_by_tracking_code(code) is None:
        return render(
            request,
            "public/follow_lookup.html",
            _context(
                request,
                code=raw,
                error=_("No report has this tracking code: check it and try again."),
            ),
            status=404,
        )
    return redirect("public:follow", code=code)


def _follow_page(request, code, *, rate_form=None, status=200, message=""):
    followed = selectors.report_follow(code)
    if followed is None:
        return render(
            request,
            "public/follow_lookup.html",
            _context(
                request,
                code=code,
                error=_("No report has this tracking code: check it and try again."),
            ),
            status=404,
        )
    return render(
        request,
        "public/follow.html",
        _context(
            request,
            followed=followed,
            code=followed.report.tracking_code,
            code_display=selectors.format_tracking_code(followed.report.tracking_code),
            is_new=request.GET.get("new") == "1",
            rate_form=rate_form or RateForm(),
            message=message,
        ),
        status=status,
    )


@require_GET
def follow(request, code):
    return _follow_page(request, code)


@require_POST
def rate(request, code):
    form = RateForm(request.POST)
    if not form.is_valid():
        return _follow_page(request, code, rate_form=form, status=400)
    try:
        services.citizen_report_rate(
            tracking_code=code,
            rating=form.cleaned_data["rating"],
            reason=form.cleaned_data["reason"],
            client_ip=client_ip(request),
        )
    except DomainError as exc:
        form.add_error("reason" if exc.code == "reason_required" else None, exc.message)
        return _follow_page(request, code, rate_form=form, status=exc.status)
    return redirect(reverse("public:follow", kwargs={"code": code}) + "?rated=1")


def _stream(name: str) -> HttpResponse:
    try:
        handle = default_storage.open(name, "rb")
        handle.open()
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    except Exception:
        return HttpResponse(
            _("The photo cannot be read just now."), status=503, content_type="text/plain"
        )
    response = FileResponse(
        handle, content_type="image/webp" if name.endswith(".webp") else "image/jpeg"
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _variant(photo, variant: str) -> str:
    if variant == "thumb":
        return photo.thumb_path
    if variant == "full":
        return photo.public_path  # never `path`: the office's copy keeps the EXIF
    raise Http404


@require_GET
def photo(request, code, photo_id, variant):
    """A before-photo of the citizen's own report (public copy, no EXIF)."""
    report = selectors.report_by_tracking_code(code)
    found = selectors.public_before_photo(report, photo_id) if report else None
    if found is None:
        raise Http404
    return _stream(_variant(found, variant))


@require_GET
def after_photo(request, photo_id, variant):
    """An after-photo of a problem citizens follow (public copy, no EXIF)."""
    found = selectors.public_after_photo(photo_id)
    if found is None:
        raise Http404
    return _stream(_variant(found, variant))


@require_GET
def public_map(request):
    if not selectors.portal_settings().public_map:
        return render(request, "public/map_off.html", _context(request), status=404)
    return render(request, "public/map.html", _context(request, map_regions=_map_regions()))


@require_GET
def map_points(request):
    """GeoJSON of recent reports, each place rounded to about 100 m (core/map.js draws it)."""
    if not selectors.portal_settings().public_map:
        return JsonResponse(
            {"error": "not_found", "message": _("The public map is switched off.")}, status=404
        )
    gcj02 = settings.MAP_TILES_GCJ02
    bbox = None
    if request.GET.get("bbox"):
        try:
            box = bbox_parse(request.GET["bbox"])
        except InvalidInput as exc:
            return JsonResponse({"error": exc.code, "message": str(exc.message)}, status=400)
        # The map sends the box it shows, in the tiles' datum; the ledger stores WGS-84.
        min_lat, min_lon = from_display(box.min_lat, box.min_lon, gcj02=gcj02)
        max_lat, max_lon = from_display(box.max_lat, box.max_lon, gcj02=gcj02)
        bbox = BBox(min_lon, min_lat, max_lon, max_lat)
    points = selectors.public_map_points(bbox=bbox, limit=selectors.MAP_LIMIT + 1)
    truncated = len(points) > selectors.MAP_LIMIT
    features = []
    for point in points[: selectors.MAP_LIMIT]:
        lat, lon = for_display(point["lat"], point["lon"], gcj02=gcj02)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"name": f"{point['category']} · {point['status']}"},
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features, "truncated": truncated})


def _float(raw) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if value == value and abs(value) <= 180 else None


@require_GET
def nearby(request):
    """The report form's "already reported nearby" list for a category and a pin (an HTML
    fragment public/nearby.js puts under the map); empty until both are chosen."""
    category = None
    try:
        category = selectors.public_category(int(request.GET.get("category") or 0))
    except ValueError:
        category = None
    lat, lon = _float(request.GET.get("lat")), _float(request.GET.get("lon"))
    items = []
    if category is not None and lat is not None and lon is not None:
        items = selectors.nearby_open_reports(category=category, lat=lat, lon=lon)
    return render(request, "public/_nearby.html", {"items": items})


@require_GET
def problem_follow(request, code):
    """The public progress of a problem citizens follow, by its ledger code: what a citizen
    who found it "already reported nearby" reads (statuses and template replies, after-photos;
    never the reporters' own replies, photos or details, which stay behind their codes)."""
    problem = selectors.problem_followed_publicly(code)
    if problem is None:
        raise Http404
    surviving = selectors.surviving_problem(problem)
    return render(
        request,
        "public/problem.html",
        _context(
            request,
            problem=surviving,
            timeline=selectors.public_timeline(surviving, report=None),
        ),
    )
