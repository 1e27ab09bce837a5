"""The ledger list, its Excel export and the office's bulk dispatch."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wenming.core.errors import DomainError
from wenming.org.roles import is_office
from wenming.org.selectors import regions_visible, units_visible

from .. import listing, selectors
from ..deadlines import local_today
from ..export import ledger_xlsx_response
from ..forms import (
    BulkDispatchForm,
)
from ..models import Source, Status
from ..services.creation import REPORTERS
from ..services.transitions import problem_dispatch_many
from .common import is_htmx


def _ledger_context(request, params=None) -> dict:
    """The ledger page for `params` (default: the request's query string)."""
    actor = request.user
    if params is None:
        params = request.GET
    try:
        found = selectors.ledger_filter(actor=actor, params=params)
        error = None
    except DomainError as exc:
        found, error = selectors.LedgerFilter(), str(exc.message)
    qs = selectors.ledger_queryset(actor=actor, f=found)
    try:
        page, total, exact = selectors.ledger_counted_page(
            qs,
            f=found,
            cursor=params.get("cursor"),
            limit=params.get("limit") or 50,
            columns=selectors.LIST_COLUMNS,
        )
    except DomainError as exc:
        page, total, exact = selectors.ledger_counted_page(
            qs, f=found, limit=50, columns=selectors.LIST_COLUMNS
        )
        error = str(exc.message)
    params = found.as_params()
    today = local_today()
    # Counting every status of a broad text search would read each match; say "more than".
    text_search = selectors.count_cap(found) == selectors.SEARCH_COUNT_CAP
    counts = {} if text_search and not exact else selectors.status_counts(actor=actor, f=found)
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
    return {
        "filter": found,
        "page": page,
        # Plain rows with every cell worked out once (listing.LedgerRows.table_row): the table's
        # template only prints them.
        "rows": listing.LedgerRows(today).table_rows(page.items),
        "error": error,
        "total": total,
        "total_exact": exact,
        "chips": chips,
        "all_url": "?" + urlencode({k: v for k, v in params.items() if k != "status"}),
        "next_url": (
            "?" + urlencode({**params, "cursor": page.next_cursor}) if page.next_cursor else None
        ),
        "export_url": reverse("problems:export") + "?" + urlencode(params),
        "statuses": Status.choices,
        "sources": Source.choices,
        "sorts": selectors.SORT_LABELS.items(),
        "categories": selectors.categories_visible(actor=actor),
        "regions": regions_visible(actor=actor).exclude(level="community"),
        "units": units_visible(actor=actor, active_only=True),
        "can_dispatch": is_office(actor),
        "can_report": actor.role in REPORTERS,
        # Unfold a phone's "more filters" when one of them is in use.
        "more_filters": any(
            getattr(found, name, None)
            for name in (
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
            )
        ),
    }


@login_required
def ledger(request):
    """The ledger list with the clerk's filters, counts by status and cursor pages."""
    context = _ledger_context(request)
    template = "problems/_table.html" if is_htmx(request) else "problems/ledger.html"
    return render(request, template, context)


@login_required
def export(request):
    """The current filter as an .xlsx file (scoped; headers in the user's language)."""
    try:
        found = selectors.ledger_filter(actor=request.user, params=request.GET)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("problems:ledger")
    qs = selectors.ledger_queryset(actor=request.user, f=found)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # Streamed: the first bytes leave at once, the workbook is written while it is sent.
    return ledger_xlsx_response(qs, filename=f"{_('Problem ledger')}-{stamp}.xlsx")


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
    return render(request, "problems/ledger.html", context, status=status)


@login_required
@require_POST
def bulk_dispatch(request):
    """Dispatch many problems to one unit or locality at once (office); all or none.

    A refusal answers 4xx with the ledger page and the reason, and dispatches nothing:
    403 for anyone but the office, 400 for a missing choice, 404 for a code outside the
    ledger, else the status the services gave (409 when a problem may not be dispatched now).
    """
    back = _ledger_back(request)
    codes = [c for c in request.POST.getlist("codes") if c][:500]
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
    if not codes or (data["unit"] is None) == (data["region"] is None):
        return _bulk_refused(
            request,
            back,
            _("Choose problems and one member unit or region."),
            status=400,
            codes=codes,
        )
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
