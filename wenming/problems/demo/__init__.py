"""The demo ledger: a year of problems that lived through every stage of the loop.

`load(scale="small")` makes about 20,000 problems over the past 12 months; `"city"` 200,000 and
`"city-year"` 1,000,000 (a big city's year), each with the timeline its status implies:

- every problem is *simulated*: reported at a plausible hour, registered (or dispatched at
  once by routing), accepted, rectified on time or late, verified, sometimes sent back for
  rework, returned as not ours, extended, put on hold, reopened; the simulation stops at
  "now", so recent problems are still open and a slow handler's problem is overdue;
- every transition is a move of the lifecycle table (`lifecycle.TRANSITIONS`: the status it
  leads to, who may make it, its guards; a move the table refuses stops the load), and writes
  the event row the services would write (same notes and `data` keys as
  services/transitions.py); the problem's per-stage timestamps,
  counters and denormalised columns (`district`, `street`, `is_open`, `is_pending`,
  `search_text`, `handling_days`, `rectified_on`, `closed_on`) are what those events imply;
- deadlines are counted with `wenming.core.calendar.add_working_days`;
- duplicates are rejected with `duplicate_of` and add to the original's "also reported"
  count; problems at a point that come back within 30 days of a close are recurrences;
- problems sit at the demo assessment points (with their checklist item and standard) when
  the points demo is loaded, otherwise near the centres of the demo communities;
- a sample of recent problems gets generated before/after photos (JPEG with EXIF time and
  GPS, stored through `wenming.core.uploads`), some of them failing the integrity checks.

Rows go in through raw `executemany` (SQLite) or `COPY` (PostgreSQL) in chronological order,
with codes, ids and the year counters allocated here. From `BULK_ROWS` problems on, the
secondary indexes and (PostgreSQL) foreign keys are dropped for the load and rebuilt after
it (performance.md: loading into an indexed table is 5–6× slower); then ANALYZE and the
full-text index rebuild. Everything generated is marked `is_demo`; `reset()` removes it.
"""

import contextlib
import random
import time

from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from wenming.core.progress import progress

from ..models import Problem, ProblemCounter, ProblemEvent, ProblemPhoto
from ..search import search_rebuild
from .content import BATCH, PHOTO_PROBLEMS, SCALE_COUNTS, SEED
from .generator import _Generator
from .photos import _make_photos
from .rows import _Rows, _Writer
from .world import _World

# From this many problems on, indexes are dropped during the load and rebuilt after it
# (read here at load time, so a test may lower it).
BULK_ROWS = 100_000


# --- entry points ---------------------------------------------------------------------------


def load(
    *,
    scale: str = "small",
    stdout=None,
    count: int | None = None,
    photos: int = PHOTO_PROBLEMS,
    seed: int = SEED,
) -> None:
    """Generate the demo ledger (skipped when demo problems already exist).

    `count` overrides the scale's number of problems; `photos` is how many problems get
    generated photos (tests pass small numbers of both).
    """
    if Problem.objects.filter(is_demo=True).exists():
        if stdout is not None:
            stdout.write("Demo problems already exist; run `wenming demo --reset` to rebuild.\n")
        return
    total = count if count is not None else SCALE_COUNTS.get(scale, SCALE_COUNTS["small"])
    started = time.monotonic()
    rng = random.Random(seed)
    gen = _Generator(_World(rng), rng, count=total, now=timezone.now(), photo_quota=photos)
    rows = _Rows(gen, connection.vendor)
    writer = _Writer(bulk=total >= BULK_ROWS, stdout=stdout)
    made = _load_rows(gen, rows, writer, total)
    with transaction.atomic():
        _set_counters(gen)
    loaded = time.monotonic()
    n_photos = _make_photos(gen, stdout) if photos else 0
    if stdout is not None:
        stdout.write(
            f"Demo ledger: {made} problems, {rows.events_written} events, "
            f"{n_photos} photos in {time.monotonic() - started:.1f} s "
            f"(rows {loaded - started:.1f} s).\n"
        )


def _load_rows(gen: _Generator, rows: _Rows, writer: _Writer, total: int) -> int:
    problem_table = Problem._meta.db_table
    event_table = ProblemEvent._meta.db_table
    through = Problem.co_units.through._meta
    co_columns = [through.get_field("problem").column, through.get_field("unit").column]
    made = 0
    buffers: tuple[list, list, list] = ([], [], [])

    # (Writing in a second thread while the next batch is simulated was measured: no gain,
    # the sqlite3 and psycopg row adapters hold the GIL.)
    def flush():
        with transaction.atomic():
            writer.insert(problem_table, rows.problem_columns, buffers[0])
            writer.insert(event_table, rows.event_columns, buffers[1])
            writer.insert(through.db_table, co_columns, buffers[2])
        for buffer in buffers:
            buffer.clear()

    with writer, progress(total, "Demo problems", unit="problems") as advance:
        for p in gen.problems():
            buffers[0].append(rows.problem(p))
            buffers[1].extend(rows.events(p))
            if p.unit_id is not None and gen.rng.random() < 0.06:
                other = gen.world.owner_of("lacking.facilities", gen.rng)
                if other and other != p.unit_id:
                    buffers[2].append((p.id, other))
            made += 1
            if len(buffers[0]) >= BATCH:
                flush()
                advance(BATCH)
        pending = len(buffers[0])
        flush()
        advance(pending)
    writer.finish()
    return made


def _set_counters(gen: _Generator) -> None:
    for year, last in gen.codes_in_year.items():
        counter, _created = ProblemCounter.objects.select_for_update().get_or_create(year=year)
        if counter.last < last:
            counter.last = last
            counter.save(update_fields=["last"])


def reset(*, stdout=None) -> None:
    """Remove every demo problem with its events, photos (and their files) and links."""
    started = time.monotonic()
    paths = list(
        ProblemPhoto.objects.filter(problem__is_demo=True).values_list(
            "path", "thumb_path", "public_path"
        )
    )
    with transaction.atomic():
        removed = _delete_demo_rows()
        # Codes are never reissued, but the demo's own may be: back to the highest left.
        for counter in ProblemCounter.objects.select_for_update():
            left = (
                Problem.objects.filter(code_year=counter.year).aggregate(m=Max("code_serial"))["m"]
                or 0
            )
            if counter.last != left:
                counter.last = left
                counter.save(update_fields=["last"])
    for triple in paths:
        for path in triple:
            if path:
                with contextlib.suppress(OSError):  # already gone
                    default_storage.delete(path)
    search_rebuild()
    if stdout is not None:
        stdout.write(f"Removed {removed} demo problems in {time.monotonic() - started:.1f} s.\n")


def _delete_demo_rows() -> int:
    """Raw deletes (the ORM's collector would load a million rows first)."""
    # Real problems may point at demo ones (a duplicate of, a recurrence of): unlink them.
    Problem.objects.filter(is_demo=False, duplicate_of__is_demo=True).update(duplicate_of=None)
    Problem.objects.filter(is_demo=False, recurrence_of__is_demo=True).update(recurrence_of=None)
    own = {ProblemEvent, ProblemPhoto, Problem, Problem.co_units.through}
    for relation in Problem._meta.related_objects:  # other apps' tables that point at problems
        model = relation.related_model
        if model in own:
            continue
        if relation.many_to_many:
            through = relation.through
            field = next(
                f
                for f in through._meta.concrete_fields
                if getattr(f, "related_model", None) is Problem
            )
            through._base_manager.filter(**{f"{field.name}__is_demo": True}).delete()
            continue
        rows = model._base_manager.filter(**{f"{relation.field.name}__is_demo": True})
        if relation.on_delete is models.SET_NULL:
            rows.update(**{relation.field.name: None})
        else:
            rows.delete()
    problems = connection.ops.quote_name(Problem._meta.db_table)
    removed = Problem.objects.filter(is_demo=True).count()
    with connection.cursor() as cursor:
        for model in (ProblemPhoto, ProblemEvent, Problem.co_units.through):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(
                f"DELETE FROM {table} WHERE problem_id IN "  # noqa: S608 (model names)
                f"(SELECT id FROM {problems} WHERE is_demo = %s)",
                [True],
            )
        cursor.execute(f"DELETE FROM {problems} WHERE is_demo = %s", [True])  # noqa: S608
    return removed
