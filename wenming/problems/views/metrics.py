"""The metrics page and its Excel download: the GB/T 30428 rates of a month, by district and unit.

Every figure comes from `problems.metrics` (grouped SQL, the same functions the API's
`/metrics/problems` and `/metrics/problems/breakdown` answer with), within the reader's scope:
a district officer sees their district's subtree, a unit officer their unit's problems.
"""

import io
from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from wenming.core.errors import InvalidInput
from wenming.core.spreadsheets import append_row
from wenming.org.roles import Role
from wenming.org.selectors import regions_visible, units_visible

from .. import metrics
from ..deadlines import local_today
from ..export import CONTENT_TYPE, sheet_name

# Who reads the rates: the office and leaders (the whole city), region and unit officers (their
# own share). Inspectors and evaluators report; the rates are not theirs to read.
READERS = frozenset({Role.OFFICE_ADMIN, Role.LEADER, Role.REGION_OFFICER, Role.UNIT_OFFICER})
# The months of the trend above the tables (the chosen month and those before it).
TREND_MONTHS = 6

# rate → (name, definition, numerator, denominator): domain.md's table, as metrics.py computes it.
RATES = {
    "closing_rate": (
        pgettext_lazy("metric", "Closing rate"),
        gettext_lazy("Closed ÷ due: problems whose deadline falls in the month that are closed."),
        "closed",
        "due",
    ),
    "on_time_closing_rate": (
        pgettext_lazy("metric", "On-time closing rate"),
        gettext_lazy("Closed by the (final) deadline ÷ due."),
        "closed_on_time",
        "due",
    ),
    "on_time_handling_rate": (
        pgettext_lazy("metric", "On-time handling rate"),
        gettext_lazy("Rectified by the deadline (and not sent back since) ÷ due."),
        "handled_on_time",
        "due",
    ),
    "rework_rate": (
        pgettext_lazy("metric", "Rework rate"),
        gettext_lazy("Due problems sent back for rework at least once ÷ due."),
        "reworked",
        "due",
    ),
    "overdue_pending_rate": (
        pgettext_lazy("metric", "Overdue-pending rate"),
        gettext_lazy("Past the deadline and still dispatched or in progress ÷ due."),
        "overdue_pending",
        "due",
    ),
    "extension_rate": (
        pgettext_lazy("metric", "Extension rate"),
        gettext_lazy("Due problems whose deadline was extended at least once ÷ due."),
        "extended",
        "due",
    ),
    "accurate_dispatch_rate": (
        pgettext_lazy("metric", "Accurate dispatch rate"),
        gettext_lazy("(Dispatches − returns) ÷ dispatches made in the month."),
        "accurate",  # dispatched − returned (ProblemMetrics has no field of it)
        "dispatched",
    ),
    "recurrence_rate": (
        pgettext_lazy("metric", "Recurrence rate"),
        gettext_lazy("Due problems recorded as the recurrence of a closed one ÷ due."),
        "recurrences",
        "due",
    ),
    "valid_report_rate": (
        pgettext_lazy("metric", "Valid report rate"),
        gettext_lazy("Reports made in the month and not rejected ÷ reports made in the month."),
        "valid_reports",
        "reports",
    ),
    "flagged_photo_rate": (
        pgettext_lazy("metric", "Flagged photo rate"),
        gettext_lazy("After-photos of the month with an integrity flag ÷ after-photos."),
        "flagged_photos",
        "after_photos",
    ),
}
DUE_NOTE = gettext_lazy(
    "Due: problems whose (final) deadline falls in the month, less those on hold (an approved "
    "deferral) and rejected reports. Counted as of now."
)
# Counts shown beside the rates in the tables and the workbook.
COUNTS = {
    "due": pgettext_lazy("metric", "Due"),
    "closed": pgettext_lazy("metric", "Closed"),
    "dispatched": pgettext_lazy("metric", "Dispatches"),
    "reports": pgettext_lazy("metric", "Reports"),
}


def nav_metrics(request):
    """The top navigation's link, for the roles that read the rates."""
    if getattr(request.user, "role", None) not in READERS:
        return None
    return {
        "label": _("Metrics"),
        "url": reverse("problems:metrics"),
        "active_prefix": "/problems/metrics",
    }


def _require_reader(request) -> None:
    if getattr(request.user, "role", None) not in READERS:
        raise PermissionDenied(_("Your role does not read the ledger's metrics."))


def _period(request) -> tuple[metrics.Period, str]:
    """The month asked for (default: last month, the last complete one) and its error, if any."""
    text = request.GET.get("period", "").strip()
    if not text:
        first = local_today().replace(day=1)
        return metrics.period_parse(f"{first - timedelta(days=1):%Y-%m}"), ""
    try:
        return metrics.period_parse(text), ""
    except InvalidInput as exc:
        return None, str(exc.message)


def _shift(period: metrics.Period, months: int) -> metrics.Period:
    """The month `months` away (not checked against period_parse's range: a trend may start
    before 2000-01, where nothing is due)."""
    index = period.first.year * 12 + period.first.month - 1 + months
    first = date(index // 12, index % 12 + 1, 1)
    following = date((index + 1) // 12, (index + 1) % 12 + 1, 1)
    return metrics.Period(first=first, last=following - timedelta(days=1))


def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _breakdown(actor, period, by: str) -> list[tuple[object, metrics.ProblemMetrics]]:
    """(district or unit, its metrics), by code; names read once for all rows (as the API does)."""
    rows = metrics.metrics_breakdown(actor=actor, period=period, by=by)
    owners = regions_visible(actor=actor) if by == "district" else units_visible(actor=actor)
    named = owners.filter(pk__in=list(rows)).in_bulk()
    found = [(named[pk], values) for pk, values in rows.items() if pk in named]
    return sorted(found, key=lambda pair: pair[0].code)


def _trend(actor, period, summary) -> list[tuple[metrics.Period, metrics.ProblemMetrics]]:
    """The due-set rates of the months before the chosen one (one query a month), then its own."""
    months = [_shift(period, -back) for back in range(TREND_MONTHS - 1, 0, -1)]
    found = metrics.metrics_by_month(actor=actor, months=months)
    return [(month, found[month.label]) for month in months] + [(period, summary)]


def metrics_data(actor, period: metrics.Period) -> dict:
    """Everything the page and the workbook show for `period`, within the actor's scope."""
    return {
        "summary": metrics.problem_metrics(actor=actor, period=period),
        "districts": _breakdown(actor, period, "district"),
        "units": _breakdown(actor, period, "unit"),
    }


def _part(values: metrics.ProblemMetrics, name: str) -> int:
    if name == "accurate":
        return max(0, values.dispatched - values.returned)
    return getattr(values, name)


def _cells(values: metrics.ProblemMetrics) -> list[str]:
    return [str(getattr(values, name)) for name in COUNTS] + [
        percent(getattr(values, rate)) for rate in RATES
    ]


def _base_context(request, error: str = "") -> dict:
    return {
        "error": error,
        "period_text": request.GET.get("period", ""),
        "count_labels": list(COUNTS.values()),
        "rate_labels": [info[0] for info in RATES.values()],
    }


def _refused(request, error: str):
    """A month that does not exist: the page again, the message beside the field, a 400."""
    return render(request, "problems/metrics.html", _base_context(request, error), status=400)


@login_required
@require_GET
def metrics_page(request):
    """The month's rates for the reader's scope, by district and by unit, with definitions."""
    _require_reader(request)
    actor = request.user
    period, error = _period(request)
    if period is None:
        return _refused(request, error)
    data = metrics_data(actor, period)
    summary = data["summary"]
    trend_rows = _trend(actor, period, summary)
    context = _base_context(request)
    context.update(
        {
            "period": period,
            "period_text": period.label,
            "previous_url": "?" + urlencode({"period": _shift(period, -1).label}),
            "next_url": "?" + urlencode({"period": _shift(period, 1).label}),
            "xlsx_url": reverse("problems:metrics_xlsx")
            + "?"
            + urlencode({"period": period.label}),
            "rates": [
                {
                    "key": key,
                    "label": label,
                    "definition": definition,
                    "value": percent(getattr(summary, key)),
                    "part": _part(summary, part),
                    "whole": getattr(summary, whole),
                }
                for key, (label, definition, part, whole) in RATES.items()
            ],
            "tables": [
                (
                    _("By district"),
                    [(owner.display_name, _cells(v)) for owner, v in data["districts"]],
                    "metrics-districts",
                ),
                (
                    _("By unit"),
                    [(owner.display_name, _cells(v)) for owner, v in data["units"]],
                    "metrics-units",
                ),
            ],
            "due_note": DUE_NOTE,
            "trend_labels": [RATES[rate][0] for rate in metrics.DUE_RATES],
            "trend": [
                (month.label, [percent(getattr(v, rate)) for rate in metrics.DUE_RATES])
                for month, v in trend_rows
            ],
            # For the chart (static/problems/metrics.js reads it with json_script).
            "chart": {
                "months": [month.label for month, _v in trend_rows],
                "series": [
                    {
                        "name": str(RATES[rate][0]),
                        "data": [
                            None if getattr(v, rate) is None else round(getattr(v, rate) * 100, 1)
                            for _m, v in trend_rows
                        ],
                    }
                    for rate in ("closing_rate", "on_time_closing_rate", "on_time_handling_rate")
                ],
            },
        }
    )
    return render(request, "problems/metrics.html", context)


@login_required
@require_GET
def metrics_xlsx(request):
    """The same month's figures as an .xlsx (Excel, WPS), headers in the reader's language."""
    _require_reader(request)
    period, error = _period(request)
    if period is None:
        return _refused(request, error)
    data = metrics_data(request.user, period)
    book = metrics_workbook(period, data)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPE)
    filename = _("ledger-metrics-%(period)s.xlsx") % {"period": period.label}
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


PERCENT = "0.0%"


def metrics_workbook(period: metrics.Period, data: dict) -> Workbook:
    """Four sheets: the scope's month, by district, by unit, and the definitions."""
    book = Workbook()
    header = [_("Name")] + [str(label) for label in COUNTS.values()]
    header += [str(info[0]) for info in RATES.values()]

    def table(sheet, rows):
        append_row(sheet, header)
        for name, values in rows:
            append_row(
                sheet,
                [name]
                + [getattr(values, count) for count in COUNTS]
                + [getattr(values, rate) for rate in RATES],
            )
        _style(sheet, rates_from=len(COUNTS) + 2)

    summary = book.active
    summary.title = sheet_name(_("Month %(period)s") % {"period": period.label})
    table(summary, [(_("All within your scope"), data["summary"])])
    table(
        book.create_sheet(sheet_name(_("By district"))),
        [(owner.display_name, values) for owner, values in data["districts"]],
    )
    table(
        book.create_sheet(sheet_name(_("By unit"))),
        [(owner.display_name, values) for owner, values in data["units"]],
    )
    definitions = book.create_sheet(sheet_name(_("Definitions")))
    append_row(definitions, [_("Metric"), _("Definition")])
    for label, definition, _part, _whole in RATES.values():
        append_row(definitions, [str(label), str(definition)])
    append_row(definitions, [])
    append_row(definitions, [str(DUE_NOTE)])
    for cell in definitions[1]:
        cell.font = Font(bold=True)
    definitions.column_dimensions["A"].width = 24
    definitions.column_dimensions["B"].width = 80
    return book


def _style(sheet, *, rates_from: int) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 26
    for index in range(2, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    for row in sheet.iter_rows(min_row=2, min_col=rates_from):
        for cell in row:
            cell.number_format = PERCENT
