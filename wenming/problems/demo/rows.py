"""Turning simulated problems into table rows, and writing them in batches."""

import json
import time
from datetime import date, datetime

from django.db import connection
from django.db.models import Max

from wenming.core.progress import progress

from ..deadlines import DeadlineClock
from ..models import (
    Problem,
    ProblemEvent,
    ProblemPhoto,
    status_flags,
)
from ..search import search_rebuild, search_text_for
from .content import (
    _words,
)
from .generator import (
    _Generator,
)
from .simulation import (
    _P,
)

# --- turning problems into rows ------------------------------------------------------------


def _model_fields(model, known: list[str]):
    """`known` attnames in that order, plus every other column with its default value."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    missing = [name for name in known if name not in fields]
    if missing:
        raise RuntimeError(
            f"{model.__name__} has no field(s) {missing}; update problems/demo/rows.py"
        )
    extra = []
    for name, field in fields.items():
        if name in known:
            continue
        if field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        elif field.empty_strings_allowed:
            value = ""
        else:
            raise RuntimeError(
                f"{model.__name__}.{name} needs a value; update problems/demo/rows.py"
            )
        if isinstance(value, dict | list):
            value = json.dumps(value)
        extra.append((field.column, value))
    columns = [fields[name].column for name in known] + [c for c, _v in extra]
    return columns, tuple(v for _c, v in extra)


PROBLEM_FIELDS = _words("""
id code code_year code_serial title description category_id source severity region_id
district_id street_id point_id checklist_item_id standard_id lat lon address responsible_unit_id
handling_region_id deadline original_deadline status is_open is_pending version created_at
updated_at registered_at dispatched_at accepted_at rectified_at closed_at rejected_at held_at
reopened_at rectified_on closed_on handling_days rework_count extension_count return_count
reopen_count also_reported_count flagged_photo_count duplicate_of_id recurrence_of_id
reported_by_id reporter_name reporter_phone is_anonymous hold_plan hold_until
extension_requested_until extension_reason hold_requested_until hold_request_plan escalated_at
due_soon_notice_for overdue_notice_for search_text is_demo
""")
EVENT_FIELDS = _words("""
id problem_id action from_status to_status actor_id actor_name created_at note data unit_id
district_id
""")


class _Rows:
    """Formats simulated problems as row tuples for the database at hand."""

    def __init__(self, gen: _Generator, vendor: str):
        self.gen = gen
        self.clock = DeadlineClock(gen.today)
        self.suffix = "+00" if vendor == "postgresql" else ""
        self.offset = gen.offset
        self.problem_columns, self.problem_tail = _model_fields(Problem, PROBLEM_FIELDS)
        self.event_columns, self.event_tail = _model_fields(ProblemEvent, EVENT_FIELDS)
        self.next_event_id = (ProblemEvent.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.events_written = 0
        self.dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode

    def ts(self, local: datetime | None):
        if local is None:
            return None
        return (local - self.offset).isoformat(" ") + self.suffix

    @staticmethod
    def day(value: date | None):
        return value.isoformat() if value is not None else None

    def problem(self, p: _P) -> tuple:
        ts, day = self.ts, self.day
        flags = status_flags(p.status)
        pending = flags["is_pending"]
        # The notices the tick would have sent by now (deadlines.py decides, as for the tick).
        overdue, due_soon = self.clock.due(pending, p.deadline)
        # The "also reported" bump does not touch updated_at in the services either.
        last = p.events[-1][5] if p.events else p.created
        rectified_on = p.rectified_at.date() if p.rectified_at else None
        row = (
            p.id,
            p.code,
            p.year,
            p.serial,
            p.title,
            p.description,
            p.category["id"],
            p.source,
            p.severity,
            p.area.region_id,
            p.area.district_id,
            p.area.street_id,
            p.point_id,
            p.item_id,
            p.standard_id,
            p.lat,
            p.lon,
            p.address,
            p.unit_id,
            p.region_id,
            day(p.deadline),
            day(p.original_deadline),
            p.status,
            flags["is_open"],
            pending,
            len(p.events),
            ts(p.created),
            ts(last),
            ts(p.registered_at),
            ts(p.dispatched_at),
            ts(p.accepted_at),
            ts(p.rectified_at),
            ts(p.closed_at),
            ts(p.rejected_at),
            ts(p.held_at),
            ts(p.reopened_at),
            day(rectified_on),
            day(p.closed_at.date() if p.closed_at else None),
            p.handling_days,
            p.rework,
            p.extensions,
            p.returns,
            p.reopens,
            len(p.also_events),
            0,
            p.duplicate_of,
            p.recurrence_of,
            p.reporter["id"] if p.reporter else None,
            p.reporter_name,
            p.reporter_phone,
            p.is_anonymous,
            p.hold_plan,
            day(p.hold_until),
            day(p.ext_until),
            p.ext_reason,
            day(p.hold_req_until),
            p.hold_req_plan,
            ts(p.escalated_at),
            day(p.deadline) if (due_soon or overdue) else None,
            day(p.deadline) if overdue else None,
            search_text_for(title=p.title, address=p.address),
            True,
        )
        return row + self.problem_tail

    def events(self, p: _P) -> list[tuple]:
        ts, dumps, district = self.ts, self.dumps, p.area.district_id
        events = p.events
        if p.also_events:
            events = sorted([*events, *map(tuple, p.also_events)], key=lambda e: e[5])
        rows = []
        ids = []
        event_id = self.next_event_id
        for action, from_s, to_s, actor_id, name, t, note, data, unit_id in events:
            rows.append(
                (
                    event_id,
                    p.id,
                    action,
                    from_s,
                    to_s,
                    actor_id,
                    name,
                    ts(t),
                    note,
                    dumps(data) if data else "{}",
                    unit_id,
                    district,
                )
                + self.event_tail
            )
            ids.append(event_id)
            event_id += 1
        self.events_written += event_id - self.next_event_id
        self.next_event_id = event_id
        p.events, p.event_ids = events, ids  # the photos of sampled problems link to them
        return rows


# --- writing rows ---------------------------------------------------------------------------


class _Writer:
    """Inserts row batches; drops and rebuilds secondary indexes around a big load."""

    def __init__(self, *, bulk: bool, stdout=None):
        self.vendor = connection.vendor
        self.bulk = bulk
        self.stdout = stdout
        self.saved_indexes: list[tuple[str, str]] = []
        self.saved_fks: list[tuple[str, str, str]] = []
        self.tables = [
            Problem._meta.db_table,
            ProblemEvent._meta.db_table,
            Problem.co_units.through._meta.db_table,
        ]

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)

    # The load runs outside any transaction block (each batch is its own transaction), so
    # PRAGMAs and VACUUM can run.
    def __enter__(self):
        if self.bulk:
            self._drop()
        return self

    def __exit__(self, *exc):
        if self.bulk:
            self._restore()
        return False

    def _drop(self) -> None:
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA foreign_keys=OFF")
                for table in self.tables:
                    cursor.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=%s"
                        " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'",
                        [table],
                    )
                    self.saved_indexes += cursor.fetchall()
                for name, _sql in self.saved_indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
            elif self.vendor == "postgresql":
                for table in self.tables:
                    cursor.execute(
                        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid = %s::regclass AND contype = 'f'",
                        [table],
                    )
                    self.saved_fks += [(table, name, sql) for name, sql in cursor.fetchall()]
                    cursor.execute(
                        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                        "WHERE i.tablename = %s AND i.indexname NOT IN ("
                        " SELECT c.relname FROM pg_constraint k JOIN pg_class c "
                        " ON c.oid = k.conindid WHERE k.conrelid = %s::regclass)"
                        " AND i.indexdef NOT LIKE 'CREATE UNIQUE%%'",
                        [table, table],
                    )
                    self.saved_indexes += cursor.fetchall()
                if connection.in_atomic_block:
                    # Deferred checks of rows written earlier in this transaction block any
                    # ALTER TABLE; run them now.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table, name, _sql in self.saved_fks:
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                for name, _sql in self.saved_indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
        self.say(
            f"Dropped {len(self.saved_indexes)} indexes and {len(self.saved_fks)} "
            "foreign keys for the load.\n"
        )

    def _restore(self) -> None:
        started = time.monotonic()
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size=-400000")
            else:
                cursor.execute("SET maintenance_work_mem = '512MB'")
            with progress(
                len(self.saved_indexes) + len(self.saved_fks), "Rebuilding indexes", unit="indexes"
            ) as advance:
                for _name, sql in self.saved_indexes:
                    cursor.execute(sql)
                    advance(1)
                if self.saved_fks and connection.in_atomic_block:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table, name, sql in self.saved_fks:
                    cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {sql}')
                    advance(1)
                if self.saved_fks and connection.in_atomic_block:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size=-2000")
                cursor.execute("PRAGMA foreign_keys=ON")
        self.say(f"Rebuilt the indexes in {time.monotonic() - started:.1f} s.\n")

    def insert(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        if self.vendor == "postgresql":
            sql = f'COPY "{table}" ({quoted}) FROM STDIN'
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            # Table and column names come from the models, never from input.
            cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)  # noqa: S608

    def finish(self) -> None:
        """Sequences, statistics and the text index after the load."""
        from django.core.management.color import no_style

        started = time.monotonic()
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [Problem, ProblemEvent, ProblemPhoto]
                ):
                    cursor.execute(sql)
                # VACUUM also marks the pages all-visible, so COUNTs are index-only scans; it
                # cannot run inside a transaction (a test's), where ANALYZE has to do.
                verb = (
                    "VACUUM ANALYZE" if self.bulk and not connection.in_atomic_block else "ANALYZE"
                )
                cursor.execute(
                    f'{verb} "{Problem._meta.db_table}", "{ProblemEvent._meta.db_table}"'
                )
            elif self.vendor == "sqlite":
                if self.bulk:  # the load ran without foreign-key enforcement: check it now
                    for table in self.tables:
                        cursor.execute(f'PRAGMA foreign_key_check("{table}")')
                        broken = cursor.fetchall()
                        if broken:
                            raise RuntimeError(f"demo rows break foreign keys: {broken[:5]}")
                # performance.md: without statistics the planner picks poor indexes.
                cursor.execute("PRAGMA analysis_limit=2000")
                cursor.execute("ANALYZE")
                cursor.execute("PRAGMA analysis_limit=0")
        self.say(f"Statistics updated in {time.monotonic() - started:.1f} s.\n")
        started = time.monotonic()
        search_rebuild()
        self.say(f"Full-text index rebuilt in {time.monotonic() - started:.1f} s.\n")
