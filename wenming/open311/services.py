"""Writes of the Open311 server: a partner app posts a service request.

A request becomes an ordinary citizen report through the portal's own service
(`public.services.citizen_report_create`), so triage, rate limits, upload rules and the audit
trail are the portal's; this module checks what GeoReport adds (the key, the service code, the
location forms, the attributes, `media_url`) and keeps it in `Open311Request`, in the same
transaction. Every refusal is a domain error with a clear message and writes nothing.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from wenming.core.errors import InvalidInput
from wenming.org.models import RegionLevel
from wenming.org.places import in_city, region_path_label
from wenming.org.selectors import REGIONS

from .keys import api_key_required, api_key_touch
from .models import Datatype, Open311Request, ServiceAttribute
from .selectors import service_for_code

ATTRIBUTE_PARAM = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
TEXT_LIMITS = {
    "email": 254,
    "first_name": 100,
    "last_name": 100,
    "phone": 30,
    "device_id": 100,
    "account_id": 100,
    "address_string": 300,
    "media_url": 500,
}


@dataclass
class Posted:
    """A partner app's request as sent (form fields, each a string)."""

    api_key: str = ""
    service_code: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""
    attributes: dict = field(default_factory=dict)

    @classmethod
    def from_form(cls, data) -> "Posted":
        """From a QueryDict: `attribute[code]` and `attribute[code][]` (several values)."""
        values = {
            name: (data.get(name) or "").strip()
            for name in cls.__dataclass_fields__
            if name != "attributes"
        }
        attributes = {}
        for name in data:
            match = ATTRIBUTE_PARAM.match(name)
            if match:
                code, many = match.group(1), match.group(2)
                given = [v.strip() for v in data.getlist(name)]
                attributes[code] = given if many else (given[-1] if given else "")
        return cls(**values, attributes=attributes)


def _number(text: str):
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _location(posted: Posted):
    """(lat, lon, region_or_None): coordinates, else the region `address_string` names."""
    if posted.lat or posted.long:
        lat, lon = _number(posted.lat), _number(posted.long)
        if lat is None or lon is None:
            raise InvalidInput(
                _("lat and long must both be given, as decimal degrees (WGS-84)."),
                code="bad_location",
            )
        lat, lon = float(lat), float(lon)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not in_city(lat, lon):
            raise InvalidInput(
                _("The location lat=%(lat)s long=%(lon)s is outside the city.")
                % {"lat": posted.lat, "lon": posted.long},
                code="outside_city",
            )
        return lat, lon, None
    if posted.address_string:
        return (*_region_centre(posted.address_string), None)
    if posted.address_id:
        raise InvalidInput(
            _("address_id is not supported here: send lat and long, or address_string."),
            code="location_required",
        )
    raise InvalidInput(
        _("A location is required: lat and long, or address_string."), code="location_required"
    )


def _regions_named(address: str) -> list:
    """Regions below the city whose code, names or path hold every word of `address`, as the
    office's region picker matches (org/places.py), without its data scope: the city's
    region names are public."""
    terms = address.casefold().split()
    found = []
    for region in REGIONS.all():
        if region.level == RegionLevel.CITY or not terms:
            continue
        text = " ".join(
            (region.code, region.name, region.name_en or "", region_path_label(region))
        ).casefold()
        if all(term in text for term in terms):
            found.append(region)
    return sorted(found, key=lambda r: r.path)


def _region_centre(address: str) -> tuple[float, float]:
    """The centre of the one region `address` names ("中山区 天津街社区"): nothing remote is
    asked, no street address is guessed. The report is placed at that region's centre."""
    found = _regions_named(address)
    if not found:
        raise InvalidInput(
            _(
                "address_string “%(address)s” names no district, street or community of the "
                "city; send lat and long, or a region's name."
            )
            % {"address": address[:100]},
            code="address_unknown",
        )
    # The one match that holds every other ("中山区" also matches its streets): the place meant.
    holding = [r for r in found if all(r.contains(other) for other in found)]
    if not holding or holding[0].center_lat is None:
        raise InvalidInput(
            _(
                "address_string “%(address)s” matches several places (%(places)s); name one "
                "of them, or send lat and long."
            )
            % {
                "address": address[:100],
                "places": "; ".join(region_path_label(r) for r in found[:5]),
            },
            code="address_ambiguous",
        )
    return holding[0].center_lat, holding[0].center_lon


def _check_lengths(posted: Posted) -> None:
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(posted, name)) > limit:
            raise InvalidInput(
                _("%(field)s is too long (%(limit)s characters at most).")
                % {"field": name, "limit": limit},
                code="too_long",
            )
    if posted.email:
        try:
            EmailValidator()(posted.email)
        except ValidationError as exc:
            raise InvalidInput(_("email is not an e-mail address."), code="bad_email") from exc
    if posted.media_url:
        try:
            URLValidator(schemes=["http", "https"])(posted.media_url)
        except ValidationError as exc:
            raise InvalidInput(
                _("media_url must be an http or https URL."), code="bad_media_url"
            ) from exc


def _attribute_value(attribute: ServiceAttribute, given):
    """The stored form of one answer, or InvalidInput naming the attribute."""

    def refuse(message):
        raise InvalidInput(
            _("attribute[%(code)s]: %(message)s") % {"code": attribute.code, "message": message},
            code="bad_attribute",
        )

    keys = {str(v["key"]) for v in attribute.values or []}
    many = given if isinstance(given, list) else [given]
    many = [v for v in many if v != ""]
    if attribute.datatype == Datatype.MULTIVALUELIST:
        unknown = [v for v in many if v not in keys]
        if unknown:
            refuse(_("%(values)s is not one of its values.") % {"values": ", ".join(unknown)})
        return many
    if len(many) > 1:
        refuse(_("give one value only."))
    value = many[0] if many else ""
    if value == "":
        return ""
    if attribute.datatype == Datatype.NUMBER and _number(value) is None:
        refuse(_("a number is expected."))
    if attribute.datatype == Datatype.DATETIME:
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            refuse(_("a date and time is expected (2026-03-05T14:30:00+08:00)."))
    if attribute.datatype == Datatype.SINGLEVALUELIST and value not in keys:
        refuse(_("%(values)s is not one of its values.") % {"values": value})
    if attribute.datatype == Datatype.STRING and len(value) > 300:
        refuse(_("too long (300 characters at most)."))
    if len(value) > 5000:
        refuse(_("too long (5,000 characters at most)."))
    return value


def _check_attributes(category, given: dict) -> dict:
    attributes = {a.code: a for a in ServiceAttribute.objects.filter(category=category)}
    unknown = sorted(set(given) - set(attributes))
    if unknown:
        raise InvalidInput(
            _("The service %(service)s has no attribute %(codes)s; its definition lists them.")
            % {"service": category.code, "codes": ", ".join(unknown)},
            code="unknown_attribute",
        )
    answers = {}
    for code, attribute in attributes.items():
        value = _attribute_value(attribute, given.get(code, ""))
        if attribute.required and value in ("", []):
            raise InvalidInput(
                _("attribute[%(code)s] is required: %(question)s")
                % {"code": code, "question": attribute.description},
                code="attribute_required",
            )
        if value not in ("", []):
            answers[code] = value
    return answers


def _check_description(posted: Posted, text: str) -> None:
    """`description` is required (the portal's rule, although GeoReport makes it optional:
    answers alone do not tell the office what is wrong), and `text`, the description with
    the answers appended (`_description`), must fit the portal's limit; a refusal says how
    much of it the answers take, which a partner app cannot see from what it sent."""
    from wenming.public.services.reports import DESCRIPTION_LIMIT, description_too_long_message

    if not posted.description:
        raise InvalidInput(
            _("description is required: say what the problem is, in the citizen's words."),
            code="description_required",
        )
    length = len(text.strip())  # as the portal counts it
    if length <= DESCRIPTION_LIMIT:
        return
    answers = length - len(posted.description)
    if not answers:
        raise InvalidInput(description_too_long_message(length), code="description_too_long")
    raise InvalidInput(
        _(
            "description may have at most %(room)s characters with these attribute answers: "
            "they are appended to it (%(answers)s characters) and a report holds %(limit)s; "
            "description has %(count)s."
        )
        % {
            "room": number_format(DESCRIPTION_LIMIT - answers, force_grouping=True),
            "answers": number_format(answers, force_grouping=True),
            "limit": number_format(DESCRIPTION_LIMIT, force_grouping=True),
            "count": number_format(len(posted.description), force_grouping=True),
        },
        code="description_too_long",
    )


def _description(posted: Posted, category, answers: dict) -> str:
    """The citizen's text, with the attribute answers after it (the office reads one text)."""
    if not answers:
        return posted.description
    asked = {a.code: a for a in ServiceAttribute.objects.filter(category=category)}
    lines = [_answer_line(asked.get(code), code, value) for code, value in answers.items()]
    return "\n".join(filter(None, [posted.description, *lines]))


def _answer_line(attribute, code: str, value) -> str:
    """One line of the office's text, question then answer; a list answer by its values'
    names (the keys are the partner app's words: "medium", "no")."""
    if attribute is None:
        return f"{code}: {value}"
    names = {v.get("key"): v.get("name") or v.get("key") for v in attribute.values or []}
    values = value if isinstance(value, list) else [value]
    return f"{attribute.description}: {', '.join(str(names.get(v, v)) for v in values)}"


def open311_request_post(
    *, posted: Posted, client_ip: str = "", is_demo: bool = False
) -> tuple[Open311Request, dict]:
    """POST a service request: check the key (403) and the fields (400), then file a citizen
    report with the channel "open311"; returns the row and GeoReport's answer."""
    from wenming.public.services import citizen_report_create

    key = api_key_required(posted.api_key)
    if not posted.service_code:
        raise InvalidInput(_("service_code is required."), code="service_code_required")
    try:
        category = service_for_code(posted.service_code)
    except Exception as exc:  # NotFound: on a POST an unknown code is a bad field (400)
        raise InvalidInput(str(getattr(exc, "message", exc)), code="bad_service_code") from exc
    _check_lengths(posted)
    lat, lon, _region = _location(posted)
    answers = _check_attributes(category, posted.attributes)
    description = _description(posted, category, answers)
    _check_description(posted, description)
    reporter_name = " ".join(filter(None, [posted.first_name, posted.last_name]))
    with transaction.atomic():
        report = citizen_report_create(
            category=category,
            description=description,
            lat=lat,
            lon=lon,
            address=posted.address_string,
            reporter_name=reporter_name[:100],
            reporter_phone=posted.phone,
            is_anonymous=not reporter_name and not posted.phone,
            client_ip=client_ip,
            channel="open311",
            is_demo=is_demo,
        )
        row = Open311Request.objects.create(
            problem=report.problem,
            api_key=key,
            attributes=answers,
            media_url=posted.media_url,
            address_string=posted.address_string,
            email=posted.email,
            first_name=posted.first_name,
            last_name=posted.last_name,
            phone=posted.phone,
            device_id=posted.device_id,
            account_id=posted.account_id,
            is_demo=is_demo,
        )
    api_key_touch(key=key)
    answer = {
        "service_request_id": report.problem.code,
        "service_notice": _(
            "Received. The Civilization Office reviews new reports within one working day."
        ),
        "account_id": posted.account_id or None,
    }
    return row, answer


# What a partner app sent about the citizen (not the report itself): the portal's retention
# erasure blanks it with the rest of the report's personal data.
PERSONAL_FIELDS = ("email", "first_name", "last_name", "phone", "device_id", "account_id")


def open311_personal_data_erase(*, problem_id) -> list[str]:
    """Blank the contact fields of the problem's Open311 row; the names of the fields, as
    `open311.<field>`, when there is such a row (else []). Idempotent. Registered with the
    portal's retention (`public.services.retention`) by this app's ready()."""
    rows = Open311Request.objects.filter(problem_id=problem_id)
    if not rows.update(**dict.fromkeys(PERSONAL_FIELDS, "")):
        return []
    return [f"open311.{name}" for name in PERSONAL_FIELDS]
