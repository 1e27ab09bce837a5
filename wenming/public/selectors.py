"""Every read of the citizens' portal: what the public may see, and the office's triage lists.

Public reads (`public_categories`, `public_timeline`, `report_follow`, `public_map_points`)
take no actor: they show only what any citizen may know — statuses, times, public replies and
public photo copies, never internal notes, officers' names or a reporter's name or phone.
Office reads are scope-aware through `scope_queryset` like every other list.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language, pgettext

from wenming.core.refcache import Reference
from wenming.core.scope import scope_queryset
from wenming.problems.models import (
    Category,
    EventKind,
    PhotoKind,
    Problem,
    ProblemEvent,
    ProblemPhoto,
    Status,
)

from .models import CitizenReport, PortalSettings, PublicReply, ResponseTemplate, Review

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 12
# A merged report follows its surviving problem; a chain longer than this is a loop.
MAX_MERGE_HOPS = 5


# --- reference rows (core/refcache.py; the office's services invalidate) -------------------


def _read_settings() -> PortalSettings:
    row = PortalSettings.objects.filter(pk=1).first()
    if row is None:
        row, _created = PortalSettings.objects.get_or_create(pk=1)
    return row


_SETTINGS = Reference(_read_settings)


def portal_settings() -> PortalSettings:
    """The office's portal switches (`public_map`, `public_rankings`) and limits."""
    return _SETTINGS.get()


def _read_categories() -> list:
    return list(
        Category.objects.filter(is_active=True, public__is_public=True)
        .select_related("public")
        .order_by("public__sort_order", "sort_order", "code")
    )


_CATEGORIES = Reference(_read_categories)


def public_categories() -> list:
    """Active ledger categories the public may choose, in the office's order."""
    return list(_CATEGORIES.get())


def public_category(pk) -> Category | None:
    for category in _CATEGORIES.get():
        if category.pk == pk:
            return category
    return None


def _read_templates() -> dict:
    return {
        (row.category_id, row.status): (row.text, row.text_en)
        for row in ResponseTemplate.objects.all()
    }


_TEMPLATES = Reference(_read_templates)


def _in_language(text: str, text_en: str) -> str:
    if (get_language() or "").startswith("en") and text_en:
        return text_en
    return text


def template_reply(category_id, status: str) -> str:
    """The public reply for a status: the category's template, else the default one, else ""."""
    table = _TEMPLATES.get()
    found = table.get((category_id, status)) or table.get((None, status))
    return _in_language(*found) if found else ""


def response_templates() -> list:
    return list(
        ResponseTemplate.objects.select_related("category").order_by("category_id", "status")
    )


# --- public reads ---------------------------------------------------------------------------


def normalise_tracking_code(raw: str) -> str:
    """What a citizen typed (lower case, dashes, spaces) as the stored code."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:32]


def format_tracking_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def report_by_tracking_code(raw: str) -> CitizenReport | None:
    code = normalise_tracking_code(raw)
    if len(code) != TRACKING_LENGTH:
        return None
    return (
        CitizenReport.objects.select_related("problem", "problem__category")
        .filter(tracking_code=code)
        .first()
    )


def surviving_problem(problem: Problem) -> Problem:
    """The problem a citizen follows: a report merged into another follows that one."""
    hops = 0
    while problem.duplicate_of_id and hops < MAX_MERGE_HOPS:
        problem = Problem.objects.select_related("category").get(pk=problem.duplicate_of_id)
        hops += 1
    return problem


def photo_url(report: CitizenReport, photo_id: int, variant: str = "full") -> str:
    """A before-photo of the citizen's own report: reachable only with its tracking code."""
    from django.urls import reverse

    return reverse(
        "public:photo",
        kwargs={"code": report.tracking_code, "photo_id": photo_id, "variant": variant},
    )


def after_photo_url(photo_id: int, variant: str = "full") -> str:
    """An after-photo of a problem citizens follow (public like the rest of its timeline)."""
    from django.urls import reverse

    return reverse("public:after_photo", kwargs={"photo_id": photo_id, "variant": variant})


def public_timeline(problem: Problem, *, report: CitizenReport | None = None) -> list[dict]:
    """The public events of `problem`, oldest first: each status reached (with the template
    reply for it), the office's public replies, and after-photos (public copies only).

    Never a note, an officer's or unit's name, or the reporter's details. Each item:
    `{"kind": "status"|"reply"|"photos", "at", "status", "status_label", "text", "photos"}`.
    """
    if report is None:
        report = CitizenReport.objects.filter(problem=problem).first()
    events = (
        ProblemEvent.objects.filter(problem=problem)
        .exclude(to_status="")
        .order_by("created_at", "id")
        .values_list("id", "action", "from_status", "to_status", "created_at")
    )
    items = []
    for event_id, action, from_status, to_status, at in events:
        if action != EventKind.CREATE and from_status == to_status:
            continue  # a request answered without a change of status: internal
        items.append(
            {
                "kind": "status",
                "at": at,
                "event_id": event_id,
                "status": to_status,
                "status_label": _status_label(problem, to_status),
                "text": template_reply(problem.category_id, to_status),
                "photos": [],
            }
        )
    photos = list(
        ProblemPhoto.objects.filter(problem=problem, kind=PhotoKind.AFTER)
        .order_by("uploaded_at", "id")
        .values_list("id", "uploaded_at")
    )
    if photos:
        urls = [
            {"url": after_photo_url(pk), "thumb": after_photo_url(pk, "thumb")}
            for pk, _at in photos
        ]
        items.append(
            {
                "kind": "photos",
                "at": photos[-1][1],
                "status": "",
                "status_label": "",
                "text": "",
                "photos": urls,
            }
        )
    if report is not None:
        for reply in PublicReply.objects.filter(report=report).order_by("created_at", "id"):
            _add_reply(items, problem, reply)
    items.sort(key=lambda item: item["at"])
    return items


def _status_label(problem: Problem, status: str) -> str:
    """A status as the citizen reads it; a report merged into another is "merged", not
    "rejected" (its reporter follows the surviving problem)."""
    if status == Status.REJECTED and problem.duplicate_of_id:
        return pgettext("citizen timeline", "Merged with the same problem")
    return str(Status(status).label)


def _add_reply(items: list, problem: Problem, reply: PublicReply) -> None:
    """The office's reply in place of the template text of the status it was written with
    (one entry, not the status twice); a reply to no such status is an entry of its own."""
    text = _in_language(reply.text, reply.text_en)
    answered = next(
        (
            item
            for item in reversed(items)
            if item["kind"] == "status"
            and item["status"] == reply.status
            and item["at"] <= reply.created_at
            and not item.get("replied")
        ),
        None,
    )
    if answered is not None:
        answered["text"], answered["replied"] = text, True
        return
    items.append(
        {
            "kind": "reply",
            "at": reply.created_at,
            "status": reply.status,
            "status_label": _status_label(problem, reply.status) if reply.status else "",
            "text": text,
            "photos": [],
        }
    )


@dataclass
class Followed:
    """What the follow page shows for a tracking code."""

    report: CitizenReport
    problem: Problem  # the report's own problem
    surviving: Problem  # the one it follows (itself unless merged)
    timeline: list
    surviving_timeline: list  # empty unless merged
    may_rate: bool
    before_photos: list


def may_rate(report: CitizenReport, surviving: Problem) -> bool:
    """A citizen rates a closed problem once per closure."""
    if surviving.status != Status.CLOSED or surviving.closed_at is None:
        return False
    return report.rated_at is None or report.rated_at < surviving.closed_at


def report_follow(raw_code: str) -> Followed | None:
    """The follow page of a tracking code, or None for an unknown code."""
    report = report_by_tracking_code(raw_code)
    if report is None:
        return None
    problem = report.problem
    surviving = surviving_problem(problem)
    before = [
        {"url": photo_url(report, pk), "thumb": photo_url(report, pk, "thumb")}
        for pk in ProblemPhoto.objects.filter(problem=problem, kind=PhotoKind.BEFORE)
        .order_by("id")
        .values_list("id", flat=True)
    ]
    return Followed(
        report=report,
        problem=problem,
        surviving=surviving,
        timeline=public_timeline(problem, report=report),
        surviving_timeline=(
            public_timeline(surviving, report=None) if surviving.pk != problem.pk else []
        ),
        may_rate=may_rate(report, surviving),
        before_photos=before,
    )


def public_before_photo(report: CitizenReport, photo_id: int) -> ProblemPhoto | None:
    """A before-photo of the citizen's own report (its tracking code is the key)."""
    return ProblemPhoto.objects.filter(
        pk=photo_id, problem_id=report.problem_id, kind=PhotoKind.BEFORE
    ).first()


def public_after_photo(photo_id: int) -> ProblemPhoto | None:
    """An after-photo of a problem citizens follow: a citizen's problem, or one a citizen's
    report was merged into; None for any other photo."""
    photo = ProblemPhoto.objects.filter(pk=photo_id, kind=PhotoKind.AFTER).first()
    if photo is None:
        return None
    followed = CitizenReport.objects.filter(problem_id=photo.problem_id).exists() or (
        CitizenReport.objects.filter(problem__duplicate_of_id=photo.problem_id).exists()
    )
    return photo if followed else None


# ~100 m: 0.001° of latitude is 111 m, of longitude at 39° N 86 m.
MAP_DECIMALS = 3
MAP_DAYS = 90
MAP_LIMIT = 2000


def public_map_points(*, now=None, bbox=None, limit: int = MAP_LIMIT) -> list[dict]:
    """Recent citizen reports for the public map: category, status and a place rounded to
    about 100 m, never a title, description or name (an empty list when the map is off).

    `bbox` (a `points.selectors.BBox` in WGS-84) keeps the reports inside the box the map
    shows, so a zoomed-in map is not starved by the cap of reports elsewhere; the newest
    `limit` are returned either way."""
    if not portal_settings().public_map:
        return []
    since = (now or timezone.now()) - timezone.timedelta(days=MAP_DAYS)
    rows = CitizenReport.objects.filter(created_at__gte=since, problem__lat__isnull=False)
    if bbox is not None:
        rows = rows.filter(
            problem__lat__gte=bbox.min_lat,
            problem__lat__lte=bbox.max_lat,
            problem__lon__gte=bbox.min_lon,
            problem__lon__lte=bbox.max_lon,
        )
    rows = (
        rows.exclude(problem__status=Status.REJECTED)
        .order_by("-created_at")
        .values_list("problem__lat", "problem__lon", "problem__category_id", "problem__status")[
            :limit
        ]
    )
    from wenming.problems.reference import CATEGORIES

    points = []
    for lat, lon, category_id, status in rows:
        category = CATEGORIES.by_id(category_id)
        points.append(
            {
                "lat": round(lat, MAP_DECIMALS),
                "lon": round(lon, MAP_DECIMALS),
                "category": category.display_name if category else "",
                "status": str(Status(status).label),
            }
        )
    return points


# --- office reads (scope-aware) ---------------------------------------------------------------


def citizen_reports_visible(*, actor):
    return scope_queryset(CitizenReport.objects.all(), actor)


def triage_queue(*, actor, limit: int = 50) -> list[CitizenReport]:
    """Citizen reports still `new`, oldest first, within the actor's scope."""
    return list(
        citizen_reports_visible(actor=actor)
        .filter(problem__status=Status.NEW)
        .select_related("problem", "problem__category", "problem__region")
        .order_by("created_at", "id")[:limit]
    )


def review_queue(*, actor, limit: int = 50) -> list[CitizenReport]:
    """Closed citizen reports rated "not satisfied" that await the office's review."""
    return list(
        citizen_reports_visible(actor=actor)
        .filter(review=Review.PENDING)
        .select_related("problem", "problem__category")
        .order_by("review_requested_at", "id")[:limit]
    )


def citizen_report_get(*, actor, pk: int) -> CitizenReport | None:
    return (
        citizen_reports_visible(actor=actor)
        .select_related("problem", "problem__category", "problem__region")
        .filter(pk=pk)
        .first()
    )


def triage_count(*, actor) -> int:
    return citizen_reports_visible(actor=actor).filter(problem__status=Status.NEW).count()


def review_count(*, actor) -> int:
    return citizen_reports_visible(actor=actor).filter(review=Review.PENDING).count()


def response_template_get(pk) -> ResponseTemplate | None:
    try:
        return ResponseTemplate.objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


# --- "already reported nearby" on the report form --------------------------------------------


def nearby_open_reports(*, category, lat: float, lon: float) -> list[dict]:
    """Open problems of `category` near a pin, nearest first, as the public may see them:
    category, status, the region and a distance rounded to 100 m, and the public follow page
    when citizens follow the problem — never a title, description, code-free detail or name.

    `problems.nearby.open_problems_near` is scoped to a signed-in actor (an anonymous citizen
    sees nothing through `scope_queryset`) and returns titles, so the portal reads the same
    (category, lat, lon) index range with the same radius itself."""
    from wenming.core.uploads import haversine_m
    from wenming.org.selectors import REGIONS
    from wenming.problems.nearby import NEARBY_LIMIT, NEARBY_MIN_RADIUS_M, _box
    from wenming.problems.services import ledger_config

    if category is None or public_category(category.pk) is None:
        return []
    radius = max(ledger_config().duplicate_radius_m, NEARBY_MIN_RADIUS_M)
    south, north, west, east = _box(lat, lon, radius)
    rows = (
        Problem.objects.filter(
            category_id=category.pk,
            is_open=True,
            duplicate_of__isnull=True,
            lat__gte=south,
            lat__lte=north,
            lon__gte=west,
            lon__lte=east,
        )
        .order_by()
        .values_list("pk", "code", "status", "region_id", "lat", "lon", "created_at")[:200]
    )
    found = []
    for pk, code, status, region_id, p_lat, p_lon, created_at in rows:
        distance = haversine_m(lat, lon, p_lat, p_lon)
        if distance <= radius:
            found.append((distance, pk, code, status, region_id, created_at))
    found.sort()
    found = found[:NEARBY_LIMIT]
    followed = set(
        CitizenReport.objects.filter(problem_id__in=[row[1] for row in found]).values_list(
            "problem_id", flat=True
        )
    )
    items = []
    for distance, pk, code, status, region_id, created_at in found:
        region = REGIONS.by_id(region_id) if region_id else None
        items.append(
            {
                "category": category.display_name,
                "status": str(Status(status).label),
                "region": region.display_name if region else "",
                # Rounded like the public map: a distance of 37 m would point at a door.
                "distance_m": max(100, int(round(distance / 100.0)) * 100),
                "reported_on": timezone.localdate(created_at),
                "code": code if pk in followed else "",
            }
        )
    return items


def problem_followed_publicly(code: str) -> Problem | None:
    """A problem citizens follow (one with a citizen report, in a public category), by its
    ledger code: what the "already reported nearby" list links to."""
    problem = (
        Problem.objects.select_related("category")
        .filter(code=(code or "").strip().upper()[:20])
        .first()
    )
    if problem is None or public_category(problem.category_id) is None:
        return None
    if not CitizenReport.objects.filter(problem=problem).exists():
        return None
    return problem
