"""Plans: the task ledger through the API at 5,000 tasks and 50,000 progress reports, and the
letters of responsibility of 120 units made in the worker.

Builds a throw-away database (SQLite in a temp folder; PostgreSQL too when
WENMING_BENCH_PG_URL points at a server — a temporary database is created next to it and
dropped afterwards) with the demo city's regions, units and evaluation system, 120 member
units, one campaign, 5,000 published tasks (lead unit, one or two co-units, one or two
regions, one to three standards, a milestone, statuses and deadlines spread over the year)
and 50,000 progress reports, then measures:

- **ledger** (goal p95 ≤ 25 ms, every query): `GET /api/v1/tasks` first page (50 rows) as the
  office with no filter and with each filter the ledger offers (unit, region, status,
  overdue, standard, each missing implementation) and with the counts; as a region officer
  and a unit officer (scoped). Floor: the raw first-page SELECT on the serving index.
- **letters** (goal ≤ 60 s): the job that makes every unit's letter and zips them
  (`plans.letters.make_letters`, what `wenming worker` runs), over 120 units.

Usage: python -m benchmarks plans [--repeat=N] [--db=both|sqlite|postgresql]
"""

import random
import sys
import time
from datetime import timedelta

from benchmarks.bench_points import _row, _timed
from benchmarks.harness import child_or_main, run_per_database

TASKS, REPORTS, UNITS = 5000, 50000, 120


def main(argv: list[str]) -> int:
    return run_per_database(argv, module="benchmarks.bench_plans", repeat=40)


def run(*, repeat: int) -> None:
    campaign = _build()
    _bench_ledger(repeat)
    _bench_letters(campaign)


def _build():
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from wenming.org import demo as org_demo
    from wenming.org.models import Person, Region, Unit
    from wenming.plans.models import Campaign, Milestone, Task, TaskProgress
    from wenming.standards import demo as standards_demo
    from wenming.standards.models import EvaluationSystem, Standard

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    org_demo.load(scale="small")
    standards_demo.load(scale="small")
    rng = random.Random(14)
    have = Unit.objects.count()
    Unit.objects.bulk_create(
        Unit(code=f"BENCH{n:03d}", name=f"测试成员单位{n:03d}", is_demo=True)
        for n in range(max(0, UNITS - have))
    )
    units = list(Unit.objects.values_list("pk", flat=True))[:UNITS]
    regions = list(
        Region.objects.filter(level__in=("district", "street")).values_list("pk", flat=True)
    )
    system = EvaluationSystem.objects.get(code="DEMO-2026")
    standards = list(Standard.objects.filter(system=system).values_list("pk", flat=True))
    city = Region.objects.filter(parent__isnull=True).first()
    office = Person.objects.get(username="office")
    campaign = Campaign.objects.create(
        name="bench", region=city, system=system, cycle_start_year=2024, cycle_end_year=2026
    )
    today = timezone.localdate()
    statuses = ["not_started", "in_progress", "in_progress", "submitted", "accepted", "returned"]
    now = timezone.now()
    with transaction.atomic():
        tasks = Task.objects.bulk_create(
            Task(
                campaign=campaign,
                title=f"任务 {n:05d}",
                description="" if n % 7 == 0 else "说明",
                lead_unit_id=units[n % len(units)],
                person_in_charge=office if n % 5 else None,
                start=today - timedelta(days=200),
                deadline=today + timedelta(days=rng.randint(-120, 240)),
                status=rng.choice(statuses),
                is_published=True,
                published_at=now,
                progress_percent=rng.randint(0, 100),
                last_progress_on=today - timedelta(days=rng.randint(0, 90)) if n % 9 else None,
                created_at=now,
            )
            for n in range(TASKS)
        )
        Task.co_units.through.objects.bulk_create(
            Task.co_units.through(task_id=t.pk, unit_id=u)
            for t in tasks
            for u in rng.sample(units, k=rng.randint(1, 2))
            if u != t.lead_unit_id
        )
        Task.regions.through.objects.bulk_create(
            Task.regions.through(task_id=t.pk, region_id=r)
            for t in tasks
            for r in rng.sample(regions, k=rng.randint(1, 2))
        )
        Task.standards.through.objects.bulk_create(
            Task.standards.through(task_id=t.pk, standard_id=s)
            for t in tasks
            for s in rng.sample(standards, k=rng.randint(1, 3))
        )
        Milestone.objects.bulk_create(
            Milestone(task=t, title="阶段", deadline=t.deadline - timedelta(days=30)) for t in tasks
        )
        TaskProgress.objects.bulk_create(
            (
                TaskProgress(
                    task=tasks[n % TASKS],
                    reported_on=today - timedelta(days=rng.randint(0, 200)),
                    percent=rng.randint(0, 100),
                    text="进展",
                    author=office,
                    created_at=now,
                )
                for n in range(REPORTS)
            ),
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from wenming.core import refcache

    refcache.invalidate()  # the units were written in bulk, not through their service
    print(
        f"  setup: demo city, {UNITS} units, {TASKS:,} tasks, {REPORTS:,} progress reports "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return campaign


def _bench_ledger(repeat: int) -> None:
    from django.db import connection
    from django.test import Client

    from wenming.core.services import token_create
    from wenming.org.models import Person, Region, Unit
    from wenming.plans import implementations
    from wenming.standards.models import Standard

    client = Client()
    office = Person.objects.get(username="office")
    tokens = {
        who: token_create(person=Person.objects.get(username=who), name="bench")[1]
        for who in ("office", "zhongshan", "urban")
    }
    unit = Unit.objects.get(code="URBAN").code
    region = Region.objects.get(code="210202").code
    standard = Standard.objects.filter(system__code="DEMO-2026").order_by("code").first().pk
    queries = [
        ("office", {}, "office, no filter"),
        ("office", {"counts": "true"}, "office, with counts"),
        ("office", {"unit": unit}, "office, unit"),
        ("office", {"region": region}, "office, region (subtree)"),
        ("office", {"status": "in_progress"}, "office, status"),
        ("office", {"overdue": "true"}, "office, overdue"),
        ("office", {"standard": standard}, "office, standard"),
        *[
            ("office", {"missing": code}, f"office, missing {code}")
            for code in implementations.CODES
        ],
        (
            "office",
            {"unit": unit, "overdue": "true", "counts": "true"},
            "office, unit+overdue+counts",
        ),
        ("zhongshan", {}, "region officer, no filter"),
        ("zhongshan", {"counts": "true"}, "region officer, with counts"),
        ("urban", {}, "unit officer, no filter"),
        ("urban", {"counts": "true", "overdue": "true"}, "unit officer, overdue+counts"),
    ]

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, title, status, deadline FROM plans_task WHERE is_published "
                "ORDER BY deadline, id LIMIT 51"
            )
            cursor.fetchall()

    floor_samples = _timed(floor, repeat)
    print(f"\n  ledger: GET /api/v1/tasks first page (50 rows), {repeat} calls each")
    worst = 0.0
    for who, params, label in queries:
        headers = {"Authorization": f"Bearer {tokens[who]}"}

        def call(params=params, headers=headers):
            response = client.get("/api/v1/tasks", {"limit": 50, **params}, headers=headers)
            assert response.status_code == 200, response.content[:300]

        samples = _timed(call, repeat)
        worst = max(worst, sorted(samples)[int(round(0.95 * (len(samples) - 1)))])
        print(_row(label, samples, floor_samples))
    print(_row("floor: raw first-page SELECT", floor_samples))
    print(f"  worst p95 {worst:.2f} ms   goal p95 ≤ 25 ms: {'met' if worst <= 25 else 'NOT met'}")
    del office


def _bench_letters(campaign) -> None:
    from wenming.core.jobs import job_run
    from wenming.core.models import Job
    from wenming.org.models import Person
    from wenming.plans.letters import letters_start
    from wenming.plans.models import Letter

    office = Person.objects.get(username="office")
    job = letters_start(actor=office, campaign=campaign, holder="unit")
    started = time.perf_counter()
    status = job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    job = Job.objects.get(pk=job.pk)
    made = Letter.objects.filter(campaign=campaign, generated_at__isnull=False).count()
    size = job.result.size if job.result else 0
    print(
        f"\n  letters: {made} unit letters (.docx) made and zipped in the job ({status}), "
        f"{elapsed:.1f} s, zip {size / 1e6:.1f} MB   goal ≤ 60 s: "
        f"{'met' if elapsed <= 60 and made >= UNITS else 'NOT met'}"
    )


if __name__ == "__main__":
    sys.exit(child_or_main(run, main, repeat=40))
