"""The numbers behind every chart, read from the aggregates (never the ledger), scoped.

Each chart is a table first — `Chart(columns, rows)` — and its ECharts option is made from that
table (`options.py`), so the chart and its table view always show the same numbers.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Sum
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from wenming.core.errors import InvalidInput
from wenming.org.selectors import REGIONS, UNITS
from wenming.problems.deadlines import local_today
from wenming.problems.metrics import Period, period_parse
from wenming.problems.models import OPEN_STATUSES, Status
from wenming.problems.reference import CATEGORIES

from . import scores
from .aggregates import ALL, aggregates_fresh
from .models import Measure, RegionDay, StatusCount, UnitDay
from .scope import DashScope

WEEKS = 12
MONTHS = 6
TOP_CATEGORIES = 12


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # pie, bar, hbar, line, gauge, stack
    columns: list[str]
    rows: list[list]
    unit: str = ""  # "%" for rates
    extra: dict = field(default_factory=dict)
    # Per column, where a table mixes rates and counts (the on-time chart's "problems due").
    units: list[str] | None = None

    @property
    def column_units(self) -> list[str]:
        return self.units or ["", *[self.unit] * (len(self.columns) - 1)]

    @property
    def empty(self) -> bool:
        return not any(any(v for v in row[1:] if isinstance(v, int | float)) for row in self.rows)

    def as_dict(self) -> dict:
        from .options import echarts_option

        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "columns": self.columns,
            "rows": self.rows,
            "unit": self.unit,
            "column_units": self.column_units,
            "empty": self.empty,
            "extra": self.extra,
            "option": echarts_option(self),
        }


def month_parse(text: str | None, *, today: date | None = None) -> Period:
    """The month asked for (this month by default); a month after this one is refused (400)."""
    today = today or local_today()
    if not text:
        return period_parse(f"{today:%Y-%m}")
    period = period_parse(text)
    if period.first > today:
        raise InvalidInput(
            _("%(month)s has not begun yet: dashboards show months up to this one.")
            % {"month": period.label},
            code="future_month",
        )
    return period


def _day_rows(scope: DashScope):
    name, where = scope.day_model_filter()
    model = UnitDay if name == "unit" else RegionDay
    return model.objects.filter(**where)


def _status_rows(scope: DashScope):
    return StatusCount.objects.filter(**scope.status_filter())


def _region_name(pk: int) -> str:
    if pk in (0, ALL):
        return pgettext("dashboard place", "Not placed")
    row = REGIONS.by_id(pk)
    return row.display_name if row is not None else str(pk)


def _unit_name(pk: int) -> str:
    if pk in (0, ALL):
        return pgettext("dashboard unit", "No unit")
    row = UNITS.by_id(pk)
    return row.display_name if row is not None else str(pk)


def _category_name(pk: int) -> str:
    row = CATEGORIES.by_id(pk)
    return row.display_name if row is not None else str(pk)


def status_charts(scope: DashScope) -> tuple[list[Chart], int]:
    """Problems now by status, open problems by category and by place, and how many are open:
    one read of the scope's rows (`DashScope.status_filter`: per category, status and place,
    so no GROUP BY; a few hundred rows for a district)."""
    key = scope.breakdown or None
    rows = (
        _status_rows(scope)
        .filter(n__gt=0)
        .values_list("category", "status", key or "district", "n")
    )
    by_status: dict[str, int] = {}
    by_category: dict[int, int] = {}
    by_place: dict[int, dict[str, int]] = {}
    open_set = set(OPEN_STATUSES)
    for category, status, place_id, n in rows:
        by_status[status] = by_status.get(status, 0) + n
        if status in open_set:
            by_category[category] = by_category.get(category, 0) + n
        if key:
            place = by_place.setdefault(place_id, {})
            place[status] = place.get(status, 0) + n
    open_now = sum(n for status, n in by_status.items() if status in open_set)
    charts = [
        Chart(
            "status",
            _("Problems by status"),
            "pie",
            [_("Status"), pgettext("count", "Problems")],
            [[str(label), by_status.get(value, 0)] for value, label in Status.choices],
            extra={"keys": list(Status.values)},
        ),
        Chart(
            "category",
            _("Open problems by category"),
            "hbar",
            [_("Category"), _("Open problems")],
            [
                [_category_name(pk), n]
                for pk, n in sorted(by_category.items(), key=lambda kv: -kv[1])[:TOP_CATEGORIES]
            ],
        ),
    ]
    if key:
        places = sorted(by_place, key=lambda pk: _region_name(pk))
        open_of = {pk: sum(by_place[pk].get(s, 0) for s in OPEN_STATUSES) for pk in places}
        closed_of = {pk: by_place[pk].get(Status.CLOSED, 0) for pk in places}
        title = _("Problems by district") if key == "district" else _("Problems by street")
        charts.append(
            Chart(
                "place",
                title,
                "stack",
                [
                    _("District") if key == "district" else _("Street"),
                    pgettext("count", "Open"),
                    pgettext("count", "Closed"),
                ],
                [[_region_name(pk), open_of[pk], closed_of[pk]] for pk in places],
            )
        )
    return charts, open_now


def _weeks_ending(last_day: date) -> list[date]:
    monday = last_day - timedelta(days=last_day.weekday())
    return [monday - timedelta(weeks=k) for k in range(WEEKS - 1, -1, -1)]


# The measures counted per day that the weekly, on-time and month charts read (not PENDING,
# which the overdue chart reads by deadline up to today).
DAY_MEASURES = (
    Measure.REPORTED,
    Measure.CLOSED,
    Measure.DUE,
    Measure.CLOSED_ON_TIME,
    Measure.HANDLED_ON_TIME,
)


def day_counts(scope: DashScope, first: date, last: date, measures=DAY_MEASURES) -> dict:
    """{(day, measure): n} of the scope's day rows from `first` to `last`: one grouped read."""
    rows = (
        _day_rows(scope)
        .filter(measure__in=measures, day__gte=first, day__lte=last)
        .values_list("day", "measure")
        .annotate(total=Sum("n"))
        .order_by()
    )
    return {(day, measure): n or 0 for day, measure, n in rows}


def _summed(days: dict, first: date, last: date, key) -> dict:
    """`days` ({(day, measure): n}) within first..last, added up under `key(day)`."""
    counts: dict = {}
    for (day, measure), n in days.items():
        if first <= day <= last:
            bucket = (key(day), measure)
            counts[bucket] = counts.get(bucket, 0) + n
    return counts


def _charts_span(period: Period, today: date) -> tuple[date, date]:
    """The days the weekly chart, the on-time chart and the month's totals read together."""
    weeks = _weeks_ending(min(period.last, today))
    first = min(weeks[0], _months_ending(period)[0].first)
    return first, max(weeks[-1] + timedelta(days=6), period.last)


def weekly_chart(scope: DashScope, period: Period, today: date, days=None) -> Chart:
    """New versus closed problems per week, the twelve weeks up to the month's end (or today).
    `days`: the scope's `day_counts` covering those weeks, when already read."""
    weeks = _weeks_ending(min(period.last, today))
    first, last = weeks[0], weeks[-1] + timedelta(days=6)
    if days is None:
        days = day_counts(scope, first, last, (Measure.REPORTED, Measure.CLOSED))
    counts = _summed(days, first, last, lambda day: day - timedelta(days=day.weekday()))
    return Chart(
        "weekly",
        _("New and closed problems per week"),
        "line",
        [_("Week of"), pgettext("count", "New"), pgettext("count", "Closed")],
        [
            [
                f"{week:%Y-%m-%d}",
                counts.get((week, Measure.REPORTED), 0),
                counts.get((week, Measure.CLOSED), 0),
            ]
            for week in weeks
        ],
    )


def overdue_chart(scope: DashScope, today: date) -> Chart:
    """Problems overdue now (pending, deadline passed) by district, street or unit."""
    if scope.kind == "city":
        qs = RegionDay.objects.filter(street=ALL, district__gte=0)
        key, name, label = "district", _region_name, _("District")
    elif scope.kind == "district":
        qs = RegionDay.objects.filter(district=scope.region.pk).exclude(street=ALL)
        key, name, label = "street", _region_name, _("Street")
    else:
        qs = _day_rows(scope)
        key = None
        name, label = (
            (_unit_name, _("Unit")) if scope.kind == "unit" else (_region_name, _("Street"))
        )
    qs = qs.filter(measure=Measure.PENDING, day__lt=today)
    if key:
        grouped = qs.values_list(key).annotate(total=Sum("n")).order_by()
        rows = [[name(pk), n or 0] for pk, n in grouped if n]
        rows.sort(key=lambda row: -row[1])
    else:
        total = qs.aggregate(total=Sum("n"))["total"] or 0
        rows = [[scope.name, total]]
    return Chart("overdue", _("Overdue problems"), "bar", [label, _("Overdue")], rows)


def _months_ending(period: Period) -> list[Period]:
    months = [period]
    while len(months) < MONTHS:
        first = months[0].first
        previous = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
        months.insert(0, period_parse(f"{previous:%Y-%m}"))
    return months


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def on_time_chart(scope: DashScope, period: Period, days=None) -> tuple[Chart, dict]:
    """On-time closing and handling rates (of the problems due) for the six months up to
    `period`; also the month's own counts. `days`: as for `weekly_chart`."""
    months = _months_ending(period)
    if days is None:
        measures = (Measure.DUE, Measure.CLOSED_ON_TIME, Measure.HANDLED_ON_TIME)
        days = day_counts(scope, months[0].first, period.last, measures)
    counts = _summed(days, months[0].first, period.last, lambda day: f"{day:%Y-%m}")
    table = []
    for month in months:
        due = counts.get((month.label, Measure.DUE), 0)
        table.append(
            [
                month.label,
                _pct(counts.get((month.label, Measure.CLOSED_ON_TIME), 0), due),
                _pct(counts.get((month.label, Measure.HANDLED_ON_TIME), 0), due),
                due,
            ]
        )
    chart = Chart(
        "on_time",
        _("On-time rates of the problems due"),
        "rates",
        [_("Month"), _("On-time closing rate"), _("On-time handling rate"), _("Problems due")],
        table,
        unit="%",
        units=["", "%", "%", ""],
    )
    month = {
        "due": counts.get((period.label, Measure.DUE), 0),
        "closed_on_time": counts.get((period.label, Measure.CLOSED_ON_TIME), 0),
        "handled_on_time": counts.get((period.label, Measure.HANDLED_ON_TIME), 0),
    }
    return chart, month


def month_totals(scope: DashScope, period: Period, days=None) -> dict:
    """Problems reported and closed in the month. `days`: as for `weekly_chart`."""
    if days is None:
        days = day_counts(scope, period.first, period.last, (Measure.REPORTED, Measure.CLOSED))
    # One bucket for the whole month (keyed by day, the dict below kept only the last day's).
    month = {
        measure: n
        for (_month, measure), n in _summed(
            days, period.first, period.last, lambda _day: period.label
        ).items()
    }
    return {
        "reported": month.get(Measure.REPORTED, 0) or 0,
        "closed": month.get(Measure.CLOSED, 0) or 0,
    }


# A computed dashboard is kept this long at most: the key names the aggregates' mark, so a
# counted event makes a new key at once; the time bounds how late a newly published score
# (which moves no mark) shows.
CACHE_SECONDS = 60


def dashboard_data(*, actor, scope: DashScope, name: str, period: Period) -> dict:
    """Every chart of dashboard `name` ("overview" or "bigscreen") for `scope` and `period`."""
    if name not in DASHBOARDS:
        from wenming.core.errors import NotFound

        raise NotFound(code="dashboard_not_found")
    mark, refreshed_at = aggregates_fresh()
    today = local_today()
    key = ":".join(
        str(part)
        for part in (
            "dash",
            name,
            scope.kind,
            scope.key,
            period.label,
            get_language(),
            getattr(actor, "role", ""),
            mark,
            today,
        )
    )
    cached = cache.get(key)
    if cached is not None:
        return cached
    body = _compute(actor=actor, scope=scope, name=name, period=period, today=today)
    body["as_of"] = refreshed_at.isoformat() if refreshed_at else ""
    cache.set(key, body, CACHE_SECONDS)
    return body


def _compute(*, actor, scope: DashScope, name: str, period: Period, today: date) -> dict:
    charts, open_now = status_charts(scope)
    # The weekly, on-time and month figures from one read of the day rows they all cover.
    days = day_counts(scope, *_charts_span(period, today))
    charts.append(weekly_chart(scope, period, today, days))
    overdue = overdue_chart(scope, today)
    charts.append(overdue)
    rates, month_counts = on_time_chart(scope, period, days)
    charts.append(rates)
    # The big screen shows no ranking bars: not read for it (a tenth of its time).
    ranking = scores.ranking_chart(scope=scope, period=period) if name != "bigscreen" else None
    if ranking is not None:
        charts.append(ranking)
    predicted = scores.predicted_chart(actor=actor)
    if predicted is not None:
        charts.append(predicted)
    figures = {"open": open_now, "overdue": sum(row[1] for row in overdue.rows)}
    figures.update(month_totals(scope, period, days))
    figures["on_time_closing_rate"] = _pct(month_counts["closed_on_time"], month_counts["due"])
    has_data = bool(figures["reported"] or month_counts["due"] or figures["closed"])
    if name == "bigscreen":
        keep = {"status", "place", "weekly", "overdue", "on_time", "predicted", "category"}
        charts = [chart for chart in charts if chart.id in keep]
    return {
        "name": name,
        "scope": {"kind": scope.kind, "name": scope.name, "key": scope.key},
        "month": period.label,
        "has_data": has_data,
        "totals": figures,
        "charts": [chart.as_dict() for chart in charts],
    }


DASHBOARDS = ("overview", "bigscreen")
