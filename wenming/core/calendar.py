"""The working-day calendar every deadline is counted on.

A day is a working day according to, in this order:

1. the office-editable `core.Holiday` table (a holiday on a weekday, or a make-up workday on a
   weekend; it wins over everything else, so the office can correct or extend the package);
2. the `chinesecalendar` package (State Council holidays and make-up workdays) for the years
   it knows;
3. otherwise Monday–Friday — and the office is warned on its home page (`calendar_warning`),
   because deadlines in such a year ignore public holidays.

A year is *covered* when the package knows it or the office has marked its list complete
(`core.HolidayYear`, `holiday_year_mark`): days entered for a year count at once, but only the
office knows when it has entered them all, so the warning stays until it says so.

Counting convention: `working_days_between(a, b)` is the number of working days in (a, b]
(signed: negative when b < a), and `add_working_days(start, n)` is the n-th working day after
`start` (the start day itself not counted), so `working_days_between(s, add_working_days(s, n))
== n` for every n ≥ 0.

Deadlines are computed in bulk (ticks, metrics, the demo generator), so lookups are pure
memory: a snapshot of the Holiday table plus per-year tables of working days with prefix sums,
kept like the other reference rows (`core/refcache.py`): the services that change the table
drop every app server's snapshot at once.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from chinese_calendar import constants as _cn
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .audit import audit_record
from .errors import InvalidInput, NotFound
from .models import Holiday, HolidayKind, HolidayYear
from .refcache import Reference, invalidate
from .roles import require_office

# Years the package carries data for (it raises for any other year).
_PACKAGE_YEARS = frozenset(d.year for d in (*_cn.holidays, *_cn.workdays))
_PACKAGE_MIN, _PACKAGE_MAX = min(_PACKAGE_YEARS), max(_PACKAGE_YEARS)
_MAX_SPAN_DAYS = 10_000  # ~27 years of working days; anything longer is a caller's bug


@dataclass
class _Year:
    """One year's working days: `working[i]` for day-of-year i (0-based), `prefix[i]` = Σ working[:i]."""

    working: list[bool]
    prefix: list[int]
    first: date

    @property
    def total(self) -> int:
        return self.prefix[-1]


@dataclass
class _Snapshot:
    overrides: dict[date, bool]  # Holiday table: date → is a working day
    table_years: frozenset[int]
    years: dict[int, _Year] = field(default_factory=dict)


def _load() -> _Snapshot:
    rows = Holiday.objects.values_list("date", "kind")
    overrides = {day: kind == HolidayKind.WORKDAY for day, kind in rows}
    return _Snapshot(overrides=overrides, table_years=frozenset(d.year for d in overrides))


_HOLIDAYS = Reference(_load)
_current = _HOLIDAYS.get
cache_clear = invalidate  # tests that change the Holiday table by hand, or the package's years


def _package_is_working(day: date) -> bool:
    if day in _cn.workdays:
        return True
    return day.weekday() < 5 and day not in _cn.holidays


def _build_year(snap: _Snapshot, year: int) -> _Year:
    first = date(year, 1, 1)
    length = (date(year + 1, 1, 1) - first).days if year < 9999 else 365
    in_package = _PACKAGE_MIN <= year <= _PACKAGE_MAX
    working, prefix = [], [0]
    for offset in range(length):
        day = first + timedelta(days=offset)
        if day in snap.overrides:
            flag = snap.overrides[day]
        elif in_package:
            flag = _package_is_working(day)
        else:
            flag = day.weekday() < 5
        working.append(flag)
        prefix.append(prefix[-1] + flag)
    return _Year(working=working, prefix=prefix, first=first)


def _year(snap: _Snapshot, year: int) -> _Year:
    table = snap.years.get(year)
    if table is None:
        table = snap.years[year] = _build_year(snap, year)
    return table


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


def is_working_day(d: date) -> bool:
    """True when `d` is a working day (holiday table, then chinese-calendar, then Mon–Fri)."""
    d = _as_date(d)
    table = _year(_current(), d.year)
    return table.working[d.timetuple().tm_yday - 1]


def _count_through(snap: _Snapshot, d: date, base_year: int) -> int:
    """Working days from 1 January of `base_year` up to and including `d` (d.year ≥ base_year)."""
    total = 0
    for year in range(base_year, d.year):
        total += _year(snap, year).total
    return total + _year(snap, d.year).prefix[d.timetuple().tm_yday]


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]; negative when `end` is before `start`."""
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -working_days_between(end, start)
    if (end - start).days > _MAX_SPAN_DAYS * 2:
        raise InvalidInput(_("The date range is too long to count working days."))
    snap = _current()
    base = start.year
    return _count_through(snap, end, base) - _count_through(snap, start, base)


def add_working_days(start: date, days: int) -> date:
    """The deadline `days` working days after `start` (the start day itself is not counted).

    `days == 0` gives `start`; a negative number steps back to the n-th working day before it.
    """
    start = _as_date(start)
    if abs(days) > _MAX_SPAN_DAYS:
        raise InvalidInput(_("A deadline cannot be that many working days away."))
    snap = _current()
    step = timedelta(days=1 if days >= 0 else -1)
    remaining, day = abs(days), start
    while remaining:
        day += step
        table = _year(snap, day.year)
        if table.working[day.timetuple().tm_yday - 1]:
            remaining -= 1
    return day


def _complete_years(years) -> set[int]:
    return set(
        HolidayYear.objects.filter(year__in=years, complete=True).values_list("year", flat=True)
    )


def year_has_data(year: int) -> bool:
    """True when `year` is covered: chinese-calendar knows it or the office marked it complete.

    Days the office entered for a year count at once, but one entry does not make a year's
    list complete: until the office says so, the year is not covered and the warning stays.
    """
    return not years_without_data([year])


def years_without_data(years) -> list[int]:
    """The years among `years` not covered (no package data, list not marked complete)."""
    wanted = {int(y) for y in years}
    unknown = {y for y in wanted if not _PACKAGE_MIN <= y <= _PACKAGE_MAX}
    if not unknown:
        return []
    return sorted(unknown - _complete_years(unknown))


def _lookahead_days() -> int:
    return int(getattr(settings, "WENMING_CALENDAR_LOOKAHEAD_DAYS", 92))


def calendar_warning(*, today: date | None = None) -> str | None:
    """A warning for the office when this year, or next year, is not covered.

    Next year is checked only in the last `WENMING_CALENDAR_LOOKAHEAD_DAYS` (default 92) of
    the current one: the State Council publishes the arrangement in the autumn, so before then
    the office could do nothing about the warning, and deadlines rarely cross the year end.
    """
    today = today or timezone.localdate()
    years = [today.year]
    if (date(today.year + 1, 1, 1) - today).days <= _lookahead_days():
        years.append(today.year + 1)
    missing = years_without_data(years)
    if not missing:
        return None
    listed = ", ".join(str(y) for y in missing)
    return ngettext(
        "No complete public-holiday calendar for %(years)s: deadlines in that year count "
        "Monday to Friday, apart from the days entered. Enter the official holidays and "
        "make-up workdays under Administration → Holidays and make-up workdays, then mark "
        "the year's list complete.",
        "No complete public-holiday calendar for %(years)s: deadlines in those years count "
        "Monday to Friday, apart from the days entered. Enter the official holidays and "
        "make-up workdays under Administration → Holidays and make-up workdays, then mark "
        "each year's list complete.",
        len(missing),
    ) % {"years": listed}


def holiday_set(*, day: date, kind: str, name: str = "", actor=None) -> Holiday:
    """Create or change the office's entry for `day` (a holiday or a make-up workday)."""
    if kind not in HolidayKind.values:
        raise InvalidInput(_("The kind must be “holiday” or “workday”."), code="invalid_kind")
    day = _as_date(day)
    name = (name or "").strip()
    if len(name) > 100:
        raise InvalidInput(_("The name is too long (100 characters at most)."))
    with transaction.atomic():
        holiday = Holiday.objects.select_for_update().filter(date=day).first()
        before = {"kind": holiday.kind, "name": holiday.name} if holiday else None
        if holiday is None:
            holiday = Holiday.objects.create(date=day, kind=kind, name=name)
        else:
            holiday.kind, holiday.name = kind, name
            holiday.save(update_fields=["kind", "name", "updated_at"])
        audit_record(
            action="holiday.set",
            actor=actor,
            target=holiday,
            data={"date": day.isoformat(), "kind": kind, "name": name, "before": before},
        )
        invalidate()
    return holiday


def holiday_delete(*, day: date, actor=None) -> None:
    """Remove the office's entry for `day`; the package (or Mon–Fri) decides that day again."""
    day = _as_date(day)
    with transaction.atomic():
        holiday = Holiday.objects.select_for_update().filter(date=day).first()
        if holiday is None:
            raise NotFound(_("There is no holiday entry for that date."))
        data = {"date": day.isoformat(), "kind": holiday.kind, "name": holiday.name}
        audit_record(action="holiday.delete", actor=actor, target=holiday, data=data)
        holiday.delete()
        invalidate()


def holiday_year_mark(*, year: int, complete: bool, actor) -> HolidayYear:
    """The office marks `year`'s list of holidays and make-up workdays complete (or not)."""
    require_office(actor, _("Only the Civilization Office marks a year's holiday list."))
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 1990 <= year <= 2100:
        raise InvalidInput(_("The year must lie between 1990 and 2100."), code="invalid_year")
    complete = bool(complete)
    with transaction.atomic():
        mark, _created = HolidayYear.objects.select_for_update().get_or_create(year=year)
        before = mark.complete
        mark.complete = complete
        mark.marked_by, mark.marked_at = actor, timezone.now()
        mark.save(update_fields=["complete", "marked_by", "marked_at"])
        audit_record(
            action="holiday_year.mark",
            actor=actor,
            target=mark,
            data={"year": year, "complete": complete, "before": before},
        )
    return mark
