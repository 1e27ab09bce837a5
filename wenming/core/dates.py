"""The days Wenming takes from people: a campaign's calendar, not the whole of Python's.

Python's dates run from year 1 to 9999, and a day at either end overflows as soon as it becomes
the start of a day in China's time zone or moves by a day (a filter's "to" day runs up to the
next midnight): `created_to=9999-12-31` answered 500. A National Civilized City campaign's days
all lie in this century, so a day outside `EARLIEST`–`LATEST` is a typing slip, said as such.
"""

from datetime import date

from django.utils.translation import gettext as _

from .errors import InvalidInput

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


def day_in_range(day: date, *, field: str) -> date:
    """`day` itself, or 400 naming `field` when it lies outside the campaign calendar."""
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(
            _("%(field)s must fall between %(earliest)s and %(latest)s.")
            % {"field": field, "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
            code="date_out_of_range",
        )
    return day


def period_in_order(start: date | None, end: date | None, *, field: str) -> None:
    """400 when a period ends before it starts."""
    if start is not None and end is not None and end < start:
        raise InvalidInput(
            _("%(field)s: the end comes before the start.") % {"field": field},
            code="bad_period",
        )
