"""A citizen's report and rating: validation, abuse limits, and the ledger problem behind it.

Order of checks (each refusal writes nothing): the honeypot, the fields (category, place,
text, photos), then the rate limits, then one transaction that writes the ledger problem (via
`problems.services.problem_create`, source "citizen", no actor) and its `CitizenReport`.
The rate limits count in Django's configured cache (`CACHES["default"]`: a folder or Redis
shared by every app server), per client address and per phone number, in clock-hour windows.
"""

import hashlib
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wenming.core import refcache
from wenming.core.audit import audit_record
from wenming.core.errors import Conflict, DomainError, InvalidInput, NotFound
from wenming.core.uploads import haversine_m
from wenming.org.models import RegionLevel
from wenming.org.places import in_city
from wenming.org.selectors import REGIONS
from wenming.problems.models import Source, Status
from wenming.problems.services import evidence, problem_create
from wenming.problems.services.creation import outside_city_message

from .. import selectors
from ..models import Channel, CitizenReport, Rating, Review

DESCRIPTION_LIMIT = 1000
REASON_LIMIT = 500
MAX_PHOTOS = 3
TITLE_WORDS = 40
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")


class RateLimited(DomainError):
    """Too many reports from one address or phone within the hour: HTTP 429."""

    status = 429
    code = "rate_limited"


def _refused_honeypot() -> InvalidInput:
    return InvalidInput(
        _("The report could not be accepted. Please leave the hidden field empty and try again."),
        code="honeypot",
    )


def _rate_key(kind: str, value: str, window: int) -> str:
    # Per database (refcache's key names it), so two cities or two test runs sharing one cache
    # never count each other's reports; the address or phone only as a hash.
    prefix = getattr(settings, "PUBLIC_RATE_KEY_PREFIX", "public:rate")
    digest = hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:24]
    return f"{prefix}:{refcache.token_key()}:{kind}:{digest}:{window}"


def rate_limit_check(*, client_ip: str = "", phone: str = "", count: bool = True) -> None:
    """Refuse (429) when the address or the phone already sent the hour's allowance; count
    this report against both otherwise. A limit of 0 switches the check off."""
    limit = selectors.portal_settings().reports_per_hour
    if not limit:
        return
    window = int(timezone.now().timestamp() // 3600)
    keys = [_rate_key(k, v, window) for k, v in (("ip", client_ip), ("phone", phone)) if v]
    if not keys:
        return
    seen = cache.get_many(keys)
    if any(int(seen.get(key) or 0) >= limit for key in keys):
        raise RateLimited(
            _(
                "Too many reports from this connection or phone number: at most %(limit)d an "
                "hour. Nothing was saved; please try again later."
            )
            % {"limit": limit}
        )
    if not count:
        return
    for key in keys:
        # add() creates the counter only if it is missing; incr() is atomic in Redis and in
        # the other backends as far as they are atomic at all (a soft limit is fine here).
        cache.add(key, 0, timeout=3700)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=3700)


def locate_citizen(lat: float, lon: float):
    """The region a citizen's pin lies in: the nearest community (or street, or district)
    centre. Regions have no boundaries (org/places.py), so the nearest centre is the best
    guess; the office corrects it at triage if needed."""
    best = None
    order = {RegionLevel.COMMUNITY: 0, RegionLevel.STREET: 1, RegionLevel.DISTRICT: 2}
    for region in REGIONS.all():
        rank = order.get(region.level)
        if rank is None or region.center_lat is None or not getattr(region, "is_active", True):
            continue
        distance = haversine_m(lat, lon, region.center_lat, region.center_lon)
        key = (rank, distance)
        if best is None or key < best[0]:
            best = (key, region)
    return best[1] if best else None


def _number(value, what) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("%(what)s must be a number.") % {"what": what}, code="bad_coordinates"
        ) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidInput(_("%(what)s must be a number.") % {"what": what}, code="bad_coordinates")
    return number


def _check_place(lat, lon):
    lat, lon = _number(lat, _("The latitude")), _number(lon, _("The longitude"))
    if lat is None or lon is None:
        raise InvalidInput(
            _("Say where the problem is: drop the pin on the map or use your position."),
            code="location_required",
        )
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not in_city(lat, lon):
        raise InvalidInput(outside_city_message(), code="outside_city")
    region = locate_citizen(lat, lon)
    if region is None:
        raise InvalidInput(outside_city_message(), code="outside_city")
    return lat, lon, region


def _check_category(category):
    if category is None or category == "":
        raise InvalidInput(_("Choose a category."), code="category_required")
    pk = getattr(category, "pk", category)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise InvalidInput(_("Choose a category from the list."), code="category_unknown") from None
    found = selectors.public_category(pk)
    if found is None:
        raise InvalidInput(_("Choose a category from the list."), code="category_unknown")
    return found


def _check_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if phone and not _PHONE_RE.match(phone):
        raise InvalidInput(
            _("The phone number should be digits only, e.g. 13800000000."), code="bad_phone"
        )
    return phone


def description_too_long_message(length: int) -> str:
    """The refusal of an over-long description, with both numbers as the language writes them."""
    return _("The description may be at most %(limit)s characters; it has %(count)s.") % {
        "limit": number_format(DESCRIPTION_LIMIT, force_grouping=True),
        "count": number_format(length, force_grouping=True),
    }


def _check_description(description) -> str:
    description = (description or "").strip()
    if not description:
        raise InvalidInput(_("Describe the problem."), code="description_required")
    if len(description) > DESCRIPTION_LIMIT:
        raise InvalidInput(
            description_too_long_message(len(description)), code="description_too_long"
        )
    return description


def _check_photos(photos) -> list:
    photos = list(photos or ())
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(
            _("Too many photos: at most %(limit)d.") % {"limit": MAX_PHOTOS}, code="too_many_photos"
        )
    return photos


def _check_name(reporter_name) -> None:
    if len((reporter_name or "").strip()) > 100:
        raise InvalidInput(
            pgettext("person", "The name is too long (100 characters at most)."), code="too_long"
        )


def citizen_report_problems(
    *,
    category,
    description: str,
    lat=None,
    lon=None,
    photos=(),
    reporter_name: str = "",
    reporter_phone: str = "",
) -> list[InvalidInput]:
    """Every reason the fields of a report would be refused, not only the first: a form
    shows them all at once (`citizen_report_create` refuses at the first, in this order)."""
    checks = (
        lambda: _check_category(category),
        lambda: _check_place(lat, lon),
        lambda: _check_description(description),
        lambda: _check_photos(photos),
        lambda: _check_phone(reporter_phone),
        lambda: _check_name(reporter_name),
    )
    problems = []
    for check in checks:
        try:
            check()
        except InvalidInput as exc:
            problems.append(exc)
    return problems


def _title(category, description: str) -> str:
    words = " ".join(description.split())
    if len(words) > TITLE_WORDS:
        words = words[:TITLE_WORDS].rstrip() + "…"
    return f"{category.name}：{words}" if words else category.name


def new_tracking_code() -> str:
    alphabet = selectors.TRACKING_ALPHABET
    return "".join(secrets.choice(alphabet) for _ in range(selectors.TRACKING_LENGTH))


def citizen_report_create(
    *,
    category,
    description: str,
    lat=None,
    lon=None,
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    is_anonymous: bool = False,
    photos=(),
    client_ip: str = "",
    channel: str = Channel.PORTAL,
    title: str = "",
    honeypot: str = "",
    is_demo: bool = False,
) -> CitizenReport:
    """Record a citizen's report: a `new` ledger problem and its tracking code, or nothing.

    `photos` are images already validated by `wenming.core.uploads.validate_image`.
    """
    if honeypot:
        raise _refused_honeypot()
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), code="bad_channel")
    category = _check_category(category)
    lat, lon, region = _check_place(lat, lon)
    description = _check_description(description)
    photos = _check_photos(photos)
    reporter_phone = _check_phone(reporter_phone)
    _check_name(reporter_name)
    title = (title or "").strip()[:200] or _title(category, description)
    rate_limit_check(client_ip=client_ip, phone=reporter_phone)
    now = timezone.now()
    # The photos are stored before the transaction, as problem_create does with its own (the
    # store may be remote; SQLite's write lock is taken at BEGIN and every other report waits
    # while it is held); files the transaction does not record are deleted afterwards.
    stored = evidence.photos_store(photos, folder=evidence.report_photo_folder())
    with evidence.photos_kept_if_recorded(stored), transaction.atomic():
        problem = problem_create(
            actor=None,
            title=title,
            category=category,
            source=Source.CITIZEN,
            region=region,
            description=description,
            lat=lat,
            lon=lon,
            address=address,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            is_anonymous=is_anonymous,
        )
        for validated, files in zip(photos, stored, strict=True):
            evidence.photo_store_before(
                problem=problem, actor=None, validated=validated, stored=files
            )
        if is_demo:
            type(problem).objects.filter(pk=problem.pk).update(is_demo=True)
        for _attempt in range(5):
            report = CitizenReport(
                problem=problem,
                tracking_code=new_tracking_code(),
                channel=channel,
                created_at=now,
                is_demo=is_demo,
            )
            try:
                with transaction.atomic():
                    report.save(force_insert=True)
                break
            except IntegrityError:  # a clash of 31^12 codes: draw again
                continue
        else:  # pragma: no cover - five clashes in a row
            raise Conflict(_("Please try again."))
        audit_record(
            action="public.report",
            target=report,
            data={"problem": problem.code, "channel": channel},
            ip=client_ip,
        )
    return report


def citizen_report_rate(
    *, tracking_code: str, rating: str, reason: str = "", client_ip: str = ""
) -> CitizenReport:
    """The citizen rates the closed problem they follow; "not satisfied" (with a reason) asks
    the office to review it, once per report."""
    if rating not in Rating.values:
        raise InvalidInput(_("Choose satisfied or not satisfied."), code="bad_rating")
    reason = (reason or "").strip()
    if len(reason) > REASON_LIMIT:
        raise InvalidInput(
            _("The reason is too long (%(limit)d characters at most).") % {"limit": REASON_LIMIT},
            code="reason_too_long",
        )
    if rating == Rating.NOT_SATISFIED and not reason:
        raise InvalidInput(_("Say why you are not satisfied."), code="reason_required")
    with transaction.atomic():
        code = selectors.normalise_tracking_code(tracking_code)
        report = (
            CitizenReport.objects.select_for_update().filter(tracking_code=code).first()
            if len(code) == selectors.TRACKING_LENGTH
            else None
        )
        if report is None:
            raise NotFound(_("No report has this tracking code."), code="unknown_code")
        surviving = selectors.surviving_problem(report.problem)
        if not selectors.may_rate(report, surviving):
            if surviving.status != Status.CLOSED:
                raise Conflict(
                    _("The problem is not closed yet; you can rate it once it is."),
                    code="not_closed",
                )
            raise Conflict(_("You have already rated this result."), code="already_rated")
        now = timezone.now()
        report.rating = rating
        report.rating_reason = reason
        report.rated_at = now
        fields = ["rating", "rating_reason", "rated_at"]
        review_requested = rating == Rating.NOT_SATISFIED and not report.review
        if review_requested:
            report.review = Review.PENDING
            report.review_requested_at = now
            fields += ["review", "review_requested_at"]
        report.save(update_fields=fields)
        audit_record(
            action="public.rate",
            target=report,
            data={"problem": surviving.code, "rating": rating, "review": review_requested},
            ip=client_ip,
        )
    return report
