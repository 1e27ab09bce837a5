"""The big screen's payload is made when the aggregates are refreshed, not when a screen asks.

The big screen polls its data every minute from a wall in the command centre; computing its
charts takes about 150 ms on a city of 20,000 problems under load, three times its 50 ms budget.
So `wenming tick`, right after it counts the waiting events (`aggregates_tick`), makes the
current month's payload of the city, of every district and of every subject a screen asked for
in the last `WANTED_FOR`, in each language, and stores it as a `BigScreenPayload` row (a row,
not the cache: the tick and the web server may not share a local cache). A request reads that
one row and serves it; it never scans the ledger nor recomputes the charts while the stored
payload is fresh:

- made at the aggregates' current mark with no event waiting, or
- made less than `STORED_MAX_AGE` ago (the tick runs every few minutes; the screen shows the
  payload's `as_of`).

Otherwise (no tick ran, a new day, another month, a subject never asked for) the request makes
it as before, stores it for the next poll and for the tick to keep up. The predicted-score
gauge is stored apart and added only for the office and leaders, as `predicted_chart` decides;
everything else in the payload depends on the subject alone, which the reader's scope already
allowed (scope.py).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import get_language

from wenming.org.models import Region, RegionLevel, Unit
from wenming.problems.deadlines import local_today
from wenming.problems.metrics import period_parse
from wenming.problems.models import ProblemEvent

from . import scores
from .aggregates import aggregates_fresh
from .models import AggregateMark, BigScreenPayload
from .scope import DashScope

STORED_MAX_AGE = timedelta(minutes=5)
WANTED_FOR = timedelta(hours=1)
# A served row notes that a screen still shows it at most this often (not a write per poll).
ASKED_EVERY = timedelta(minutes=10)
NAME = "bigscreen"


def _subject_scope(subject: str) -> DashScope | None:
    """The DashScope a stored row's subject names (None: it no longer exists)."""
    if not subject:
        return DashScope("city")
    kind, _sep, code = subject.partition("=")
    if kind == "unit":
        found = Unit.objects.filter(code=code).first()
        return DashScope("unit", unit=found) if found else None
    region = Region.objects.filter(code=code).first()
    if region is None or region.level not in (RegionLevel.DISTRICT, RegionLevel.STREET):
        return DashScope("city") if region is not None else None
    return DashScope(region.level, region=region)


def _store(*, scope: DashScope, body: dict, predicted, mark: int, today, now) -> None:
    row = BigScreenPayload(
        subject=scope.key,
        language=get_language(),
        month=body["month"],
        day=today,
        mark=mark,
        stored_at=now,
        asked_at=now,
        body=body,
        predicted=predicted,
    )
    # One INSERT … ON CONFLICT DO UPDATE (not a read, savepoints and a write): two processes
    # storing the same subject at once both succeed, the later one's row stays. A new row is
    # asked for now; an existing one keeps its own `asked_at` (bigscreen_data moves it).
    BigScreenPayload.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["subject", "language"],
        update_fields=["month", "day", "mark", "stored_at", "body", "predicted"],
    )


def payload_make(*, scope: DashScope, today=None) -> dict:
    """The current month's payload of `scope` without the gauge, as `_compute` makes it."""
    from .selectors import _compute

    today = today or local_today()
    period = period_parse(f"{today:%Y-%m}")
    return _compute(actor=None, scope=scope, name=NAME, period=period, today=today)


def _predicted_dict():
    chart = scores.predicted_chart_for_leaders()
    return chart.as_dict() if chart is not None else None


def bigscreen_store(*, now=None) -> int:
    """Make and store the payloads a screen may ask for (see the module docstring)."""
    now = now or timezone.now()
    today = local_today()
    row = AggregateMark.objects.filter(pk=1).values_list("last_event_id", "refreshed_at").first()
    mark, refreshed_at = row if row else (0, None)
    subjects = {""}
    subjects.update(
        f"region={code}"
        for code in Region.objects.filter(level=RegionLevel.DISTRICT).values_list("code", flat=True)
    )
    subjects.update(
        BigScreenPayload.objects.filter(asked_at__gte=now - WANTED_FOR).values_list(
            "subject", flat=True
        )
    )
    stored = 0
    for subject in sorted(subjects):
        scope = _subject_scope(subject)
        if scope is None:
            BigScreenPayload.objects.filter(subject=subject).delete()
            continue
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                body = payload_make(scope=scope, today=today)
                body["as_of"] = refreshed_at.isoformat() if refreshed_at else ""
                _store(
                    scope=scope,
                    body=body,
                    predicted=_predicted_dict(),
                    mark=mark,
                    today=today,
                    now=now,
                )
                stored += 1
    return stored


def bigscreen_tick(*, now) -> dict[str, int]:
    """`wenming tick`, after the aggregates' refresh: store the big screens' payloads."""
    return {"bigscreen_payloads": bigscreen_store(now=now)}


bigscreen_tick.tick_name = "bigscreen"


def _fresh(row: BigScreenPayload, now) -> bool:
    if now - row.stored_at <= STORED_MAX_AGE:
        return True
    mark = AggregateMark.objects.filter(pk=1).values_list("last_event_id", flat=True).first()
    last = ProblemEvent.objects.aggregate(m=Max("pk"))["m"] or 0
    return row.mark == (mark or 0) and last <= row.mark


def _serve(*, actor, body: dict, predicted) -> dict:
    if not scores.sees_predicted(actor):
        return body
    if predicted is None:  # stored by a reader without the gauge: its ten-minute copy
        predicted = _predicted_dict()
    return {**body, "charts": [*body["charts"], predicted]}


def bigscreen_data(*, actor, scope: DashScope, period) -> dict:
    """The big screen's payload for `scope` (already allowed to `actor`) and `period`: the
    stored one when fresh; else made here, and stored when it is the current month's."""
    from .selectors import dashboard_data

    today = local_today()
    if period.label != f"{today:%Y-%m}":
        return dashboard_data(actor=actor, scope=scope, name=NAME, period=period)
    now = timezone.now()
    row = BigScreenPayload.objects.filter(subject=scope.key, language=get_language()).first()
    if row is not None and row.day == today and row.month == period.label and _fresh(row, now):
        if now - row.asked_at > ASKED_EVERY:
            BigScreenPayload.objects.filter(pk=row.pk).update(asked_at=now)
        return _serve(actor=actor, body=row.body, predicted=row.predicted)
    mark, refreshed_at = aggregates_fresh()
    body = payload_make(scope=scope, today=today)
    body["as_of"] = refreshed_at.isoformat() if refreshed_at else ""
    predicted = _predicted_dict() if scores.sees_predicted(actor) else None
    if predicted is None and row is not None and row.day == today:
        predicted = row.predicted  # a region officer's make keeps the leaders' gauge
    _store(scope=scope, body=body, predicted=predicted, mark=mark, today=today, now=now)
    if row is not None and now - row.asked_at > ASKED_EVERY:
        BigScreenPayload.objects.filter(subject=scope.key).update(asked_at=now)
    return _serve(actor=actor, body=body, predicted=predicted)
