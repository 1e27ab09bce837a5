"""The counts every dashboard reads, kept up to date from the problem events.

A dashboard never scans the ledger per view. It reads small tables of counts:

- `StatusCount`: problems now in each status by category, at three roll-ups: per district
  (street = unit = ALL), per district and street (unit = ALL), per responsible unit
  (district = street = ALL);
- `RegionDay`: per day a measure's count (reported, closed, due, closed on time, handled on
  time, pending by deadline) for the city (district = street = ALL), per district (street =
  ALL) and per district and street;
- `UnitDay`: the same per responsible unit.

ALL (-1) marks a roll-up row; 0 means "none" (no street, no unit). A city's figure is the sum of
its district rows, so the largest read is a few thousand rows whatever the ledger's size.

**How they follow the ledger.** Every change of a problem writes a `ProblemEvent` in the same
transaction (problems/services). `aggregates_refresh` reads the events after the stored mark
(`AggregateMark.last_event_id`), takes the problems they name, and for each subtracts what
the aggregates last counted of it (`ProblemFact`) and adds what its row says now. Reading the
row, not the event, makes the step idempotent: a problem counted twice, or after a later
change, lands on the same counts. Each batch is one transaction that holds the mark's row lock
(the only writer of these tables besides `aggregates_rebuild`), so two refreshes never count
one change twice, and the counts and the mark move together or not at all.

**Ids committed out of order.** On PostgreSQL an event's id is taken when it is inserted, not
when it commits: an event still in flight when the mark passes its id would be skipped. The ids
between the old mark and the new one that were not seen are kept as `EventGap` rows and read
again by every refresh until they appear or `GAP_TTL` passes (a rolled-back transaction's id
never appears). On SQLite writers are serial (transactions begin IMMEDIATE), so ids commit in
order and no gap is ever waiting.

`aggregates_rebuild` recounts everything from the ledger in SQL (after a bulk load, the demo, or
a repair); `aggregates_recount` computes the same counts in Python for tests to compare.
"""

from collections import Counter
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Max, Q, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from wenming.problems.metrics import DUE_STATUSES
from wenming.problems.models import PENDING_STATUSES, Problem, ProblemEvent, Status

from .models import (
    AggregateMark,
    EventGap,
    Measure,
    ProblemFact,
    RegionDay,
    StatusCount,
    UnitDay,
)

ALL = -1
# Events read per transaction: short enough that writers wait little for the mark's lock.
BATCH = 2000
# A dashboard read first brings the counts up to date itself when so few events wait.
INLINE_BACKLOG = 500
GAP_TTL = timedelta(minutes=15)
# More missing ids than this in one batch are deletions (a purge), not transactions in flight.
MAX_NEW_GAPS = 5000

FACT_FIELDS = (
    "district",
    "street",
    "unit",
    "category",
    "status",
    "created_on",
    "closed_on",
    "rectified_on",
    "deadline",
)
_HANDLED = (Status.RECTIFIED, Status.CLOSED)


def day_measures(fact: dict) -> list[tuple[str, date]]:
    """The (measure, day) pairs one problem counts in (the Python form of MEASURE_SQL)."""
    status = fact["status"]
    pairs = [(Measure.REPORTED, fact["created_on"])]
    if status == Status.CLOSED and fact["closed_on"] is not None:
        pairs.append((Measure.CLOSED, fact["closed_on"]))
    deadline = fact["deadline"]
    if deadline is not None:
        if status in DUE_STATUSES:
            pairs.append((Measure.DUE, deadline))
            if status == Status.CLOSED and fact["closed_on"] and fact["closed_on"] <= deadline:
                pairs.append((Measure.CLOSED_ON_TIME, deadline))
            rectified = fact["rectified_on"]
            if status in _HANDLED and rectified and rectified <= deadline:
                pairs.append((Measure.HANDLED_ON_TIME, deadline))
        if status in PENDING_STATUSES:
            pairs.append((Measure.PENDING, deadline))
    return pairs


def contributions(fact: dict) -> list[tuple]:
    """Every aggregate row one problem adds 1 to, as (table, key…) tuples."""
    d, s, u, c, status = (fact[k] for k in ("district", "street", "unit", "category", "status"))
    keys = [
        ("status", d, ALL, ALL, c, status),
        ("status", d, s, ALL, c, status),
        ("status", ALL, ALL, u, c, status),
    ]
    for measure, day in day_measures(fact):
        keys.append(("region", day, ALL, ALL, measure))
        keys.append(("region", day, d, ALL, measure))
        keys.append(("region", day, d, s, measure))
        keys.append(("unit", day, u, measure))
    return keys


# The same rules as day_measures, over the ProblemFact table (for the rebuild).
_in = "({})".format
_due = _in(", ".join(f"'{s}'" for s in DUE_STATUSES))
_pending = _in(", ".join(f"'{s}'" for s in PENDING_STATUSES))
MEASURE_SQL = (
    (Measure.REPORTED, "created_on", "1 = 1"),
    (Measure.CLOSED, "closed_on", "status = 'closed' AND closed_on IS NOT NULL"),
    (Measure.DUE, "deadline", f"deadline IS NOT NULL AND status IN {_due}"),
    (Measure.CLOSED_ON_TIME, "deadline", "status = 'closed' AND closed_on <= deadline"),
    (
        Measure.HANDLED_ON_TIME,
        "deadline",
        "status IN ('rectified', 'closed') AND rectified_on <= deadline",
    ),
    (Measure.PENDING, "deadline", f"deadline IS NOT NULL AND status IN {_pending}"),
)


def _local_date(value) -> date:
    return timezone.localdate(value)


def _current_facts(problem_ids) -> dict[int, dict]:
    """What the ledger says now of these problems (gone ones are absent)."""
    rows = Problem.objects.filter(pk__in=problem_ids).values_list(
        "pk",
        "district_id",
        "street_id",
        "responsible_unit_id",
        "category_id",
        "status",
        "created_at",
        "closed_on",
        "rectified_on",
        "deadline",
    )
    facts = {}
    for pk, d, s, u, c, status, created, closed_on, rectified_on, deadline in rows:
        facts[pk] = {
            "district": d or 0,
            "street": s or 0,
            "unit": u or 0,
            "category": c or 0,
            "status": status,
            "created_on": _local_date(created),
            "closed_on": closed_on,
            "rectified_on": rectified_on,
            "deadline": deadline,
        }
    return facts


def _stored_facts(problem_ids) -> dict[int, dict]:
    return {
        row["problem_id"]: row
        for row in ProblemFact.objects.filter(problem_id__in=problem_ids).values(
            "problem_id", *FACT_FIELDS
        )
    }


def _upsert_sql(model, keys: tuple[str, ...]) -> str:
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    cols = ", ".join(qn(k) for k in (*keys, "n"))
    marks = ", ".join(["%s"] * (len(keys) + 1))
    conflict = ", ".join(qn(k) for k in keys)
    # Identifiers come from the models' metadata; the values are parameters.
    return (
        f"INSERT INTO {table} ({cols}) VALUES ({marks}) "  # noqa: S608
        f"ON CONFLICT ({conflict}) DO UPDATE SET {qn('n')} = {table}.{qn('n')} + excluded.{qn('n')}"
    )


_TABLES = {
    "status": (StatusCount, ("district", "street", "unit", "category", "status")),
    "region": (RegionDay, ("day", "district", "street", "measure")),
    "unit": (UnitDay, ("day", "unit", "measure")),
}


def _apply(delta: Counter) -> None:
    by_table: dict[str, list] = {}
    for key, n in delta.items():
        if n:
            by_table.setdefault(key[0], []).append((*key[1:], n))
    with connection.cursor() as cursor:
        for name, rows in by_table.items():
            model, keys = _TABLES[name]
            cursor.executemany(_upsert_sql(model, keys), rows)


def recount_problems(problem_ids) -> int:
    """Bring the aggregates of these problems in line with their rows (inside a transaction
    that holds the mark's lock); returns how many problems changed their counts."""
    ids = list(set(problem_ids))
    if not ids:
        return 0
    old = _stored_facts(ids)
    new = _current_facts(ids)
    delta: Counter = Counter()
    changed = []
    for pk in ids:
        before, after = old.get(pk), new.get(pk)
        if before is not None:
            before = {k: before[k] for k in FACT_FIELDS}
        if before == after:
            continue
        changed.append(pk)
        if before is not None:
            for key in contributions(before):
                delta[key] -= 1
        if after is not None:
            for key in contributions(after):
                delta[key] += 1
    if not changed:
        return 0
    _apply(delta)
    ProblemFact.objects.filter(problem_id__in=changed).delete()
    ProblemFact.objects.bulk_create(
        [ProblemFact(problem_id=pk, **new[pk]) for pk in changed if pk in new]
    )
    return len(changed)


def _mark_locked() -> AggregateMark:
    AggregateMark.objects.get_or_create(pk=1)
    return AggregateMark.objects.select_for_update().get(pk=1)


def aggregates_refresh(*, batch: int = BATCH, max_batches: int | None = None) -> int:
    """Count the events after the mark (and the gaps), one transaction per batch; returns how
    many events were read."""
    total = 0
    rounds = 0
    while max_batches is None or rounds < max_batches:
        rounds += 1
        read = _refresh_batch(batch)
        total += read
        if read < batch:
            break
    return total


def _refresh_batch(batch: int) -> int:
    now = timezone.now()
    with transaction.atomic():
        mark = _mark_locked()
        EventGap.objects.filter(noted_at__lt=now - GAP_TTL).delete()
        gaps = list(EventGap.objects.values_list("event_id", flat=True)[:MAX_NEW_GAPS])
        after_mark = Q(pk__gt=mark.last_event_id)
        if gaps:
            after_mark |= Q(pk__in=gaps)
        rows = list(
            ProblemEvent.objects.filter(after_mark)
            .order_by("pk")
            .values_list("pk", "problem_id")[:batch]
        )
        if not rows and not gaps:
            return 0
        seen = {pk for pk, _problem in rows}
        if gaps:
            EventGap.objects.filter(event_id__in=seen).delete()
        beyond = sorted(pk for pk in seen if pk > mark.last_event_id)
        if beyond:
            # A first refresh (mark 0) starts at the first event there is: ids below it are
            # other tables' sequence values or long-deleted rows, not transactions in flight.
            low = mark.last_event_id + 1 if mark.last_event_id else beyond[0]
            missing = set(range(low, beyond[-1])) - seen
            if 0 < len(missing) <= MAX_NEW_GAPS:
                EventGap.objects.bulk_create(
                    [EventGap(event_id=pk, noted_at=now) for pk in missing],
                    ignore_conflicts=True,
                )
            mark.last_event_id = beyond[-1]
        recount_problems(problem for _pk, problem in rows)
        mark.refreshed_at = now
        mark.save(update_fields=["last_event_id", "refreshed_at"])
        return len(rows)


def backlog() -> int:
    """About how many events wait (ids after the mark; gaps of deleted events included)."""
    last = ProblemEvent.objects.aggregate(m=Max("pk"))["m"] or 0
    mark = AggregateMark.objects.filter(pk=1).values_list("last_event_id", flat=True).first()
    return max(0, last - (mark or 0))


def aggregates_fresh() -> tuple[int, object]:
    """Before a dashboard read: count what waits when it is little (else the tick will).

    Returns the mark (last event id counted) and when it moved, after any refresh."""
    last = ProblemEvent.objects.aggregate(m=Max("pk"))["m"] or 0
    row = AggregateMark.objects.filter(pk=1).values_list("last_event_id", "refreshed_at").first()
    mark, refreshed_at = row if row else (0, None)
    waiting = max(0, last - mark)
    if 0 < waiting <= INLINE_BACKLOG or (waiting == 0 and EventGap.objects.exists()):
        aggregates_refresh(max_batches=1)
        row = (
            AggregateMark.objects.filter(pk=1).values_list("last_event_id", "refreshed_at").first()
        )
        mark, refreshed_at = row if row else (0, None)
    return mark, refreshed_at


def aggregates_rebuild() -> int:
    """Recount every aggregate from the ledger in SQL (one transaction); returns the facts.

    The events of the last minutes are read again afterwards (idempotent), for transitions
    that were in flight while the ledger was read."""
    qn = connection.ops.quote_name
    with transaction.atomic():
        mark = _mark_locked()
        last = ProblemEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        for model in (ProblemFact, StatusCount, RegionDay, UnitDay):
            model.objects.all().delete()
        EventGap.objects.all().delete()
        zero = Value(0)
        select = (
            Problem.objects.order_by()
            .annotate(
                f_district=Coalesce("district_id", zero),
                f_street=Coalesce("street_id", zero),
                f_unit=Coalesce("responsible_unit_id", zero),
                f_created=TruncDate("created_at"),
            )
            .values_list(
                "pk",
                "f_district",
                "f_street",
                "f_unit",
                "category_id",
                "status",
                "f_created",
                "closed_on",
                "rectified_on",
                "deadline",
            )
        )
        sql, params = select.query.sql_with_params()
        fact = qn(ProblemFact._meta.db_table)
        columns = ", ".join(qn(c) for c in ("problem_id", *FACT_FIELDS))
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {fact} ({columns}) {sql}", params)  # noqa: S608
            _rebuild_counts(cursor, fact)
        mark.last_event_id = max(0, last - INLINE_BACKLOG)
        mark.rebuilt_at = mark.refreshed_at = timezone.now()
        mark.save()
        facts = ProblemFact.objects.count()
    aggregates_refresh()
    return facts


def _rebuild_counts(cursor, fact: str) -> None:
    qn = connection.ops.quote_name
    status_t = qn(StatusCount._meta.db_table)
    region_t = qn(RegionDay._meta.db_table)
    unit_t = qn(UnitDay._meta.db_table)
    key = "district, street, unit, category, status"
    # Three roll-ups of the same counts (see the module docstring).
    for d, s, u in (("district", ALL, ALL), ("district", "street", ALL), (ALL, ALL, "unit")):
        group = ", ".join(str(x) for x in (d, s, u) if isinstance(x, str))
        cursor.execute(
            f"INSERT INTO {status_t} ({key}, n) "  # noqa: S608
            f"SELECT {d}, {s}, {u}, category, status, COUNT(*) FROM {fact} "
            f"GROUP BY {group}, category, status"
        )
    for measure, day, condition in MEASURE_SQL:
        for district, street in (
            (str(ALL), str(ALL)),
            ("district", str(ALL)),
            ("district", "street"),
        ):
            group = ", ".join(c for c in (district, street) if not c.startswith("-"))
            cursor.execute(
                f"INSERT INTO {region_t} (day, district, street, measure, n) "  # noqa: S608
                f"SELECT {day}, {district}, {street}, %s, COUNT(*) FROM {fact} "
                f"WHERE {condition} GROUP BY {day}{', ' + group if group else ''}",
                [measure.value],
            )
        cursor.execute(
            f"INSERT INTO {unit_t} (day, unit, measure, n) "  # noqa: S608
            f"SELECT {day}, unit, %s, COUNT(*) FROM {fact} WHERE {condition} GROUP BY {day}, unit",
            [measure.value],
        )


def aggregates_recount() -> dict[tuple, int]:
    """The counts the ledger implies now, computed in Python from every problem (tests)."""
    expected: Counter = Counter()
    ids = list(Problem.objects.values_list("pk", flat=True))
    for fact in _current_facts(ids).values():
        for key in contributions(fact):
            expected[key] += 1
    return {key: n for key, n in expected.items() if n}


def aggregates_stored() -> dict[tuple, int]:
    """The counts the aggregate tables hold (rows at zero left out; a negative one is a bug)."""
    stored = {}
    for name, (model, keys) in _TABLES.items():
        for row in model.objects.exclude(n=0).values_list(*keys, "n"):
            stored[(name, *row[:-1])] = row[-1]
    return stored


def aggregates_tick(*, now) -> dict[str, int]:
    """`wenming tick`: count every waiting event."""
    return {"dashboard_events": aggregates_refresh()}


aggregates_tick.tick_name = "dashboards"
