"""A week's ranking (issue 16 §6: "the ranking page per period, week or month").

Months are snapshots, frozen when published. A week is a working view, not a published
result: it is computed on request from the same sources (`sources.collect` for the ISO week,
the same weights, minimum sample and tiers) and kept in the cache under the inputs' key
(`caching`), because `collect` is a fixed number of grouped queries whatever the ledger's size,
and storing 52 more snapshot versions a year would add rows nobody publishes. The change since
the week before is not shown (it would double the work of every view)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from wenming.core.errors import InvalidInput
from wenming.core.roles import Role
from wenming.org.models import Region, Unit
from wenming.problems.deadlines import local_today
from wenming.problems.metrics import Period

from .caching import cached
from .models import Score
from .selectors import LEVEL_TIERS, sees_all
from .services.snapshots import component_rows, score_rows


def week_label(period: Period) -> str:
    year, week, _day = period.first.isocalendar()
    return f"{year}-W{week:02d}"


def week_parse(text: str) -> Period:
    """ "2026-W45" → Monday to Sunday of that ISO week; 400 when malformed or not yet begun."""
    try:
        year, week = str(text).upper().split("-W")
        first = date.fromisocalendar(int(year), int(week), 1)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("The week is written YYYY-Www (an ISO week), e.g. 2026-W45."), code="bad_period"
        ) from None
    if not 2000 <= first.year <= 2100:
        raise InvalidInput(_("The period is out of range."), code="bad_period")
    period = Period(first=first, last=first + timedelta(days=6))
    today = local_today()
    if first > today - timedelta(days=today.weekday()):
        raise InvalidInput(
            _("%(week)s is in the future: there is nothing to score yet.")
            % {"week": week_label(period)},
            code="future_week",
        )
    return period


def this_week() -> str:
    return week_label(Period(first=local_today(), last=local_today()))


def _compute(period: Period) -> list[Score]:
    rows, parts_of = score_rows(period, before={})
    # The subjects ride along in the cache, so that naming them costs no query per row.
    regions = Region.objects.in_bulk([r.region_id for r in rows if r.region_id])
    units = Unit.objects.in_bulk([r.unit_id for r in rows if r.unit_id])
    for row in rows:
        if row.region_id:
            row.region = regions[row.region_id]
        if row.unit_id:
            row.unit = units[row.unit_id]
        # Unsaved rows: the components ride along instead of `row.components`.
        row.parts = component_rows(row, *parts_of[row.subject])
    return rows


def week_scores(*, actor, period: Period, level: str | None = None, tier: str | None = None):
    """The week's scores the reader may see (`Score.SCOPE`'s rule, applied to unsaved rows)."""
    rows = cached("week", (period.first.isoformat(),), lambda: _compute(period))
    if not sees_all(actor):
        role_region = getattr(actor, "region", None)
        if getattr(actor, "role", "") == Role.REGION_OFFICER and role_region is not None:
            ids = set(role_region.subtree_ids())
            rows = [r for r in rows if r.region_id in ids]
        elif getattr(actor, "role", "") == Role.UNIT_OFFICER and actor.unit_id:
            rows = [r for r in rows if r.unit_id == actor.unit_id]
        else:
            rows = []
    if level:
        tiers = LEVEL_TIERS.get(level, [level])
        rows = [r for r in rows if r.tier in tiers]
    if tier:
        rows = [r for r in rows if r.tier == tier]
    return sorted(rows, key=lambda r: (r.tier, r.rank is None, r.rank or 0, r.subject))
