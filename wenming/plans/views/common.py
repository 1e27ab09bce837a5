"""What the plans pages share: domain errors as pages, dates from forms, the scoped look-ups."""

from datetime import date

from django.http import Http404
from django.utils.translation import gettext as _

from wenming.core.errors import DomainError, InvalidInput


def form_date(value: str | None, *, required: bool = True) -> date | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise InvalidInput(_("A date is required."), code="date_required")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("Dates are written YYYY-MM-DD."), code="bad_date") from None


def form_int(value, *, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("%(field)s must be a number.") % {"field": field}) from None


def or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except DomainError:
        raise Http404 from None
