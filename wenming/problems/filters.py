"""The ledger's filters: query parameters (page, export, API) parsed into a `LedgerFilter`.

Every refusal names its parameter (`details["fields"]`), so a page shows each message beside
its own field and the API says which parameter was wrong. Nothing here reads the ledger;
`selectors.apply_filter` turns a filter into SQL.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from wenming.core.dates import day_in_range
from wenming.core.errors import InvalidInput
from wenming.core.scope import scope_allows
from wenming.org.models import Region, Unit
from wenming.org.selectors import REGIONS, UNITS

from . import search
from .models import Category, Source, Status
from .reference import CATEGORIES

# sort name → [(field, descending)]; the last field makes the order total.
SORTS = {
    "-created": [("created_at", True), ("id", True)],
    # Text search: the full-text index hands back ids, newest first, without a sort.
    "-id": [("id", True)],
    "created": [("created_at", False), ("id", False)],
    "deadline": [("deadline", False), ("id", False)],
    "-deadline": [("deadline", True), ("id", True)],
    "-code": [("code_year", True), ("code_serial", True)],
    "code": [("code_year", False), ("code_serial", False)],
}


@dataclass
class LedgerFilter:
    """The clerk's filters, parsed and resolved (codes → rows the actor may see)."""

    statuses: list[str] = field(default_factory=list)
    open_only: bool = False
    region: Region | None = None
    unit: Unit | None = None
    category: Category | None = None
    source: str = ""
    overdue: bool = False
    due_soon: bool = False
    mine: bool = False
    flagged: bool = False
    returned: bool = False
    extension_requested: bool = False
    hold_requested: bool = False
    # Reported today (local date): the clerk's morning triage, bookmarkable from day to day.
    today: bool = False
    created_from: date | None = None
    created_to: date | None = None
    q: str = ""
    code: str = ""
    sort: str = "-created"
    sort_given: bool = False

    def as_params(self) -> dict:
        """The filter as query parameters (for links: export, next page, status chips)."""
        params = {
            "status": ",".join(self.statuses),
            "open": "1" if self.open_only else "",
            "region": self.region.code if self.region else "",
            "unit": self.unit.code if self.unit else "",
            "category": self.category.code if self.category else "",
            "source": self.source,
            "overdue": "1" if self.overdue else "",
            "due_soon": "1" if self.due_soon else "",
            "mine": "1" if self.mine else "",
            "flagged": "1" if self.flagged else "",
            "returned": "1" if self.returned else "",
            "extension": "1" if self.extension_requested else "",
            "hold_request": "1" if self.hold_requested else "",
            "today": "1" if self.today else "",
            "created_from": self.created_from.isoformat() if self.created_from else "",
            "created_to": self.created_to.isoformat() if self.created_to else "",
            "q": self.q,
            "code": self.code,
            "sort": self.sort if self.sort_given else "",
        }
        return {k: v for k, v in params.items() if v}


def _flag(value) -> bool:
    return str(value or "").strip().lower() in {"1", "true", "yes", "on"}


def _date(value, label) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return day_in_range(value, field=label)
    text = str(value)
    try:
        # parse_date answers None for a malformed text and raises ValueError for a well-formed
        # day that does not exist (2026-02-30, 2026-13-45): both are the user's typing.
        parsed = parse_date(text) if len(text) == 10 else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise InvalidInput(
            _("%(field)s is not a date (YYYY-MM-DD).") % {"field": label}, code="bad_date"
        )
    return day_in_range(parsed, field=label)


def _outside(code) -> InvalidInput:
    return InvalidInput(
        _("%(code)s is outside your area.") % {"code": str(code)[:40]}, code="outside_scope"
    )


def _region(actor, code):
    """A region the actor may see; a real one outside their scope is refused as such (region
    codes are the state's administrative codes, public, so saying so leaks nothing)."""
    if not code:
        return None
    region = REGIONS.by_key(str(code)[:12])
    if region is None:
        raise InvalidInput(
            _("Unknown %(what)s: %(code)s.") % {"what": _("region"), "code": str(code)[:40]},
            code="unknown_region",
        )
    if not scope_allows(actor, region):
        raise _outside(code)
    return region


def _unit(actor, code):
    if not code:
        return None
    unit = UNITS.by_key(str(code)[:32])
    if unit is None:
        raise InvalidInput(
            _("Unknown %(what)s: %(code)s.") % {"what": _("member unit"), "code": str(code)[:40]},
            code="unknown_unit",
        )
    if not scope_allows(actor, unit):
        raise _outside(code)
    return unit


def _category(code):
    if not code:
        return None
    category = CATEGORIES.by_key(str(code)[:40])
    if category is None:
        raise InvalidInput(
            _("Unknown %(what)s: %(code)s.") % {"what": _("category"), "code": str(code)[:40]},
            code="unknown_category",
        )
    return category


def _statuses(value) -> list[str]:
    statuses = [s for s in str(value or "").split(",") if s]
    for status in statuses:
        if status not in Status.values:
            raise InvalidInput(
                _("Unknown status: %(status)s.") % {"status": status[:40]}, code="unknown_status"
            )
    return statuses


def _source(value) -> str:
    source = str(value or "")
    if source and source not in Source.values:
        raise InvalidInput(
            _("Unknown source: %(source)s.") % {"source": source[:40]}, code="unknown_source"
        )
    return source


def _sort(value, q: str, code: str) -> str:
    sort = str(value or "") or _default_sort(q, code)
    if sort not in SORTS:
        raise InvalidInput(
            _("Unknown sort: %(sort)s. Use one of %(sorts)s.")
            % {"sort": sort[:40], "sorts": ", ".join(SORTS)},
            code="unknown_sort",
        )
    return sort


def _code(value) -> str:
    code = str(value or "").strip()[:20]
    if code and search.code_prefix_filter(code) is None:
        raise InvalidInput(
            _("A code looks like WM2026-000123 (any prefix of it)."), code="bad_code"
        )
    return code


def _date_range(start: date | None, end: date | None) -> None:
    if start and end and start > end:
        raise InvalidInput(_("The date range ends before it starts."), code="bad_date_range")


def _default_sort(q: str, code: str) -> str:
    """Newest first, said the way the serving index reads it."""
    if code or (q and search.code_prefix_filter(q) is not None):
        return "-code"
    return "-id" if q else "-created"


def ledger_filter(*, actor, params) -> LedgerFilter:
    """Parse query parameters (API or page) into a LedgerFilter.

    400 on anything unknown, impossible or outside the actor's area; the error's
    `details["fields"]` maps each refused parameter to its message (all of them, not just
    the first), and its message is the first of them.
    """
    get = params.get
    errors: dict[str, str] = {}
    first: list[InvalidInput] = []

    def take(name, parse, default=None):
        try:
            return parse()
        except InvalidInput as exc:
            errors[name] = str(exc.message)
            first.append(exc)
            return default

    q = str(get("q") or "").strip()[:100]
    code = take("code", lambda: _code(get("code")), "")
    found = LedgerFilter(
        statuses=take("status", lambda: _statuses(get("status")), []),
        open_only=_flag(get("open")),
        source=take("source", lambda: _source(get("source")), ""),
        sort=take("sort", lambda: _sort(get("sort"), q, code), "-created"),
        sort_given=bool(get("sort")),
        region=take("region", lambda: _region(actor, get("region"))),
        unit=take("unit", lambda: _unit(actor, get("unit"))),
        category=take("category", lambda: _category(get("category"))),
        overdue=_flag(get("overdue")),
        due_soon=_flag(get("due_soon")),
        mine=_flag(get("mine")),
        flagged=_flag(get("flagged")),
        returned=_flag(get("returned")),
        extension_requested=_flag(get("extension")),
        hold_requested=_flag(get("hold_request")),
        today=_flag(get("today")),
        created_from=take("created_from", lambda: _date(get("created_from"), _("From"))),
        created_to=take("created_to", lambda: _date(get("created_to"), _("To"))),
        q=q,
        code=code,
    )
    take("created_to", lambda: _date_range(found.created_from, found.created_to))
    if first:
        error = InvalidInput(first[0].message, code=first[0].code, details={"fields": errors})
        error.partial = found  # what could be read, for the form that shows the messages
        raise error
    return found
