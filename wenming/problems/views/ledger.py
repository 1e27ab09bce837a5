"""The ledger list, its Excel export and the office's bulk dispatch."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError
from wenming.org.models import RegionLevel
from wenming.org.roles import is_office
from wenming.org.selectors import region_choices, unit_choices

from .. import listing, selectors
from ..deadlines import local_today
from ..export import ledger_xlsx_response
from ..forms import (
    BulkDispatchForm,
)
from ..models import Source, Status
from ..reference import category_choices
from ..services.creation import REPORTERS
from ..services.transitions import problem_dispatch_many
from .common import is_htmx

# The folded filters (behind the phone's one "Filters" button), for its count of those in use.
_FOLDED = (
    "statuses",
    "region",
    "unit",
    "category",
    "source",
    "created_from",
    "created_to",
    "sort_given",
    "open_only",
    "overdue",
    "due_soon",
    "mine",
    "flagged",
    "today",
)


# The filter form's fields that have a message slot beside them (ledger.html).
_SLOTS = ("status", "region", "unit", "category", "source", "created_from", "created_to", "sort")


def _page_size(params) -> int:
    """The rows a page asks for (`limit`), 50 unless it names a number (ledger_page caps it)."""
    text = str(params.get("limit") or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else 50


def _ledger_context(request, params=None) -> dict:
    """The ledger page for `params` (default: the request's query string).

    A filter the user got wrong (a day that does not exist, a region outside their area)
    shows nothing: the page says what is wrong beside the field and lists no problem, rather
    than the whole ledger as if no filter had been asked.
    """
    actor = request.user
    if params is None:
        params = request.GET
    field_errors = {}
    try:
        found = selectors.ledger_filter(actor=actor, params=params)
        error = None
    except DomainError as exc:
        found = getattr(exc, "partial", None) or selectors.LedgerFilter()
        error = str(exc.message)
        field_errors = exc.details.get("fields", {})
    page, total, exact, counts = selectors.Page(items=[], next_cursor=None, sort=""), 0, True, {}
    if error is None:
        qs = selectors.ledger_queryset(actor=actor, f=found)
        try:
            page, total, exact = selectors.ledger_counted_page(
                qs,
                f=found,
                cursor=params.get("cursor"),
                limit=_page_size(params),
                columns=selectors.LIST_COLUMNS,
            )
        except DomainError as exc:
            page, total, exact = selectors.ledger_counted_page(
                qs, f=found, limit=50, columns=selectors.LIST_COLUMNS
            )
            error = str(exc.message)
        # Counting every status of a broad text search would read each match; say "more than".
        text_search = selectors.count_cap(found) == selectors.SEARCH_COUNT_CAP
        if not (text_search and not exact):
            counts = selectors.status_counts(actor=actor, f=found)
    # What the user asked for stays in the form, right or wrong, so it can be corrected there.
    raw = {name: str(params.get(name) or "")[:100] for name in ("created_from", "created_to")}
    params = found.as_params()
    chips = [
        {
            "status": status,
            "label": label,
            "count": counts.get(status),
            "url": "?" + urlencode({**params, "status": status}),
            "active": found.statuses == [status],
        }
        for status, label in Status.choices
    ]
    shaper = listing.LedgerRows(local_today())
    rows = shaper.table_rows(page.items)
    today_params = {k: v for k, v in params.items() if k not in ("created_from", "created_to")}
    return {
        "filter": found,
        "page": page,
        # Plain rows with every cell worked out once (listing.LedgerRows.table_row): the table's
        # template only prints them.
        "rows": rows,
        "cards": shaper.cards(rows),
        "error": error,
        "field_errors": field_errors,
        # Every field's message slot, refilled (or emptied) by an htmx answer.
        "error_slots": [(name, field_errors.get(name, "")) for name in _SLOTS],
        "raw": raw,
        "total": total,
        "total_exact": exact,
        "chips": chips,
        "all_url": "?" + urlencode({k: v for k, v in params.items() if k != "status"}),
        # "Reported today": the office clerk's day starts with the day's reports to triage; a
        # handler's "due today" is the "due soon" filter (today and the next working day).
        "today_url": "?"
        + urlencode(
            {k: v for k, v in today_params.items() if k != "today"}
            if found.today
            else {**today_params, "today": "1"}
        ),
        "next_url": (
            "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else None
        ),
        "export_url": reverse("problems:export") + "?" + urlencode(params),
        "statuses": Status.choices,
        "sources": Source.choices,
        "sorts": selectors.SORT_LABELS.items(),
        # From the reference copies: the form's choices cost no query.
        "categories": category_choices(actor=actor),
        "regions": region_choices(actor=actor, exclude_level=RegionLevel.COMMUNITY),
        "units": unit_choices(actor=actor, active_only=True),
        "can_dispatch": is_office(actor),
        "can_report": actor.role in REPORTERS,
        # The phone's "Filters" button says how many folded filters are in use, and a wrong
        # one unfolds them so its message is seen.
        "folded_in_use": sum(1 for name in _FOLDED if getattr(found, name, None)),
        "more_filters": bool(field_errors) or any(getattr(found, name, None) for name in _FOLDED),
    }


def _full_page_wanted(request) -> bool:
    """Whether to answer the whole page: always, except to htmx swapping the table. A Back
    into history htmx did not keep asks with HX-History-Restore-Request (and HX-Request):
    it replaces the whole body, so it gets the whole page."""
    return not is_htmx(request) or request.headers.get("HX-History-Restore-Request") == "true"


def _ledger_response(request, context, *, status=200):
    full = _full_page_wanted(request)
    if context["error"] and status == 200:
        status = 400
    context["fragment"] = not full
    template = "problems/ledger.html" if full else "problems/_table.html"
    response = render(request, template, context, status=status)
    # One URL answers a page or a fragment: a cache (the browser's, on Back) must keep them
    # apart, or Back shows a bare table.
    patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
    return response


@login_required
def ledger(request):
    """The ledger list with the clerk's filters, counts by status and cursor pages."""
    return _ledger_response(request, _ledger_context(request))


@login_required
def export(request):
    """The current filter as an .xlsx file (scoped; headers in the user's language).

    A filter that cannot be read answers 400 with the ledger page and the message beside
    its field, never a file of everything."""
    try:
        found = selectors.ledger_filter(actor=request.user, params=request.GET)
    except DomainError:
        return _ledger_response(request, _ledger_context(request), status=400)
    qs = selectors.ledger_queryset(actor=request.user, f=found)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # Streamed: the first bytes leave at once, the workbook is written while it is sent.
    return ledger_xlsx_response(
        qs, filename=f"{_('Problem ledger')}-{stamp}.xlsx", actor=request.user
    )


def _ledger_back(request) -> str:
    """The ledger address the bulk form came from (only a path of this site)."""
    back = request.POST.get("next") or ""
    if not back.startswith("/") or back.startswith("//"):
        return reverse("problems:ledger")
    return back


def _bulk_refused(request, back: str, message, *, status: int, lines=(), codes=()):
    """The ledger page the bulk form came from, again, with why nothing was dispatched."""
    query = QueryDict(urlsplit(back).query)
    context = _ledger_context(request, query)
    context.update(
        error=message,
        error_lines=list(lines)[:10],
        next_path=back,
        picked=set(codes),
        bulk_choice={k: str(request.POST.get(k) or "")[:20] for k in ("unit", "deadline")},
    )
    return _ledger_response(request, context, status=status)


def _bulk_choice_missing(codes: list, data: dict) -> str:
    """What the clerk still has to choose, in the page's words (its form offers a unit)."""
    if not codes:
        return _("Tick the problems to dispatch.")
    if data["unit"] is None and data["region"] is None:
        return _("Choose the member unit to dispatch them to.")
    if data["unit"] is not None and data["region"] is not None:
        return _("Choose one member unit or one region, not both.")
    return ""


@login_required
@require_POST
def bulk_dispatch(request):
    """Dispatch many problems to one unit or locality at once (office); all or none.

    A refusal answers 4xx with the ledger page and the reason, and dispatches nothing:
    403 for anyone but the office, 400 for a missing choice, 404 for a code outside the
    ledger, else the status the services gave (409 when a problem may not be dispatched now).
    """
    back = _ledger_back(request)
    # A box ticked twice (the phone's card and the desk's row) is one problem.
    codes = list(dict.fromkeys(c for c in request.POST.getlist("codes") if c))[:500]
    if not is_office(request.user):
        return _bulk_refused(
            request, back, _("Only the Civilization Office may do this."), status=403
        )
    form = BulkDispatchForm(request.POST)
    if not form.is_valid():
        lines = [
            f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
        ]
        return _bulk_refused(
            request, back, _("Nothing was dispatched."), status=400, lines=lines, codes=codes
        )
    data = form.cleaned_data
    missing = _bulk_choice_missing(codes, data)
    if missing:
        return _bulk_refused(request, back, missing, status=400, codes=codes)
    problems, unknown = selectors.problems_get_many(actor=request.user, codes=codes)
    if unknown:
        return _bulk_refused(
            request,
            back,
            _("Nothing was dispatched: no such problem in the ledger you may see: %(codes)s.")
            % {"codes": ", ".join(c[:20] for c in unknown[:10])},
            status=404,
            codes=codes,
        )
    try:
        done = problem_dispatch_many(
            problems=problems,
            actor=request.user,
            unit=data["unit"],
            region=data["region"],
            deadline=data["deadline"],
        )
    except DomainError as exc:
        return _bulk_refused(
            request,
            back,
            exc.message,
            status=exc.status,
            lines=exc.details.get("failed", ()),
            codes=codes,
        )
    messages.success(request, _("%(count)d problems dispatched.") % {"count": done})
    return redirect(back)
