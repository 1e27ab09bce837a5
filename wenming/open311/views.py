"""GeoReport v2's endpoints: thin, as every view here: parse, call one selector or service,
answer in the format the URL names (`.json` or `.xml`), errors in the specification's list.

Partner apps post from their own servers with a key, not from a signed-in browser, so the
POST endpoint is exempt from CSRF (there is no session it could ride on).
"""

from datetime import datetime, time
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from wenming.core.errors import DomainError, InvalidInput

from . import selectors
from .keys import api_key_required
from .render import error_response, respond
from .services import Posted, open311_request_post

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this server's GeoReport answers last changed shape (discovery's `changeset`).
CHANGESET = "2026-12-02T00:00:00+08:00"
MAX_LIST_PARAM = 100
# The dates a filter may name: far beyond any report on either side, and far enough inside
# Python's datetime (years 1 to 9999) that the 90-day window and the database's conversion
# to UTC cannot overflow (9999-12-31 or 0001-01-01 made them raise: a 500).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def _not_allowed(request, fmt: str, methods) -> HttpResponse:
    response = error_response(
        fmt,
        405,
        [
            _("%(method)s is not allowed here; this URL takes %(allowed)s.")
            % {"method": request.method[:10], "allowed": ", ".join(methods)}
        ],
    )
    response["Allow"] = ", ".join(methods)
    return response


def _endpoint(*methods):
    """A GeoReport URL taking `methods`: any refusal is the specification's error list, in
    the format the URL names (JSON where it names none), never the site's HTML pages or
    Django's empty 405: another method, a domain error, a form Django will not read."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            fmt = kwargs.get("fmt", "json")
            if request.method not in methods:
                return _not_allowed(request, fmt, methods)
            try:
                return view(request, *args, **kwargs)
            except DomainError as exc:
                return error_response(fmt, exc.status, [exc.message])
            except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
                # Raised when the view first reads request.POST (the limits in settings).
                return error_response(
                    fmt, 400, [_("The form is too large or has too many fields.")]
                )

        return wrapped

    return decorate


@_endpoint("GET")
def root(request):
    """/open311/ itself: the discovery document (XML is the format every client speaks)."""
    return redirect("open311:discovery", fmt="xml")


@_endpoint("GET")
def discovery(request, fmt):
    """Where the endpoint is, what it speaks, whom to ask for a key."""
    endpoint = request.build_absolute_uri(reverse("open311:root"))
    info = {
        "changeset": CHANGESET,
        "contact": _("The Civilization Office: %(email)s")
        % {"email": getattr(settings, "DEFAULT_FROM_EMAIL", "")},
        "key_service": _("Ask the Civilization Office for a key for your app."),
        "max_requests": selectors.MAX_REQUESTS,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint + "v2",
                "changeset": CHANGESET,
                "type": "production" if settings.PRODUCTION else "test",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", info)


@_endpoint("GET")
def services(request, fmt):
    return respond(fmt, "services", selectors.services_list())


@_endpoint("GET")
def service_definition(request, fmt, service_code):
    return respond(fmt, "service_definition", selectors.service_definition(service_code))


def _parsed(text: str) -> datetime | None:
    """A W3C date-time or a bare date (its midnight), as written; None if it is neither."""
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime.combine(day, time()) if day else None
    except ValueError:  # well-formed but impossible: 2026-02-30
        return None
    return moment


def _moment(name: str, text: str) -> datetime:
    """A W3C date-time (with an offset; without one the city's time) or a bare date (its
    midnight in the city) from EARLIEST_YEAR to LATEST_YEAR; anything else is a 400 naming
    the parameter."""
    moment = _parsed(text)
    if moment is None:
        raise InvalidInput(
            _("%(name)s “%(value)s” is not a date and time; use the W3C format, e.g. %(example)s.")
            % {"name": name, "value": text[:40], "example": "2026-03-05T14:30:00+08:00"},
            code="bad_date",
        )
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise InvalidInput(
            _("%(name)s “%(value)s” is out of range: give a date from %(earliest)s to %(latest)s.")
            % {
                "name": name,
                "value": text[:40],
                "earliest": f"{EARLIEST_YEAR}-01-01",
                "latest": f"{LATEST_YEAR}-12-31",
            },
            code="bad_date",
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _list_param(request, name: str) -> list[str] | None:
    text = (request.GET.get(name) or "").strip()
    if not text:
        return None
    values = [v.strip() for v in text.split(",") if v.strip()]
    if len(values) > MAX_LIST_PARAM:
        raise InvalidInput(
            _("%(name)s lists too many values (%(limit)s at most).")
            % {"name": name, "limit": MAX_LIST_PARAM},
            code="too_many",
        )
    return values


def _window(request):
    start_text = (request.GET.get("start_date") or "").strip()
    end_text = (request.GET.get("end_date") or "").strip()
    start = _moment("start_date", start_text) if start_text else None
    end = _moment("end_date", end_text) if end_text else None
    if start and end and start > end:
        raise InvalidInput(_("start_date is after end_date."), code="bad_date_range")
    if start and end and end - start > selectors.WINDOW:
        raise InvalidInput(
            _("start_date and end_date may span 90 days at most."), code="bad_date_range"
        )
    if start and not end:
        end = start + selectors.WINDOW
    if end and not start:
        start = end - selectors.WINDOW
    return start, end


def _status(request) -> bool | None:
    wanted = _list_param(request, "status")
    if not wanted:
        return None
    unknown = [s for s in wanted if s not in ("open", "closed")]
    if unknown:
        raise InvalidInput(
            _("status must be open or closed (or both, comma-separated), not “%(value)s”.")
            % {"value": unknown[0][:20]},
            code="bad_status",
        )
    if set(wanted) == {"open", "closed"}:
        return None
    return wanted[0] == "open"


def _service_ids(request) -> list[int] | None:
    codes = _list_param(request, "service_code")
    if codes is None:
        return None
    ids = []
    for code in codes:
        try:
            ids.append(selectors.service_for_code(code).pk)
        except DomainError as exc:
            raise InvalidInput(exc.message, code="bad_service_code") from exc
    return ids


def _partner_key(request):
    """The key a GET names (GeoReport's GETs need none; with one, a partner app reads back the
    requests it posted as it posted them), or None; a key that is not active is a 403 rather
    than a quietly public answer, so the app learns its key no longer works."""
    raw = (request.GET.get("api_key") or "").strip()
    return api_key_required(raw) if raw else None


def _requests_get(request, fmt):
    key = _partner_key(request)
    codes = _list_param(request, "service_request_id")
    if codes is not None:
        # The specification: service_request_id overrides every other argument.
        return respond(fmt, "service_requests", selectors.requests_list(codes=codes, key=key))
    start, end = _window(request)
    answers = selectors.requests_list(
        category_ids=_service_ids(request),
        start=start,
        end=end,
        is_open=_status(request),
        key=key,
    )
    return respond(fmt, "service_requests", answers)


def _requests_post(request, fmt):
    posted = Posted.from_form(request.POST)
    _row, answer = open311_request_post(posted=posted, client_ip="")
    return respond(fmt, "service_requests", [answer])


@csrf_exempt
@_endpoint("GET", "POST")
def requests(request, fmt):
    """GET the public requests (filters), or POST a new one (needs an api_key)."""
    if request.method == "POST":
        return _requests_post(request, fmt)
    return _requests_get(request, fmt)


@_endpoint("GET")
def request_detail(request, fmt, service_request_id):
    answer = selectors.request_by_code(service_request_id, key=_partner_key(request))
    return respond(fmt, "service_requests", [answer])


@csrf_exempt
def not_found(request):
    """Any other path under /open311/ (an unknown method, a format other than json and xml):
    the specification's 404, in XML when the path asks for it, else JSON, whatever the
    method (a client posting to a wrong URL must read why, not a CSRF page)."""
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return error_response(
        fmt,
        404,
        [
            _(
                "No such GeoReport v2 method or format: the methods are listed in "
                "discovery.json, and each answers as .json or .xml."
            )
        ],
    )
