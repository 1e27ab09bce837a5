"""What the Open311 server shows: the public categories as services, and the problems the
public may see as service requests.

Anyone may read these answers (GeoReport's GET methods need no key), so they show what the
public portal shows and nothing more: problems of the public categories only, their status,
the public replies, the region they lie in (never the typed address, which may be a home) and
coordinates rounded to about 100 m as on the public map; never the reporter, internal notes
or officers' names. Nor the title or description anyone typed, whatever the source: an
inspector's finding, a hotline call or a citizen's words carry house numbers and instructions
to the units, so a request's `description` is its category's public name (as the portal's map
shows a report). The one exception is a partner app reading the requests it posted itself,
with its key: it gets back the text it sent (`own_descriptions`).

`requests.json` is read by partner apps polling the last 90 days, up to 1,000 rows a call, at
a million problems (issue 13: ≤ 300 ms). It reads the columns an answer needs as tuples along
the `(created_at, id)` index, takes names from the reference rows each process keeps
(core/refcache.py), and reads the public replies and partner data of the page in one query
each.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wenming.core.errors import NotFound
from wenming.core.naming import bilingual
from wenming.core.refcache import Reference
from wenming.org.places import region_path_label
from wenming.org.selectors import REGIONS, UNITS
from wenming.problems.models import Problem, Source, Status
from wenming.problems.reference import CATEGORIES

from .models import LIST_DATATYPES, Open311Request, ServiceAttribute
from .render import w3c

MAX_REQUESTS = 1000
WINDOW = timedelta(days=90)

COLUMNS = (
    "id",
    "code",
    "category_id",
    "status",
    "source",
    "is_open",
    "lat",
    "lon",
    "region_id",
    "responsible_unit_id",
    "handling_region_id",
    "deadline",
    "created_at",
    "updated_at",
    "duplicate_of_id",
)
# What a merged report borrows from the problem it was merged into (`_survivors`).
SURVIVOR_COLUMNS = (
    "id",
    "category_id",
    "status",
    "is_open",
    "deadline",
    "updated_at",
    "duplicate_of_id",
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


def _rounding() -> int:
    """The public map's rounding (about 100 m): one rule for every public place."""
    from wenming.public.selectors import MAP_DECIMALS

    return MAP_DECIMALS


# (region id, language) → "中山区 › 青泥洼桥街道 › 天津街社区", per process; emptied with the
# other copies of the reference rows whenever a region changes (core/refcache.py).
_PATH_LABELS: Reference[dict] = Reference(dict)


class _Names:
    """Names, labels and places resolved once per answer (a 1,000-row page names a few dozen
    categories, units and regions), in the reader's language."""

    def __init__(self):
        from wenming.public.selectors import template_reply

        self.template_reply = template_reply
        self.tz = timezone.get_current_timezone()
        self.office = _("Civilization Office")
        self.labels = {code: str(label) for code, label in Status.choices}
        self.memo: dict = {}
        self.language = get_language()

    def _once(self, key, make):
        try:
            return self.memo[key]
        except KeyError:
            value = self.memo[key] = make()
            return value

    def category(self, pk) -> tuple[str, str]:
        def make():
            category = CATEGORIES.by_id(pk)
            return (category.code, category.display_name) if category else ("", "")

        return self._once(("c", pk), make)

    def address(self, pk) -> str:
        key = (pk, self.language)
        labels = _PATH_LABELS.get()
        try:
            return labels[key]
        except KeyError:
            region = REGIONS.by_id(pk)
            label = labels[key] = region_path_label(region) if region else ""
            return label

    def day(self, value) -> str | None:
        """A deadline (a day) as the W3C moment it ends."""
        return None if value is None else self._once(("d", value), lambda: w3c(value))

    def agency(self, unit_id, region_id) -> str:
        def make():
            unit = UNITS.by_id(unit_id) if unit_id else None
            if unit is not None:
                return unit.display_name
            region = REGIONS.by_id(region_id) if region_id else None
            if region is not None:
                return region.display_name
            # Not dispatched yet: the office that triages citizen reports holds it.
            return self.office

        return self._once(("a", unit_id, region_id), make)

    def note(self, category_id, status) -> str:
        return self._once(
            ("n", category_id, status),
            lambda: self.template_reply(category_id, status) or self.labels[status],
        )

    def moment(self, value) -> str | None:
        if value is None:
            return None
        return value.astimezone(self.tz).isoformat(timespec="seconds")


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


def own_descriptions(key, problem_ids) -> dict[int, str]:
    """{problem id: its description} for the problems among `problem_ids` that the partner
    app holding `key` posted: the text it sent, with the attribute answers the office reads
    after it. Nothing for a problem another app or anyone else reported."""
    rows = Open311Request.objects.filter(api_key=key, problem_id__in=problem_ids)
    return dict(rows.values_list("problem_id", "problem__description"))


def _media_urls(problem_ids) -> dict[int, str]:
    rows = Open311Request.objects.filter(problem_id__in=problem_ids).exclude(media_url="")
    return dict(rows.values_list("problem_id", "media_url"))


def _survivors(rows) -> dict[int, dict]:
    """{merged problem id: the surviving problem's row (`SURVIVOR_COLUMNS`)} for the rows
    merged into another problem, followed as the portal follows them
    (`public.selectors.surviving_problem`, at most MAX_MERGE_HOPS hops).

    One query for the page, plus one per further hop when a survivor was itself merged later
    (rare): never one per row."""
    from wenming.public.selectors import MAX_MERGE_HOPS

    target = {row["id"]: row["duplicate_of_id"] for row in rows if row["duplicate_of_id"]}
    found: dict[int, dict] = {}
    done: dict[int, dict] = {}
    for hop in range(1, MAX_MERGE_HOPS + 1):
        missing = set(target.values()) - found.keys()
        if missing:
            for row in Problem.objects.filter(pk__in=missing).values(*SURVIVOR_COLUMNS):
                found[row["id"]] = row
        further = {}
        for merged, pk in target.items():
            row = found.get(pk)
            if row is None:  # cannot happen (SET_NULL), but never fail the page for it
                continue
            if row["duplicate_of_id"] and hop < MAX_MERGE_HOPS:
                further[merged] = row["duplicate_of_id"]
            else:
                done[merged] = row
        target = further
        if not target:
            break
    return done


def request_rows(rows: list[dict], *, key=None) -> list[dict]:
    """GeoReport's `request` for each problem row (`COLUMNS`), in the rows' order; `key`,
    the partner app's that asks, if it named one.

    A report the office merged into another problem answers with the surviving problem's
    status, notes, last change and deadline, as the portal's follow page shows it."""
    survivors = _survivors(rows)
    # Public replies and partner apps' media and texts belong to citizen reports only.
    ids = [row["id"] for row in rows if row["source"] == Source.CITIZEN]
    media = _media_urls(ids) if ids else {}
    own = own_descriptions(key, ids) if key is not None and ids else {}
    ids += [survivor["id"] for survivor in survivors.values()]
    replies = _latest_replies(ids) if ids else {}
    names = _Names()
    rounded = _rounding()
    answers = []
    for row in rows:
        code, name = names.category(row["category_id"])
        lat, lon = row["lat"], row["lon"]
        state = survivors.get(row["id"], row)
        answers.append(
            {
                "service_request_id": row["code"],
                "status": "open" if state["is_open"] else "closed",
                "status_notes": replies.get(state["id"])
                or names.note(state["category_id"], state["status"]),
                "service_name": name,
                "service_code": code,
                "description": own.get(row["id"]) or name,
                "agency_responsible": names.agency(
                    row["responsible_unit_id"], row["handling_region_id"]
                ),
                "service_notice": None,
                "requested_datetime": names.moment(row["created_at"]),
                "updated_datetime": names.moment(state["updated_at"]),
                "expected_datetime": names.day(state["deadline"]),
                "address": names.address(row["region_id"]),
                "address_id": None,
                "zipcode": None,
                "lat": None if lat is None else round(lat, rounded),
                "long": None if lon is None else round(lon, rounded),
                "media_url": media.get(row["id"]),
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
    key=None,
) -> list[dict]:
    """GET requests: public problems, newest first, at most `limit`; `key` is the active key
    of the partner app that asks, if it named one (its own requests show what it posted).

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
            # A merged report answers with the status of the problem it was merged into
            # (request_rows), so the filter reads that one's.
            qs = qs.filter(
                Q(is_open=is_open, duplicate_of__isnull=True) | Q(duplicate_of__is_open=is_open)
            )
    rows = list(qs.values(*COLUMNS)[: min(limit, MAX_REQUESTS)])
    answers = request_rows(rows, key=key)
    if is_open is not None:
        # A survivor merged again later (a chain) is only known after request_rows.
        wanted = "open" if is_open else "closed"
        answers = [answer for answer in answers if answer["status"] == wanted]
    return answers


def request_by_code(code: str, *, key=None) -> dict:
    """GET a request: one public problem, or NotFound (also for a non-public category)."""
    answers = requests_list(codes=[code], key=key)
    if not answers:
        raise NotFound(
            _("No service request has the id “%(id)s”.") % {"id": code[:50]}, code="not_found"
        )
    return answers[0]
