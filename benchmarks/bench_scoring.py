"""Scoring: a month's snapshot at city scale (goal ≤ 30 s at 1,000,000 problems).

For SQLite, and for PostgreSQL when `WENMING_BENCH_PG_URL` is set (a server URL; the benchmark
makes its own database on it), this builds the demo city with `--rows` problems over twelve
months (org, standards, points, the problems demo with that count, the inspections demo:
what a snapshot reads; `--reuse` keeps a database of the right size under var/bench/), runs
`ANALYZE`, then times:

- **snapshot**: `services.snapshot_compute` of the month just ended, every region at every
  level and every unit, written as rows (the first run), then `snapshot_recompute` of the same
  month as a new version (the later runs: the same work, the old version kept);
- **floor**: the raw SQL of the month's ledger counts (the due set's eight counts) grouped
  by district and by unit (performance.md: 256 ms on SQLite, 80–190 ms on PostgreSQL at 1M),
  on the same connection.

Printed as product vs floor, with each run's time (the first compute, then the recomputes);
nothing is asserted. `--month=YYYY-MM` times another month than the one just ended (the
inspections demo approves its visits up to October, so an earlier month also reads visits).
Usage:
python -m benchmarks scoring [--rows=N] [--repeat=N] [--reuse] [--no-sqlite] [--month=YYYY-MM]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
GOAL_S = 30


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks scoring")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--month", default="")
    args, _rest = parser.parse_known_args(argv)
    from benchmarks.bench_problems import postgres_database, sqlite_database

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    targets = [] if args.no_sqlite else [("SQLite", sqlite_database(args.rows, False, "scoring"))]
    pg = os.environ.get("WENMING_BENCH_PG_URL")
    if pg:
        targets.append(("PostgreSQL", postgres_database(pg, args.rows, False, "scoring")))
    else:
        print("(PostgreSQL skipped: set WENMING_BENCH_PG_URL to include it)")
    status = 0
    for label, url in targets:
        print(f"--- {label} ---", flush=True)
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.bench_scoring",
                "--worker",
                url,
                "--rows",
                str(args.rows),
                "--repeat",
                str(args.repeat),
                *(["--reuse"] if args.reuse else []),
                *(["--month", args.month] if args.month else []),
            ],
            cwd=ROOT,
            check=False,
        )
        status |= result.returncode
    return status


def worker(url: str, rows: int, repeat: int, reuse: bool, month: str = "") -> int:
    os.environ["WENMING_DATABASE_URL"] = url
    os.environ.setdefault("WENMING_MEDIA_ROOT", str(BENCH_DIR / "media-scoring"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenming.settings")
    import django

    django.setup()
    from wenming.problems.models import Problem

    have = 0
    try:
        have = Problem.objects.count()
    except Exception:  # noqa: BLE001 - no schema yet
        have = 0
    if not reuse or abs(have - rows) > rows * 0.1:
        _build(url, rows)
    _bench(repeat, month)
    return 0


def _build(url: str, rows: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from wenming.inspections import demo as inspections_demo
    from wenming.org import demo as org_demo
    from wenming.points import demo as points_demo
    from wenming.problems import demo as problems_demo
    from wenming.standards import demo as standards_demo

    if url.startswith("sqlite"):
        connection.close()
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    org_demo.load(scale="small")
    standards_demo.load(scale="small")
    points_demo.load(scale="small")
    scale = "small" if rows < 200_000 else "city" if rows < 1_000_000 else "city-year"
    problems_demo.load(scale=scale, count=rows, photos=0)
    inspections_demo.load(scale="small")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  setup: {rows:,} problems and the demo city {time.perf_counter() - started:.0f} s")


FLOOR_SQL = """
SELECT {key},
  COUNT(*) FILTER (WHERE status IN ('dispatched','in_progress','rectified','closed')),
  COUNT(*) FILTER (WHERE status = 'closed'),
  COUNT(*) FILTER (WHERE status = 'closed' AND closed_on <= deadline),
  COUNT(*) FILTER (WHERE status IN ('rectified','closed') AND rectified_on <= deadline),
  COUNT(*) FILTER (WHERE rework_count > 0),
  COUNT(*) FILTER (WHERE is_pending AND deadline < %s),
  COUNT(*) FILTER (WHERE extension_count > 0),
  COUNT(*) FILTER (WHERE recurrence_of_id IS NOT NULL)
FROM problems_problem WHERE deadline >= %s AND deadline <= %s GROUP BY {key}
"""


def _floor(period, today) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for key in ("district_id", "responsible_unit_id"):
            cursor.execute(FLOOR_SQL.format(key=key), [today, period.first, period.last])
            cursor.fetchall()


def _bench(repeat: int, month: str = "") -> None:
    from django.db import connection
    from django.utils import timezone

    from benchmarks.bench_points import _row, _timed
    from wenming.problems.deadlines import local_today
    from wenming.scoring import services
    from wenming.scoring.models import Snapshot
    from wenming.scoring.tasks import month_just_ended

    month = month or month_just_ended(timezone.now())
    period = services.month_parse(month)
    Snapshot.objects.filter(month=period.first).delete()
    today = local_today()
    times = []
    started = time.perf_counter()
    snapshot = services.snapshot_compute(month=month)
    times.append(time.perf_counter() - started)
    services.snapshot_publish(snapshot=snapshot)
    for n in range(repeat - 1):
        started = time.perf_counter()
        snapshot = services.snapshot_recompute(
            snapshot=snapshot, actor=None, reason=f"benchmark run {n + 2}"
        )
        times.append(time.perf_counter() - started)
    floor = _timed(lambda: _floor(period, today), max(3, repeat))
    p50 = statistics.median(times)
    print(
        f"  {connection.vendor}: snapshot of {month}: {snapshot.subjects} subjects, "
        f"{snapshot.problems_due:,} problems due, {snapshot.visits} visits",
        flush=True,
    )
    print(
        f"  snapshot (compute + write)                    p50 {p50:8.2f} s    "
        f"max {max(times):8.2f} s   goal ≤ {GOAL_S} s: {'met' if max(times) <= GOAL_S else 'NOT met'}"
    )
    print("  runs: " + ", ".join(f"{t:.2f} s" for t in times) + " (first compute, recomputes)")
    print(_row("floor: month's counts by district and unit", floor))
    print(f"  ratio snapshot ÷ floor: {p50 * 1000 / statistics.median(floor):.1f}×", flush=True)


if __name__ == "__main__" and "--worker" in sys.argv:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker")
    parser.add_argument("--rows", type=int)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--month", default="")
    a = parser.parse_args()
    sys.exit(worker(a.worker, a.rows, a.repeat, a.reuse, a.month))
