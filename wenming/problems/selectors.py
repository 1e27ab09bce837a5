"""Every read of the ledger a user sees; each starts from `scope_queryset`.

The ledger list is built for a million rows: every filter maps to a column with a composite
index ending in the sort key, "open" is `is_open` (never `exclude(status=…)`), overdue and
due-soon read `(is_pending, deadline)`, a code prefix is an integer range, text goes through
the full-text index, and pages are keyset (cursor) pages so page 500 costs what page 1 costs.
"""

import base64
import json
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wenming.core.errors import InvalidInput, NotFound
from wenming.core.refcache import batch
from wenming.core.scope import scope_queryset, scope_sql
from wenming.org.models import Region, RegionLevel
from wenming.org.roles import Role, is_office
from wenming.org.selectors import REGIONS, UNITS

from . import search
from .deadlines import due_soon_q, local_today, overdue_q
from .filters import SORTS, LedgerFilter, ledger_filter  # noqa: F401 - the page and API import them here
from .models import (
    Category,
    PhotoKind,
    Problem,
    ProblemEvent,
    ProblemPhoto,
    RoutingRule,
    Status,
)


def attach_reference_rows(problems) -> None:
    """Give each problem its category, regions and units from the reference caches (no query;
    the instances are shared and read-only). A row the cache lacks is read on its own."""
    from .reference import CATEGORIES

    with batch():  # one version check for the page, also outside a request (tasks)
        for p in problems:
            p.category = CATEGORIES.by_id(p.category_id)
            p.region = REGIONS.by_id(p.region_id)
            p.district = REGIONS.by_id(p.district_id)
            p.street = REGIONS.by_id(p.street_id)
            p.handling_region = REGIONS.by_id(p.handling_region_id)
            p.responsible_unit = UNITS.by_id(p.responsible_unit_id)


MAX_LIMIT = 100
DEFAULT_LIMIT = 20
# What a ledger row shows (the API's ProblemOut, the ledger table), read as plain rows: building
# model instances for a page cost more than its SQL (performance.md, finding 10). Includes
# every sort's columns, for the next page's cursor.
LIST_COLUMNS = (
    "id",
    "code",
    "code_year",
    "code_serial",
    "title",
    "status",
    "category_id",
    "source",
    "severity",
    "region_id",
    "district_id",
    "street_id",
    "responsible_unit_id",
    "handling_region_id",
    "deadline",
    "is_pending",
    "created_at",
    "updated_at",
    "rework_count",
    "extension_count",
    "lat",
    "lon",
    "address",
    "version",
)

SORT_LABELS = {
    "": gettext_lazy("default (newest first)"),
    "-created": gettext_lazy("newest first"),
    "created": gettext_lazy("oldest first"),
    "deadline": gettext_lazy("deadline, earliest first"),
    "-deadline": gettext_lazy("deadline, latest first"),
    "-code": gettext_lazy("code, descending"),
    "code": gettext_lazy("code, ascending"),
}


def problems_visible(*, actor) -> QuerySet:
    """The problems `actor` may read (the only entry to the ledger)."""
    qs = scope_queryset(Problem.objects.all(), actor)
    region = getattr(actor, "region", None)
    if getattr(actor, "role", "") == Role.REGION_OFFICER and region is not None:
        # Same rows as the scope (the region's subtree), said in the denormalised column, so
        # the planner takes the (district|street, created_at) index instead of sorting.
        column = _region_column(region)
        if column:
            qs = qs.filter(**{column: region.pk})
    return qs


def _region_column(region) -> str | None:
    return {
        RegionLevel.DISTRICT: "district_id",
        RegionLevel.STREET: "street_id",
        RegionLevel.COMMUNITY: "region_id",
    }.get(region.level)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _handler_is(actor) -> Q:
    """The problems `actor` answers for now."""
    if getattr(actor, "role", "") == Role.UNIT_OFFICER and actor.unit_id:
        return Q(responsible_unit_id=actor.unit_id)
    if getattr(actor, "role", "") == Role.REGION_OFFICER and actor.region_id:
        return Q(handling_region_id__in=actor.region.subtree_ids())
    return Q(pk__in=[])


def _apply_region(qs: QuerySet, region) -> QuerySet:
    column = _region_column(region)
    return qs.filter(**{column: region.pk}) if column else qs


def apply_filter(qs: QuerySet, f: LedgerFilter, *, actor, with_status: bool = True) -> QuerySet:
    """Narrow a scoped queryset by the filter (unordered)."""
    if with_status and f.statuses:
        qs = (
            qs.filter(status=f.statuses[0])
            if len(f.statuses) == 1
            else qs.filter(status__in=f.statuses)
        )
    if f.open_only:
        qs = qs.filter(is_open=True)
    if f.region is not None:
        qs = _apply_region(qs, f.region)
    if f.unit is not None:
        qs = qs.filter(responsible_unit=f.unit)
    if f.category is not None:
        qs = qs.filter(category=f.category)
    if f.source:
        qs = qs.filter(source=f.source)
    today = local_today()
    if f.overdue:
        qs = qs.filter(overdue_q(today))
    if f.due_soon:
        qs = qs.filter(due_soon_q(today))
    if f.mine:
        qs = qs.filter(_handler_is(actor))
    if f.flagged:
        qs = qs.filter(flagged_photo_count__gt=0)
    if f.returned:
        qs = qs.filter(status=Status.REGISTERED, return_count__gt=0)
    if f.extension_requested:
        qs = qs.filter(is_pending=True, extension_requested_until__isnull=False)
    if f.hold_requested:
        qs = qs.filter(is_pending=True, hold_requested_until__isnull=False)
    if f.today:
        qs = qs.filter(created_at__gte=_day_start(today))
    if f.created_from:
        qs = qs.filter(created_at__gte=_day_start(f.created_from))
    if f.created_to:
        qs = qs.filter(created_at__lt=_day_start(f.created_to + timedelta(days=1)))
    if f.code:
        qs = qs.filter(search.code_prefix_filter(f.code))
    if f.q:
        code_range = search.code_prefix_filter(f.q)
        if code_range is not None:
            qs = qs.filter(code_range)
        else:  # a serial, a ticket, a phone (the office's only) or words
            qs = search.query_filter(qs, f.q, phones=shows_private_details(actor))
    if f.sort in ("deadline", "-deadline"):
        qs = qs.filter(deadline__isnull=False)  # only dispatched problems have a deadline
    return qs


def ledger_queryset(*, actor, f: LedgerFilter) -> QuerySet:
    """The filtered ledger `actor` may see (unordered)."""
    return apply_filter(problems_visible(actor=actor), f, actor=actor)


# --- keyset pages -------------------------------------------------------------------------


def _encode(values: list) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, date | datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, sort: str) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        fields = SORTS[sort]
        if not isinstance(values, list) or len(values) != len(fields):
            raise ValueError
        return [
            _cursor_value(name, value) for (name, _desc), value in zip(fields, values, strict=True)
        ]
    except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidInput(
            _("The page cursor is not valid; start again from the first page."), code="bad_cursor"
        ) from None


def _cursor_value(name: str, value):
    if name == "created_at":
        parsed = parse_datetime(str(value))
        if parsed is None:
            raise ValueError
        return parsed
    if name == "deadline":
        parsed = parse_date(str(value))
        if parsed is None:
            raise ValueError
        return parsed
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError
    return value


def _after(fields, values) -> Q:
    """Rows after the cursor: a range bound on the first key (index-friendly) plus the tie."""
    if len(fields) == 1:
        (name, desc), value = fields[0], values[0]
        return Q(**{f"{name}__{'lt' if desc else 'gt'}": value})
    (first, first_desc), (second, second_desc) = fields
    v1, v2 = values
    op1, op2 = ("lt" if first_desc else "gt"), ("lt" if second_desc else "gt")
    bound = Q(**{f"{first}__{op1}e": v1})
    return bound & (Q(**{f"{first}__{op1}": v1}) | Q(**{f"{second}__{op2}": v2}))


@dataclass
class Page:
    items: list
    next_cursor: str | None
    sort: str


def ledger_page(
    qs: QuerySet,
    *,
    sort: str = "-created",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    related: bool = True,
    broad: bool = False,
    columns: tuple[str, ...] | None = None,
) -> Page:
    """One keyset page of `qs` in `sort` order: instances, or with `columns` dicts of those
    columns (which must include the sort's own: LIST_COLUMNS has them all).

    `broad`: `qs` is a text search whose capped count said it matches more than
    SEARCH_COUNT_CAP problems (`ledger_counted_page`). PostgreSQL cannot estimate how many rows
    contain a set of bigrams — it multiplies their frequencies as if they were independent,
    and "垃圾桶满溢" comes out at 2 rows instead of 24,000 — so it fetches and sorts every match
    from the text index (90 ms at 1M). For a broad search the page is read by walking the sort
    order's index and testing each row: with more than SEARCH_COUNT_CAP matches in the ledger
    the first page is found after a few hundred rows (3 ms instead of 90 ms at 1M).
    """
    if broad and connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor_:
            # For this transaction only: GIN is read by bitmap scans alone; without sequential
            # scans the planner walks an index in the page's order and stops at the page's end;
            # a parallel plan would spend more on starting workers (~40 ms) than on the walk.
            cursor_.execute(
                "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off;"
                " SET LOCAL max_parallel_workers_per_gather = 0"
            )
            try:
                return ledger_page(
                    qs, sort=sort, cursor=cursor, limit=limit, related=related, columns=columns
                )
            finally:
                # Inside a caller's transaction SET LOCAL would outlive this page: undo it.
                cursor_.execute(
                    "SET LOCAL enable_bitmapscan TO DEFAULT; SET LOCAL enable_seqscan TO DEFAULT;"
                    " SET LOCAL max_parallel_workers_per_gather TO DEFAULT"
                )
    fields = SORTS[sort]
    limit = max(1, min(int(limit or DEFAULT_LIMIT), MAX_LIMIT))
    if cursor:
        qs = qs.filter(_after(fields, _decode(cursor, sort)))
    order = [f"-{name}" if desc else name for name, desc in fields]
    qs = qs.order_by(*order)
    if columns:
        qs = qs.values(*columns)
    rows = list(qs[: limit + 1])
    if related and not columns:
        # From the per-process reference caches, not joins (with joins SQLite's planner may
        # drive the query from the tiny category table and sort a million rows) and not
        # prefetches (six more statements per page, each a round trip on PostgreSQL).
        attach_reference_rows(rows)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        value = last.__getitem__ if columns else lambda name: getattr(last, name)
        next_cursor = _encode([value(name) for name, _desc in fields])
    return Page(items=rows, next_cursor=next_cursor, sort=sort)


COUNT_CAP = 10_000
# A text search counts through row look-ups (the full-text index knows no other column).
SEARCH_COUNT_CAP = 1_000


def count_cap(f: LedgerFilter) -> int:
    text = f.q and search.code_prefix_filter(f.q) is None
    return SEARCH_COUNT_CAP if text else COUNT_CAP


def ledger_counted_page(
    qs: QuerySet,
    *,
    f: LedgerFilter,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    columns: tuple[str, ...] | None = None,
) -> tuple[Page, int, bool]:
    """A page of `qs` and its capped count (count, exact), counted first: the count of a text
    search decides how its page is read (`ledger_page`'s `broad`)."""
    cap = count_cap(f)
    total, exact = ledger_count(qs, cap=cap)
    broad = cap == SEARCH_COUNT_CAP and not exact
    page = ledger_page(qs, sort=f.sort, cursor=cursor, limit=limit, broad=broad, columns=columns)
    return page, total, exact


def ledger_count(qs: QuerySet, *, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, exact): counting stops after `cap` rows, so a broad filter costs what a narrow
    one does (performance.md: "an approximate count above a threshold, labelled as such")."""
    found = qs.order_by()[: cap + 1].count()
    return (found, True) if found <= cap else (cap, False)


def status_counts(*, actor, f: LedgerFilter) -> dict[str, int]:
    """Problems per status under the filter (ignoring its status part): one GROUP BY."""
    qs = apply_filter(problems_visible(actor=actor), f, actor=actor, with_status=False)
    rows = qs.order_by().values_list("status").annotate(n=Count("id"))
    counts = dict.fromkeys(Status.values, 0)
    counts.update(dict(rows))
    return counts


# --- one problem --------------------------------------------------------------------------


def problem_get(*, actor, code: str) -> Problem:
    """One problem by code, or NotFound (also when it lies outside the actor's scope)."""
    problem = (
        problems_visible(actor=actor)
        .filter(code=str(code).upper()[:16])
        .select_related(
            "category",
            "region",
            "district",
            "street",
            "responsible_unit",
            "handling_region",
            "point",
            "checklist_item",
            "standard",
            "duplicate_of",
            "recurrence_of",
            "reported_by",
        )
        .first()
    )
    if problem is None:
        raise NotFound(
            _("No problem %(code)s, or it lies outside the data you may see.")
            % {"code": str(code)[:20]},
            code="problem_not_found",
        )
    return problem


def problems_get_many(*, actor, codes) -> tuple[list[Problem], list[str]]:
    """Problems by code in the given order (one query), and the codes not found or not visible."""
    wanted = [str(code).upper()[:16] for code in codes]
    found = {
        p.code: p
        for p in problems_visible(actor=actor)
        .filter(code__in=set(wanted))
        .select_related("category", "region", "responsible_unit", "handling_region")
    }
    problems = [found[code] for code in wanted if code in found]
    unknown = [str(code) for code, key in zip(codes, wanted, strict=True) if key not in found]
    return problems, unknown


def problem_timeline(*, actor, problem) -> list[ProblemEvent]:
    """The problem's events, oldest first, with the photos each carried."""
    events = scope_queryset(ProblemEvent.objects.filter(problem=problem), actor)
    return list(
        events.select_related("actor", "unit")
        .prefetch_related("photos")
        .order_by("created_at", "id")
    )


def problem_photos(*, actor, problem) -> dict[str, list[ProblemPhoto]]:
    """Before- and after-photos of a problem, side by side."""
    photos = scope_queryset(ProblemPhoto.objects.filter(problem=problem), actor)
    result = {PhotoKind.BEFORE: [], PhotoKind.AFTER: []}
    listed = list(photos.order_by("uploaded_at", "id"))
    photo_copy_codes(actor=actor, photos=listed)
    for photo in listed:
        result[photo.kind].append(photo)
    return result


def photo_copy_codes(*, actor, photos) -> None:
    """Set `copy_of_code` on each photo: the code of the problem it is a near-copy of, only when
    `actor` may see that problem (the warning must not reveal another region's problems)."""
    copied = {p.copy_of_id for p in photos if p.copy_of_id}
    codes = {}
    if copied:
        codes = dict(
            problems_visible(actor=actor)
            .filter(photos__pk__in=copied)
            .values_list("photos__pk", "code")
        )
    for photo in photos:
        photo.copy_of_code = codes.get(photo.copy_of_id)


def photo_get(*, actor, photo_id: int) -> ProblemPhoto:
    photo = (
        scope_queryset(ProblemPhoto.objects.filter(pk=photo_id), actor)
        .select_related("problem")
        .first()
    )
    if photo is None:
        raise NotFound(code="photo_not_found")
    return photo


def region_names(codes) -> dict[str, str]:
    """Display names of the regions a timeline mentions (one query; names are not scoped)."""
    if not codes:
        return {}
    return {r.code: r.display_name for r in Region.objects.filter(code__in=list(codes)[:100])}


def shows_private_details(actor) -> bool:
    """Reporter contacts and original (GPS-bearing) photos are for the office only."""
    return is_office(actor)


@dataclass(frozen=True)
class Candidate:
    """An open problem near another one: what a dispatcher needs to judge a duplicate."""

    pk: int
    code: str
    title: str
    status: str
    lat: float
    lon: float

    def get_status_display(self) -> str:
        return str(Status(self.status).label)


def duplicate_candidates(*, actor, problem, limit: int = 10) -> list[tuple[Candidate, float]]:
    """Open problems of the same category within the office's radius, nearest first.

    Asked on every report (the 201 answer suggests them), so it reads six columns through the
    (category, lat, lon) index rather than whole rows.
    """
    from .services import ledger_config

    if problem.lat is None:
        return []
    radius = ledger_config().duplicate_radius_m
    dlat = radius / 111_320
    dlon = radius / (111_320 * max(0.01, math.cos(math.radians(problem.lat))))
    box = (problem.lat - dlat, problem.lat + dlat, problem.lon - dlon, problem.lon + dlon)
    from wenming.core.uploads import haversine_m

    found = []
    for row in _open_in_box(actor, problem, box):
        other = Candidate(*row)
        distance = haversine_m(problem.lat, problem.lon, other.lat, other.lon)
        if distance <= radius:
            found.append((other, round(distance, 1)))
    found.sort(key=lambda pair: (pair[1], pair[0].code))
    return found[:limit]


_CANDIDATE_COLUMNS = ("pk", "code", "title", "status", "lat", "lon")


def _open_in_box(actor, problem, box) -> list[tuple]:
    """Open problems of `problem`'s category inside `box`, as candidate tuples: at most 200, in
    no particular order (the caller sorts by distance; a sort here cost SQLite a temporary
    file per report, and a box of 100 m never holds 200 open problems of one category)."""
    south, north, west, east = box
    scope = scope_sql(actor, Problem, "p")
    if scope is not None:
        # Asked on every report: the query written once instead of compiled per call, with the
        # actor's scope as scope.py writes it (the ORM below when the rule needs a join).
        condition, scope_params = scope
        # Constant SQL: `condition` is scope.py's, every value is a parameter.
        sql = (
            "SELECT p.id, p.code, p.title, p.status, p.lat, p.lon FROM problems_problem p"  # noqa: S608
            " WHERE p.category_id = %s AND p.is_open AND p.lat BETWEEN %s AND %s"
            " AND p.lon BETWEEN %s AND %s AND p.id <> %s AND " + condition + " LIMIT 200"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [problem.category_id, south, north, west, east, problem.pk, *scope_params]
            )
            return cursor.fetchall()
    return list(
        problems_visible(actor=actor)
        .filter(
            category_id=problem.category_id,
            is_open=True,
            lat__gte=south,
            lat__lte=north,
            lon__gte=west,
            lon__lte=east,
        )
        .exclude(pk=problem.pk)
        .order_by()
        .values_list(*_CANDIDATE_COLUMNS)[:200]
    )


# --- reference data -----------------------------------------------------------------------


def categories_visible(*, actor, active_only: bool = False) -> QuerySet:
    qs = scope_queryset(Category.objects.all(), actor)
    return qs.filter(is_active=True) if active_only else qs


def routing_rules_visible(*, actor) -> QuerySet:
    return scope_queryset(RoutingRule.objects.select_related("category", "region", "unit"), actor)


# --- home panels --------------------------------------------------------------------------


def office_queues(*, actor) -> dict[str, int]:
    """What waits for the office: triage, verification, returns, extension and hold requests,
    flags, overdue."""
    qs = problems_visible(actor=actor)
    return {
        "new": qs.filter(status=Status.NEW).count(),
        "rectified": qs.filter(status=Status.RECTIFIED).count(),
        "returned": qs.filter(status=Status.REGISTERED, return_count__gt=0).count(),
        "extension": qs.filter(is_pending=True, extension_requested_until__isnull=False).count(),
        "hold": qs.filter(is_pending=True, hold_requested_until__isnull=False).count(),
        "flagged": qs.filter(status=Status.RECTIFIED, flagged_photo_count__gt=0).count(),
        "overdue": qs.filter(overdue_q(local_today())).count(),
    }


def overdue_by_district(*, actor) -> list[dict]:
    """Overdue problems per district, most first (one GROUP BY)."""
    rows = (
        problems_visible(actor=actor)
        .filter(overdue_q(local_today()))
        .order_by()
        .values("district__code", "district__name", "district__name_en")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return list(rows)


def handler_queues(*, actor) -> dict[str, int]:
    """What waits for a unit or region: newly dispatched, due soon, overdue, in progress."""
    qs = problems_visible(actor=actor).filter(_handler_is(actor), is_pending=True)
    today = local_today()
    return {
        "dispatched": qs.filter(status=Status.DISPATCHED).count(),
        "due_soon": qs.filter(due_soon_q(today)).count(),
        "overdue": qs.filter(overdue_q(today)).count(),
        "in_progress": qs.filter(status=Status.IN_PROGRESS).count(),
    }


def handler_next(*, actor, limit: int = 5) -> list[dict]:
    """The handler's pending problems with the nearest deadlines (journeys.md: "due soon
    first"), for the home page: code, title, deadline."""
    return list(
        problems_visible(actor=actor)
        .filter(_handler_is(actor), is_pending=True, deadline__isnull=False)
        .order_by("deadline", "id")
        .values("code", "title", "deadline")[:limit]
    )


def reported_by_me(*, actor) -> dict[str, int]:
    qs = problems_visible(actor=actor).filter(reported_by=actor)
    return {"open": qs.filter(is_open=True).count(), "all": qs.count()}
