"""Ledger rows as the API answers them, built once per request from plain rows.

A list call reads `selectors.LIST_COLUMNS` as dicts (no model instances), names categories,
regions and units from the reference caches once per distinct row and request (not once per
field), and is rendered by orjson without a second validation: ninja's validation of the
whole page and the JSON of its re-parsed times cost more than the SQL (performance.md,
finding 10). `ProblemOut` stays the documented contract; the API tests hold every list item
equal to the same problem validated through it.
"""

from datetime import date, datetime

import orjson
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, pgettext
from ninja.responses import NinjaJSONEncoder

from wenming.org.selectors import REGIONS, UNITS

from .deadlines import DeadlineClock
from .lifecycle import OFFICE, TRANSITIONS
from .models import OPEN_STATUSES, Action, Status
from .reference import CATEGORIES

_ENCODER = NinjaJSONEncoder()

# The statuses the office may dispatch a problem from, read off the lifecycle table: the rows
# the ledger's bulk dispatch (`problem_dispatch_many`, which asks the same table) accepts.
BULK_DISPATCHABLE = frozenset(
    status
    for (status, action), transition in TRANSITIONS.items()
    if action == Action.DISPATCH and OFFICE in transition.who
)


def iso(value):
    """A time as ninja's encoder writes it (milliseconds, "Z" for UTC), so an answer rendered
    without validation reads exactly as a validated one."""
    if isinstance(value, datetime):
        # Cut to milliseconds first, as a validated answer is (it re-parses this text): the
        # encoder writes "…:09.000Z" for 0.000456 s past the second but "…:09Z" for 0.
        return _ENCODER.default(value.replace(microsecond=value.microsecond // 1000 * 1000))
    return value.isoformat() if isinstance(value, date) else value


def json_response(body: dict, *, status: int = 200) -> HttpResponse:
    """`body` as JSON (orjson), with the content type ninja gives its own answers."""
    return HttpResponse(
        orjson.dumps(body), status=status, content_type="application/json; charset=utf-8"
    )


class LedgerRows:
    """Shapes rows of `selectors.LIST_COLUMNS` as `api.ProblemOut` dicts, for one request: the
    language, the status labels, today and the reference names are looked up once."""

    def __init__(self, today: date):
        self.clock = DeadlineClock(today)
        self.status_labels = {value: str(label) for value, label in Status.choices}
        self.open_statuses = frozenset(OPEN_STATUSES)
        self._ages: dict[int, tuple[int, str, str]] = {}
        self._names: dict[tuple[str, int], tuple[str, str]] = {}

    def _named(self, kind: str, pk) -> tuple[str, str] | tuple[None, str]:
        """(code, display name) of a category, region or unit id, from the caches, once."""
        if pk is None:
            return None, ""
        found = self._names.get((kind, pk))
        if found is None:
            cache = {"category": CATEGORIES, "region": REGIONS, "unit": UNITS}[kind]
            row = cache.by_id(pk)
            found = self._names[(kind, pk)] = (row.code, row.display_name)
        return found

    def _due(self, row: dict) -> tuple[bool, bool]:
        """(overdue, due soon) of a row (deadlines.py)."""
        return self.clock.due(row["is_pending"], row["deadline"])

    def out(self, row: dict) -> dict:
        """One `ProblemOut`, field for field."""
        deadline = row["deadline"]
        overdue, due_soon = self._due(row)
        category, category_name = self._named("category", row["category_id"])
        region, region_name = self._named("region", row["region_id"])
        unit, unit_name = self._named("unit", row["responsible_unit_id"])
        handling_region, handling_name = self._named("region", row["handling_region_id"])
        return {
            "code": row["code"],
            "title": row["title"],
            "status": row["status"],
            "status_label": self.status_labels[row["status"]],
            "category": category,
            "category_name": category_name,
            "source": row["source"],
            "severity": row["severity"],
            "region": region,
            "region_name": region_name,
            "district": self._named("region", row["district_id"])[0],
            "street": self._named("region", row["street_id"])[0],
            "responsible_unit": unit,
            "handling_region": handling_region,
            # As Problem.handler_display: the responsible unit, else the handling region.
            "handler_name": unit_name if unit else handling_name,
            "deadline": iso(deadline),
            "overdue": overdue,
            "due_soon": due_soon,
            "created_at": iso(row["created_at"]),
            "updated_at": iso(row["updated_at"]),
            "rework_count": row["rework_count"],
            "extension_count": row["extension_count"],
            "lat": row["lat"],
            "lon": row["lon"],
            "address": row["address"],
            "version": row["version"],
        }

    def table_rows(self, rows: list[dict]) -> list[dict]:
        """The ledger table's rows, every cell worked out here: the template only prints them
        (resolving names, labels and dates in the template cost more than the page's SQL)."""
        # One reverse() for the page; a code is letters, digits and "-", safe in a path.
        detail = reverse("problems:detail", args=["WM0-0"])
        return [self.table_row(row, detail) for row in rows]

    def table_row(self, row: dict, detail: str) -> dict:
        overdue, due_soon = self._due(row)
        _code, region_name = self._named("region", row["region_id"])
        _code, district_name = self._named("region", row["district_id"])
        unit, unit_name = self._named("unit", row["responsible_unit_id"])
        deadline = row["deadline"]
        reported = timezone.localtime(row["created_at"])
        return {
            "code": row["code"],
            "url": detail.replace("WM0-0", row["code"]),
            "title": row["title"],
            "status": row["status"],
            "status_label": self.status_labels[row["status"]],
            "pickable": row["status"] in BULK_DISPATCHABLE,
            "category_name": self._named("category", row["category_id"])[1],
            "place": f"{district_name} · {region_name}" if district_name else region_name,
            "handler_name": unit_name
            if unit
            else self._named("region", row["handling_region_id"])[1],
            "deadline": deadline.isoformat() if deadline else "",
            "overdue": overdue,
            "due_soon": due_soon,
            "reported": reported.strftime("%Y-%m-%d %H:%M"),
            # Calendar days since the report, for a problem still waiting (not closed or
            # rejected): what the reporter has waited. Deadlines count working days; the age
            # says how long the city has been at it, weekends included.
            # (days, "3 days", "waiting 3 days") while it waits, else None.
            "age": self._age(reported.date()) if row["status"] in self.open_statuses else None,
        }

    def cards(self, rows: list[dict]) -> list[str]:
        """The phone's cards of `table_rows`' rows, as HTML: code and status, title, place,
        deadline (overdue / due soon) and age. Written here, not in a template loop, for the
        reason the table's cells are (every field escaped)."""
        words = {
            "deadline": escape(pgettext("ledger column", "Deadline")),
            "overdue": escape(gettext("overdue")),
            "due_soon": escape(gettext("due soon")),
        }
        return [mark_safe(self._card(row, words)) for row in rows]  # noqa: S308 - escaped above

    @staticmethod
    def _card(row: dict, words: dict) -> str:
        deadline = "—"
        if row["deadline"]:
            deadline = row["deadline"]
            if row["overdue"]:
                deadline += f' <span class="badge text-bg-danger">{words["overdue"]}</span>'
            elif row["due_soon"]:
                deadline += f' <span class="badge text-bg-warning">{words["due_soon"]}</span>'
        age = f" · {escape(row['age'][2])}" if row["age"] else ""
        code = escape(row["code"])
        return (
            f'<li data-code="{code}"><a class="wm-card" href="{escape(row["url"])}">'
            f'<span class="wm-card-head"><span class="fw-semibold text-nowrap">{code}</span>'
            f'<span class="badge wm-status wm-status-{escape(row["status"])}">'
            f"{escape(row['status_label'])}</span></span>"
            f'<span class="wm-card-title">{escape(row["title"])}</span>'
            f'<span class="wm-card-meta">{escape(row["place"])}</span>'
            f'<span class="wm-card-meta">{words["deadline"]} {deadline}{age}</span></a></li>'
        )

    def _age(self, day: date) -> tuple[int, str, str]:
        """(days, "3 days", "waiting 3 days") since `day`, the labels translated once a value."""
        days = (self.clock.today - day).days
        found = self._ages.get(days)
        if found is None:
            found = self._ages[days] = (
                days,
                ngettext("%(days)s day", "%(days)s days", days) % {"days": days},
                ngettext("waiting %(days)s day", "waiting %(days)s days", days) % {"days": days},
            )
        return found
