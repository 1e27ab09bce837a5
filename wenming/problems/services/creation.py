"""Reporting a problem: validation, its code, recurrence links and automatic dispatch."""

from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wenming.core.errors import InvalidInput, NotAllowed
from wenming.core.roles import is_office
from wenming.org.models import RegionLevel
from wenming.org.places import in_city
from wenming.org.roles import Role

from .. import search
from ..models import (
    Category,
    EventKind,
    Problem,
    ProblemCounter,
    Severity,
    Source,
    Status,
    status_flags,
)
from ..routing import locate, note_site_text, route_for
from ._common import (
    actor_name,
    bounded_text,
    check_co_units,
    inserted_here,
    ledger_config,
    record_event,
    refuse_co_units_unless,
)

# TextChoices.values builds a new list on every access.
SOURCES = frozenset(Source.values)
SEVERITIES = frozenset(Severity.values)

# Which sources each reporter may give a report: the one table the service enforces and the
# report form offers. An inspection report dispatches itself, so only inspectors (and the
# office) may file one; an officer's own find is "self-found"; citizens report through the
# public portal (actor None).
REPORT_SOURCES: dict[str | None, frozenset[str]] = {
    None: frozenset({Source.CITIZEN}),
    Role.OFFICE_ADMIN: SOURCES,
    Role.INSPECTOR: frozenset({Source.INSPECTION}),
    Role.EVALUATOR: frozenset({Source.INSPECTION}),
    Role.REGION_OFFICER: frozenset({Source.SELF_FOUND}),
    Role.UNIT_OFFICER: frozenset({Source.SELF_FOUND}),
}

# Who may report through the ledger.
REPORTERS = frozenset(role for role in REPORT_SOURCES if role is not None)


def report_sources(actor) -> frozenset[str]:
    """The sources `actor` may give a report (none when their role may not report)."""
    if actor is None:
        return REPORT_SOURCES[None]
    return REPORT_SOURCES.get(getattr(actor, "role", ""), frozenset())


def code_allocate(*, year: int) -> tuple[str, int]:
    """The next code of `year` (`WM2026-000123`), race-free: the year's counter row is locked."""
    with connection.cursor() as cursor:
        # One statement increments and reads; the row stays locked until the report commits.
        cursor.execute(
            "UPDATE problems_problemcounter SET last = last + 1 WHERE year = %s RETURNING last",
            [year],
        )
        row = cursor.fetchone()
    if row is None:
        # First problem of the year. Two requests may both try to create the row: one insert
        # wins, the other's savepoint rolls back and it increments the winner's row instead.
        try:
            with transaction.atomic():
                ProblemCounter.objects.create(year=year, last=1)
        except IntegrityError:
            ProblemCounter.objects.filter(year=year).update(last=F("last") + 1)
        row = ProblemCounter.objects.filter(year=year).values_list("last").get()
    serial = row[0]
    return f"WM{year}-{serial:06d}", serial


def _check_reporter(actor, source: str) -> None:
    if actor is None:
        if source != Source.CITIZEN:
            raise NotAllowed(_("Only citizen reports may come without a signed-in reporter."))
        return
    allowed = report_sources(actor)
    if not allowed:
        raise NotAllowed(_("Your role may not report problems."), code="forbidden")
    if source not in allowed:
        raise NotAllowed(
            _("Your role may report problems only with the source: %(sources)s.")
            % {"sources": ", ".join(str(Source(s).label) for s in sorted(allowed))},
            code="source_not_allowed",
        )


def _check_text(title: str, address: str, description: str) -> tuple[str, str, str]:
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("A problem needs a title."), code="title_required")
    if len(title) > 200:
        raise InvalidInput(_("The title is too long (200 characters at most)."))
    address = (address or "").strip()
    if len(address) > 300:
        raise InvalidInput(_("The address is too long (300 characters at most)."))
    description = (description or "").strip()
    if len(description) > 5000:
        raise InvalidInput(_("The description is too long (5,000 characters at most)."))
    return title, address, description


def outside_city_message() -> str:
    """The refusal of a place outside the city's extent (org/places.py), for form and service."""
    return _("The coordinates are outside the city: place the pin where the problem is.")


def _check_place(actor, region, point, lat, lon):
    if region is None and point is not None:
        region = point.region
    if region is None:
        raise InvalidInput(
            _("Say where the problem is: a region or an assessment point."), code="region_required"
        )
    if region.level == RegionLevel.CITY:
        raise InvalidInput(
            _("Choose a district, street or community, not the whole city."),
            code="region_too_coarse",
        )
    if getattr(actor, "role", "") == Role.REGION_OFFICER and not actor.region.contains(region):
        raise InvalidInput(
            _("You can only report problems inside your own region."), code="region_outside_scope"
        )
    if (lat is None) != (lon is None):
        raise InvalidInput(_("Give both latitude and longitude, or neither."))
    if lat is None and point is not None:
        lat, lon = point.lat, point.lon
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput(_("The coordinates are out of range."), code="bad_coordinates")
    if lat is not None and not in_city(lat, lon):
        raise InvalidInput(outside_city_message(), code="outside_city")
    return region, lat, lon


def _check_point(region, point, checklist_item, inspected_as) -> None:
    """A point and a checklist item must agree with each other and with the region: the API
    took a school's item on a back street, and a point in another district than the region."""
    if point is None:
        return
    if not region.contains(point.region):
        raise InvalidInput(
            _("Point %(point)s does not lie in %(region)s.")
            % {"point": point.code, "region": region.name},
            code="point_outside_region",
        )
    point_type_id = inspected_as.pk if inspected_as is not None else point.point_type_id
    if checklist_item is not None and checklist_item.point_type_id != point_type_id:
        raise InvalidInput(
            _("Checklist item %(item)s is not on the checklist of point %(point)s.")
            % {"item": checklist_item.code, "point": point.code},
            code="item_not_on_point",
        )


def _recurrence_of(*, point, checklist_item, category, now):
    """The problem this one recurs: same point, same item (or category), closed recently."""
    if point is None:
        return None
    window = ledger_config().recurrence_days
    earlier = Problem.objects.filter(
        point=point, status=Status.CLOSED, closed_at__gte=now - timedelta(days=window)
    )
    if checklist_item is not None:
        earlier = earlier.filter(checklist_item=checklist_item)
    else:
        earlier = earlier.filter(category=category)
    return earlier.order_by("-closed_at").first()


def _resolve_category(category, checklist_item) -> Category:
    if category is None and checklist_item is not None and checklist_item.default_category_code:
        category = Category.objects.filter(code=checklist_item.default_category_code).first()
    if category is None:
        raise InvalidInput(_("Choose a problem category."), code="category_required")
    if not category.is_active:
        raise InvalidInput(_("This category is no longer in use."), code="category_inactive")
    return category


def problem_create(
    *,
    actor,
    title: str,
    category=None,
    source: str,
    region=None,
    point=None,
    checklist_item=None,
    standard=None,
    description: str = "",
    lat: float | None = None,
    lon: float | None = None,
    address: str = "",
    severity: str = Severity.NORMAL,
    reporter_name: str = "",
    reporter_phone: str = "",
    is_anonymous: bool = False,
    hotline_ticket: str = "",
    co_units=(),
    photos=(),
    auto_dispatch: bool = True,
    inspected_as=None,
) -> Problem:
    """Report a problem; inspection problems with one clear route are dispatched at once.

    `photos` are already validated images (`wenming.core.uploads.validate_image`), stored as
    before-photos. `inspected_as`: the point type a visit inspected the point as (its round's
    copy), when it may differ from the point's type today.
    """
    if source not in SOURCES:
        raise InvalidInput(_("Unknown source."), code="bad_source")
    if severity not in SEVERITIES:
        raise InvalidInput(_("Unknown severity."), code="bad_severity")
    _check_reporter(actor, source)
    title, address, description = _check_text(title, address, description)
    category = _resolve_category(category, checklist_item)
    region, lat, lon = _check_place(actor, region, point, lat, lon)
    if standard is None and checklist_item is not None:
        standard = checklist_item.standard
    reporter_name = bounded_text(reporter_name, limit=100, what=_("The reporter's name"))
    reporter_phone = bounded_text(reporter_phone, limit=30, what=_("The reporter's phone number"))
    hotline_ticket = bounded_text(hotline_ticket, limit=40, what=_("The 12345 ticket number"))
    co_units = check_co_units(co_units) or ()
    refuse_co_units_unless(actor is None or is_office(actor), co_units, actor=actor)
    _check_point(region, point, checklist_item, inspected_as)
    district, street = locate(region)
    now = timezone.now()
    # Everything that needs no lock is prepared before the transaction: SQLite has one writer
    # at a time, and the time spent inside is the time every other report waits.
    text = search.search_text_for(title=title, address=address)
    problem = Problem(
        title=title,
        description=description,
        category=category,
        source=source,
        severity=severity,
        region=region,
        district=district,
        street=street,
        point=point,
        checklist_item=checklist_item,
        standard=standard,
        lat=lat,
        lon=lon,
        address=address,
        reporter_name="" if is_anonymous else reporter_name,
        reporter_phone="" if is_anonymous else reporter_phone,
        is_anonymous=is_anonymous,
        hotline_ticket=hotline_ticket or None,  # NULL keeps the report out of its index
        reported_by=actor if actor_name(actor) else None,
        created_at=now,
        updated_at=now,
        search_text=text,
        **status_flags(Status.NEW),
    )
    from . import evidence

    # Photos are stored before the transaction (the store may be remote); the files of a
    # report that is not written are deleted when the block ends.
    stored = evidence.photos_store(photos, folder=evidence.report_photo_folder())
    with evidence.photos_kept_if_recorded(stored), transaction.atomic():
        problem.code, problem.code_serial = code_allocate(year=timezone.localdate().year)
        problem.code_year = int(problem.code[2:6])
        problem.recurrence_of = _recurrence_of(
            point=point, checklist_item=checklist_item, category=category, now=now
        )
        problem.save(force_insert=True)
        if co_units:
            problem.co_units.set(co_units)
        search.fts_index_backlog(newest_id=problem.pk)
        record_event(
            problem=problem,
            action=EventKind.CREATE,
            actor=actor,
            to_status=Status.NEW,
            at=now,
            data={
                "source": source,
                "category": category.code,
                "recurrence_of": problem.recurrence_of.code if problem.recurrence_of_id else None,
            },
        )
        for validated, files in zip(photos, stored, strict=True):
            evidence.photo_store_before(
                problem=problem, actor=actor, validated=validated, stored=files
            )
        if auto_dispatch and source == Source.INSPECTION and ledger_config().auto_dispatch:
            problem = _auto_dispatch(problem, located=(district, street))
    return problem


def _auto_dispatch(problem: Problem, *, located) -> Problem:
    """Register and dispatch at once when routing finds exactly one target (system actor)."""
    route = route_for(
        category=problem.category, region=problem.region, point=problem.point, located=located
    )
    if route.chosen is None:
        return problem
    from .transitions import problem_dispatch

    with inserted_here(problem):  # called inside problem_create's transaction
        dispatched = problem_dispatch(
            problem=problem,
            actor=None,
            unit=route.chosen.unit,
            region=route.chosen.region,
            note=note_site_text(route.system_note),
            system_note=route.system_note,
        )
    if dispatched is not problem:  # re-read under the lock: carry the report's event over
        dispatched.events_written = problem.events_written + getattr(
            dispatched, "events_written", []
        )
    return dispatched
