"""What the Open311 server shows: the public categories as services, and the problems the
public may see as service requests.

Anyone may read these answers (GeoReport's GET methods need no key), so they show what the
public portal shows and nothing more: problems of the public categories only, their status,
the public replies, the region they lie in (never the typed address, which may be a home) and
coordinates rounded to about 100 m as on the public map; never the reporter, internal notes
or officers' names.

`requests.json` is read by partner apps polling the last 90 days, up to 1,000 rows a call, at
a million problems (issue 13: ≤ 300 ms). It reads the columns an answer needs as tuples along
the `(created_at, id)` index, takes names from the reference rows each process keeps
(core/refcache.py), and reads the public replies and partner data of the page in one query
each.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.errors import NotFound
from wenming.core.naming import bilingual
from wenming.org.places import region_path_label
from wenming.org.selectors import REGIONS, UNITS
from wenming.problems.models import Problem, Status
from wenming.problems.reference import CATEGORIES

from .models import LIST_DATATYPES, Open311Request, ServiceAttribute
from .render import w3c

MAX_REQUESTS = 1000
WINDOW = timedelta(days=90)
STATUS_LABELS = dict(Status.choices)

COLUMNS = (
    "id",
    "code",
    "category_id",
    "title",
    "description",
    "status",
    "is_open",
    "lat",
    "lon",
    "region_id",
    "responsible_unit_id",
    "handling_region_id",
    "deadline",
    "created_at",
    "updated_at",
)


def public_categories() -> list:
    """The categories the public may choose, in the portal's order: GeoReport's services."""
    from wenming.public.selectors import public_categories as portal_categories

    return list(portal_categories())


def public_category_ids() -> set[int]:
    return {category.pk for category in public_categories()}


def _attribute_codes() -> set[int]:
    return set(ServiceAttribute.objects.values_list("category_id", flat=True).distinct())


def services_list() -> list[dict]:
    """GET services: one service per public category."""
    with_attributes = _attribute_codes()
    services = []
    for category in public_categories():
        hint = getattr(getattr(category, "public", None), "hint", "") or ""
        hint_en = getattr(getattr(category, "public", None), "hint_en", "") or ""
        services.append(
            {
                "service_code": category.code,
                "service_name": category.display_name,
                "description": bilingual(hint, hint_en) or category.display_name,
                "metadata": category.pk in with_attributes,
                "type": "realtime",
                "keywords": ", ".join(
                    str(label)
                    for label in (category.get_problem_class_display(), category.get_kind_display())
                ),
                "group": str(category.get_subject_display()),
            }
        )
    return services


def service_for_code(code: str):
    """The public category whose code is `code`, or NotFound."""
    for category in public_categories():
        if category.code == code:
            return category
    raise NotFound(
        _("No service has the code “%(code)s”; services.json lists them.") % {"code": code[:50]}
    )


def attributes_of(category) -> list[ServiceAttribute]:
    return list(ServiceAttribute.objects.filter(category=category).order_by("order", "id"))


def attribute_answer(attribute: ServiceAttribute) -> dict:
    values = attribute.values if attribute.datatype in LIST_DATATYPES else []
    return {
        "variable": True,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description or None,
        "order": attribute.order,
        "description": attribute.description,
        "values": [{"key": v["key"], "name": v["name"]} for v in values],
    }


def service_definition(code: str) -> dict:
    """GET a service definition: the service's attributes, in order."""
    category = service_for_code(code)
    return {
        "service_code": category.code,
        "attributes": [attribute_answer(a) for a in attributes_of(category)],
    }


def _rounded(value):
    from wenming.public.selectors import MAP_DECIMALS

    return None if value is None else round(value, MAP_DECIMALS)


def _agency(row: dict) -> str:
    unit = UNITS.by_id(row["responsible_unit_id"]) if row["responsible_unit_id"] else None
    if unit is not None:
        return unit.display_name
    region = REGIONS.by_id(row["handling_region_id"]) if row["handling_region_id"] else None
    if region is not None:
        return region.display_name
    # Not dispatched yet: the office that triages citizen reports holds it.
    return _("Civilization Office")


def _latest_replies(problem_ids) -> dict[int, str]:
    """Each problem's latest public reply, in the reader's language (one query)."""
    from wenming.public.models import PublicReply

    latest: dict[int, str] = {}
    rows = (
        PublicReply.objects.filter(report__problem_id__in=problem_ids)
        .order_by("created_at", "id")
        .values_list("report__problem_id", "text", "text_en")
    )
    for problem_id, text, text_en in rows:
        latest[problem_id] = bilingual(text, text_en)
    return latest


def _media_urls(problem_ids) -> dict[int, str]:
    rows = Open311Request.objects.filter(problem_id__in=problem_ids).exclude(media_url="")
    return dict(rows.values_list("problem_id", "media_url"))


def request_rows(rows: list[dict]) -> list[dict]:
    """GeoReport's `request` for each problem row (`COLUMNS`), in the rows' order."""
    from wenming.public.selectors import template_reply

    ids = [row["id"] for row in rows]
    replies = _latest_replies(ids) if ids else {}
    media = _media_urls(ids) if ids else {}
    answers = []
    for row in rows:
        category = CATEGORIES.by_id(row["category_id"])
        region = REGIONS.by_id(row["region_id"])
        description = row["description"] or row["title"]
        answers.append(
            {
                "service_request_id": row["code"],
                "status": "open" if row["is_open"] else "closed",
                "status_notes": replies.get(row["id"])
                or template_reply(row["category_id"], row["status"])
                or str(STATUS_LABELS[row["status"]]),
                "service_name": category.display_name if category else "",
                "service_code": category.code if category else "",
                "description": description,
                "agency_responsible": _agency(row),
                "service_notice": None,
                "requested_datetime": w3c(row["created_at"]),
                "updated_datetime": w3c(row["updated_at"]),
                "expected_datetime": w3c(row["deadline"]),
                "address": region_path_label(region) if region else "",
                "address_id": None,
                "zipcode": None,
                "lat": _rounded(row["lat"]),
                "long": _rounded(row["lon"]),
                "media_url": media.get(row["id"]) or None,
            }
        )
    return answers


def requests_list(
    *,
    codes=None,
    category_ids=None,
    start=None,
    end=None,
    is_open: bool | None = None,
    limit: int = MAX_REQUESTS,
) -> list[dict]:
    """GET requests: public problems, newest first, at most `limit`.

    `codes` (the service_request_id filter) overrides every other filter, as the
    specification says; otherwise the window is [start, end), 90 days before now by default.
    """
    public = public_category_ids()
    qs = Problem.objects.order_by("-created_at", "-id")
    if codes is not None:
        qs = qs.filter(code__in=list(codes)[:MAX_REQUESTS], category_id__in=public)
    else:
        now = timezone.now()
        end = end or now
        start = start or end - WINDOW
        wanted = public if category_ids is None else public & set(category_ids)
        qs = qs.filter(category_id__in=wanted, created_at__gte=start, created_at__lt=end)
        if is_open is not None:
            qs = qs.filter(is_open=is_open)
    rows = list(qs.values(*COLUMNS)[: min(limit, MAX_REQUESTS)])
    return request_rows(rows)


def request_by_code(code: str) -> dict:
    """GET a request: one public problem, or NotFound (also for a non-public category)."""
    answers = requests_list(codes=[code])
    if not answers:
        raise NotFound(
            _("No service request has the id “%(id)s”.") % {"id": code[:50]}, code="not_found"
        )
    return answers[0]
