"""The monthly briefing (月度通报): a Word document and an Excel workbook of one month.

Both are made by the worker (`wenming.core.jobs`: the briefing page queues them and the job page
shows the progress) and by `wenming briefing --month YYYY-MM`. They read the same numbers as the
dashboards (`selectors.dashboard_data`, from the aggregates) plus the month's figures by district,
the published ranking (top and bottom), the escalation ladder and the exposure board.

The charts go into Word as PNG images drawn by matplotlib, with Chinese set in Noto Sans CJK: the
font comes from the `noto-cjk-sans-otc` package that `make install` installs (no font binary is
committed), registered with matplotlib by path, so a machine without any CJK system font still
draws readable Chinese. In Excel each chart is a sheet named by its title, its table under a bold
header that stays in view, weeks and months as dates.
"""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wenming.core.errors import InvalidInput, NotAllowed
from wenming.core.jobs import job_start
from wenming.core.spreadsheets import append_row
from wenming.core.wordfiles import new_document, text_width
from wenming.org.models import Region, RegionLevel
from wenming.problems.deadlines import local_today

from . import scores, selectors
from .aggregates import ALL
from .models import Exposure, ExposureStatus, Measure, RegionDay
from .scope import SEES_CITY, DashScope

DOCX = "dashboards.briefing_docx"
XLSX = "dashboards.briefing_xlsx"
KINDS = {"docx": DOCX, "xlsx": XLSX}
LIST_SIZE = 3
CHART_IDS = ("status", "weekly", "overdue", "on_time", "ranking", "category")


def may_brief(actor) -> bool:
    """The briefing is the whole city's month: the office makes it, and a leader downloads it
    for the Friday meeting (journeys.md)."""
    return getattr(actor, "role", None) in SEES_CITY


def briefing_start(*, actor, month: str, kind: str):
    """Queue the month's briefing (`kind` docx or xlsx) for the office or a leader; returns
    the Job."""
    if not may_brief(actor):
        raise NotAllowed(_("Only the Civilization Office and leaders make the monthly briefing."))
    if kind not in KINDS:
        raise InvalidInput(_("A briefing is docx or xlsx."), code="bad_briefing_kind")
    period = selectors.month_parse(month)
    title = (
        _("Briefing %(month)s (Word)") if kind == "docx" else _("Briefing %(month)s (Excel)")
    ) % {"month": period.label}
    return job_start(owner=actor, kind=KINDS[kind], params={"month": period.label}, title=title)


def district_rows(period) -> list[dict]:
    """Each district's month: reported, closed, due, on time (closing, handling), overdue now."""
    today = local_today()
    counts: dict[tuple[int, str], int] = {}
    month_rows = (
        RegionDay.objects.filter(
            street=ALL, district__gte=0, day__gte=period.first, day__lte=period.last
        )
        .exclude(measure=Measure.PENDING)
        .values_list("district", "measure")
        .annotate(t=Sum("n"))
        .order_by()
    )
    for district, measure, n in month_rows:
        counts[(district, measure)] = n or 0
    overdue = dict(
        RegionDay.objects.filter(
            street=ALL, district__gte=0, measure=Measure.PENDING, day__lt=today
        )
        .values_list("district")
        .annotate(t=Sum("n"))
        .order_by()
    )
    rows = []
    for region in Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code"):
        due = counts.get((region.pk, Measure.DUE), 0)
        rows.append(
            {
                "name": region.display_name,
                "reported": counts.get((region.pk, Measure.REPORTED), 0),
                "closed": counts.get((region.pk, Measure.CLOSED), 0),
                "due": due,
                "on_time_closing": _pct(counts.get((region.pk, Measure.CLOSED_ON_TIME), 0), due),
                "on_time_handling": _pct(counts.get((region.pk, Measure.HANDLED_ON_TIME), 0), due),
                "overdue": overdue.get(region.pk, 0) or 0,
            }
        )
    return rows


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else None


def ladder_rows(period) -> list[dict]:
    """The escalation ladder's steps of the month (from the scoring app), if any."""
    if not scores._scoring_ready():
        return []
    try:
        from wenming.scoring.models import EscalationStep
    except ImportError:
        return []
    rows = []
    steps = EscalationStep.objects.filter(month=period.first).select_related("region", "unit")
    for step in steps.order_by("tier", "subject"):
        subject = step.region or step.unit
        rows.append(
            {
                "name": subject.display_name if subject else step.subject,
                "tier": step.get_tier_display(),
                "streak": step.streak,
                "step": step.get_step_display(),
            }
        )
    return rows


def exposure_rows(period) -> list[dict]:
    start, end = period.bounds()
    rows = []
    for exposure in Exposure.objects.filter(published_at__gte=start, published_at__lt=end):
        rows.append(
            {
                "title": exposure.title,
                "published": f"{exposure.published_at:%Y-%m-%d}",
                "status": exposure.get_status_display(),
                "shown": exposure.status == ExposureStatus.PUBLISHED,
            }
        )
    return rows


def briefing_data(*, actor, month: str) -> dict:
    """Everything the two documents show."""
    period = selectors.month_parse(month)
    data = selectors.dashboard_data(
        actor=actor, scope=DashScope("city"), name="overview", period=period
    )
    snapshot = scores.latest_snapshot(period)
    ranking = (
        [r for r in scores.ranking_rows(snapshot=snapshot, tier="district") if r["rank"]]
        if snapshot is not None
        else []
    )
    return {
        "period": period,
        "dashboard": data,
        "districts": district_rows(period),
        "top": ranking[:LIST_SIZE],
        "bottom": list(reversed(ranking[-LIST_SIZE:])) if len(ranking) > LIST_SIZE else [],
        "snapshot_month": f"{snapshot.month:%Y-%m}" if snapshot is not None else "",
        "ladder": ladder_rows(period),
        "exposures": exposure_rows(period),
    }


# --- Charts as images (matplotlib, Noto Sans CJK) -------------------------------------------


def cjk_font():
    """The FontProperties of the packaged Noto Sans CJK (registered with matplotlib once)."""
    from matplotlib import font_manager
    from noto_cjk_sans_otc import FONT_PATH

    path = str(FONT_PATH)
    if path not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path)


def chart_png(chart: dict) -> bytes:
    """One dashboard chart (its table) drawn as a PNG with Chinese labels."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    font = cjk_font()
    small = font.copy()
    small.set_size(8)  # a legend ignores `fontsize` when given `prop`
    plt.rcParams["font.family"] = font.get_name()
    plt.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(6.4, 3.4), dpi=150)
    labels = [str(row[0]) for row in chart["rows"]]
    kind = chart["kind"]
    try:
        if chart["empty"]:
            ax.text(0.5, 0.5, _("No data"), ha="center", va="center", fontproperties=font)
            ax.set_axis_off()
        elif kind == "pie":
            pairs = [
                (label, row[1]) for label, row in zip(labels, chart["rows"], strict=True) if row[1]
            ]
            # Labels beside the wedges overlap where one status holds most problems (closed,
            # in a mature campaign), so the names, counts and shares go in a legend instead.
            total = sum(v for _l, v in pairs)
            wedges, _texts = ax.pie(
                [v for _l, v in pairs], startangle=90, counterclock=False, radius=1.1
            )
            ax.legend(
                wedges,
                [f"{lbl}  {v} ({100 * v / total:.1f}%)" for lbl, v in pairs],
                prop=small,
                loc="center left",
                bbox_to_anchor=(1.0, 0.5),
                frameon=False,
            )
            ax.set_aspect("equal")
        elif kind == "hbar":
            ax.barh(labels[::-1], [row[1] or 0 for row in chart["rows"]][::-1], color="#c0392b")
        elif kind in ("line", "rates"):
            for i, name in enumerate(chart["columns"][1:3]):
                ax.plot(labels, [row[i + 1] for row in chart["rows"]], marker="o", label=name)
            ax.legend(prop=small)
            ax.tick_params(axis="x", labelrotation=30)
        else:
            names = chart["columns"][1:]
            bottom = [0] * len(labels)
            for i, name in enumerate(names):
                values = [row[i + 1] or 0 for row in chart["rows"]]
                ax.bar(labels, values, bottom=bottom, label=name)
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
            if len(names) > 1:
                ax.legend(prop=small)
            ax.tick_params(axis="x", labelrotation=30)
        ax.set_title(chart["title"], fontproperties=font)
        for label in (*ax.get_xticklabels(), *ax.get_yticklabels()):
            label.set_fontproperties(font)
            label.set_fontsize(8)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)


# --- Word ------------------------------------------------------------------------------------


def _table(doc, header: list[str], rows: list[list]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "—" if value is None else str(value)


def make_docx(*, job, out, progress) -> str:
    data = briefing_data(actor=job.owner, month=job.params["month"])
    charts = [c for c in data["dashboard"]["charts"] if c["id"] in CHART_IDS]
    progress.total(len(charts) + 4)
    label = data["period"].label
    doc = new_document()
    doc.add_heading(
        _("Monthly briefing of the Civilized City Campaign, %(month)s") % {"month": label}, level=0
    )
    doc.add_paragraph(
        _("Made %(day)s from the ledger's counts and the published scores.")
        % {"day": f"{date.today():%Y-%m-%d}"}
    )
    if not data["dashboard"]["has_data"]:
        doc.add_paragraph(
            _("No problem was reported, due or closed in %(month)s.") % {"month": label}
        )
    totals = data["dashboard"]["totals"]
    doc.add_heading(_("The month in figures"), level=1)
    _table(
        doc,
        [pgettext("metric", "Figure"), _("Value")],
        [
            [_("Open now"), totals["open"]],
            [_("Overdue now"), totals["overdue"]],
            [_("Reported in the month"), totals["reported"]],
            [_("Closed in the month"), totals["closed"]],
            [_("On-time closing rate (%)"), totals["on_time_closing_rate"]],
        ],
    )
    doc.add_heading(_("Districts"), level=1)
    _table(doc, _district_header(), [_district_cells(r) for r in data["districts"]])
    progress()
    doc.add_heading(_("Charts"), level=1)
    for chart in charts:
        doc.add_picture(io.BytesIO(chart_png(chart)), width=text_width(doc))
        progress()
    doc.add_heading(_("Red and black lists"), level=1)
    if data["snapshot_month"]:
        doc.add_paragraph(
            _("From the published ranking of %(month)s.") % {"month": data["snapshot_month"]}
        )
        _table(
            doc,
            [_("Top"), _("Composite score")],
            [[r["name"], r["composite"]] for r in data["top"]],
        )
        doc.add_paragraph("")
        _table(
            doc,
            [_("Bottom"), _("Composite score")],
            [[r["name"], r["composite"]] for r in data["bottom"]],
        )
    else:
        doc.add_paragraph(_("No published ranking yet: no data."))
    progress()
    doc.add_heading(_("Escalation ladder"), level=1)
    if data["ladder"]:
        _table(
            doc,
            # "Subject" alone is the problems app's 小类 (a category's subject) in Chinese.
            [pgettext("ranking", "Subject"), _("Tier"), _("Months at the bottom"), _("Step")],
            [[r["name"], r["tier"], r["streak"], r["step"]] for r in data["ladder"]],
        )
    else:
        doc.add_paragraph(_("No subject is on the ladder this month."))
    progress()
    doc.add_heading(_("Exposure board"), level=1)
    if data["exposures"]:
        _table(
            doc,
            [_("Problem"), _("Published"), _("Status")],
            [[r["title"], r["published"], r["status"]] for r in data["exposures"]],
        )
    else:
        doc.add_paragraph(_("Nothing was published on the exposure board this month."))
    progress()
    doc.save(out)
    return f"briefing-{label}.docx"


def _district_header() -> list[str]:
    return [
        _("District"),
        # Counts: "Reported" and "Closed" alone are the problems' dates (上报时间, 结案时间).
        pgettext("count", "Reported"),
        pgettext("count", "Closed"),
        _("Due"),
        _("On-time closing rate (%)"),
        _("On-time handling rate (%)"),
        _("Overdue now"),
    ]


def _district_cells(row: dict) -> list:
    return [
        row["name"],
        row["reported"],
        row["closed"],
        row["due"],
        row["on_time_closing"],
        row["on_time_handling"],
        row["overdue"],
    ]


# --- Excel -----------------------------------------------------------------------------------

# Above each sheet's column names: the chart's title (or the month, on the districts' sheet).
HEADER_ROWS = 2
# The charts whose first column is a week or a month (kept as text for ECharts), and how the
# workbook shows it once it is a date that sorts, filters and groups as one.
DATE_COLUMNS = {"weekly": "yyyy-mm-dd", "on_time": "yyyy-mm"}
MONTH_FORMAT = DATE_COLUMNS["on_time"]
# Excel's rules for a sheet's name: at most 31 characters, none of []:*?/\, no apostrophe at
# either end, unique in the book whatever the case.
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Column widths, in characters (a Chinese character counts two).
WIDTH_MIN, WIDTH_MAX = 8, 60


def make_xlsx(*, job, out, progress) -> str:
    from openpyxl import Workbook

    data = briefing_data(actor=job.owner, month=job.params["month"])
    charts = data["dashboard"]["charts"]
    progress.total(len(charts) + 1)
    label = data["period"].label
    wb = Workbook()
    taken: set[str] = set()
    sheet = wb.active
    sheet.title = sheet_name(_("Districts"), taken)
    append_row(sheet, [_("Month"), _day(label)])
    sheet.cell(1, 2).number_format = MONTH_FORMAT
    append_row(sheet, _district_header())
    for row in data["districts"]:
        append_row(sheet, _district_cells(row))
    _finish(sheet)
    progress()
    for chart in charts:
        _chart_sheet(wb.create_sheet(sheet_name(chart["title"], taken)), chart)
        progress()
    wb.save(out)
    return f"briefing-{label}.xlsx"


def _chart_sheet(ws, chart: dict) -> None:
    """One chart's table under its title; a week or a month as a date."""
    date_format = DATE_COLUMNS.get(chart["id"])
    append_row(ws, [chart["title"]])
    append_row(ws, list(chart["columns"]))
    for row in chart["rows"]:
        row = list(row)
        if date_format and row and row[0]:
            row[0] = _day(row[0])
        append_row(ws, row)
        if date_format:
            ws.cell(ws.max_row, 1).number_format = date_format
    _finish(ws)


def _day(text: str) -> date:
    """A chart's week ("2026-11-02") or month ("2026-11": its first day) as a date."""
    return date.fromisoformat(text if len(text) == len("2026-11-02") else f"{text}-01")


def sheet_name(title: str, taken: set[str]) -> str:
    """`title` as a sheet's name Excel accepts, not one of `taken` (lower-cased names, to
    which it is added)."""
    base = " ".join(SHEET_NAME_FORBIDDEN.sub(" ", title).split()).strip("'")
    base = base[:SHEET_NAME_MAX].rstrip() or "-"
    name, n = base, 1
    while name.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    taken.add(name.casefold())
    return name


def _finish(ws) -> None:
    """Title and column names bold and kept in view while scrolling; columns as wide as their
    contents."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    for row in ws.iter_rows(max_row=HEADER_ROWS):
        for cell in row:
            cell.font = bold
    ws.freeze_panes = ws.cell(HEADER_ROWS + 1, 1)
    # Row 1 left out: a chart's title runs across the empty cells beside it.
    for column in ws.iter_cols(min_row=HEADER_ROWS):
        width = max(_width(cell.value) for cell in column) + 2
        ws.column_dimensions[column[0].column_letter].width = min(max(width, WIDTH_MIN), WIDTH_MAX)


def _width(value) -> int:
    """How many characters wide `value` shows (a date as its ISO form)."""
    if value is None:
        return 0
    text = value.isoformat() if isinstance(value, date) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
