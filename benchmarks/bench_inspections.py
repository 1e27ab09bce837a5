"""Inspections: submitting a 40-item visit with 10 failures, and a 2,000-visit round's summary.

Builds a throw-away database (SQLite in a temp folder; PostgreSQL too when
WENMING_BENCH_PG_URL points at a server, e.g. postgres://postgres@127.0.0.1:5433/wm_inspbench —
a temporary database is created next to it and dropped afterwards) with the demo city, a
smaller demo ledger and the inspections demo, then measures:

- **submit** (goal p95 ≤ 500 ms): `POST /api/v1/visits/{id}/submit` of a visit whose point
  type has 40 checklist items, 10 of them failed, each with a photo: the score, 10 problems
  created through the ledger's service (routing, dispatch, the photos stored as before-photos
  with their renditions), the events. Each run submits a fresh visit (start, answers and photos
  are sent before the clock starts). Floor: the same amount of raw work, storing the 10 photos'
  bytes and inserting 10 rows in one transaction.
- **round summary** (goal ≤ 300 ms): a stratified mock round with about 2,000 scored visits:
  `selectors.round_summary` (counts, type scores, field score, the stratified estimate over
  the draw frame) as the office, and the API `GET /api/v1/rounds/{id}` (the round page renders the
  same summary). Floor:
  the raw GROUP BY over the round's visits.

Figures are printed beside their floor (product p50 ÷ floor p50), as the other benchmarks do.
No assertions: the figures are for reading.

Usage: python -m benchmarks inspections [--repeat=N] [--db=both|sqlite|postgresql]
"""

import sys
import time

from benchmarks.bench_points import _row, _timed
from benchmarks.harness import child_or_main, run_per_database

ITEMS, FAILURES = 40, 10


def main(argv: list[str]) -> int:
    return run_per_database(argv, module="benchmarks.bench_inspections", repeat=30)


def run(*, repeat: int) -> None:
    _build()
    _bench_submit(repeat)
    _bench_summary(repeat)


def _build() -> None:
    from django.core.management import call_command
    from django.db import connection

    from wenming.inspections import demo as inspections_demo
    from wenming.org import demo as org_demo
    from wenming.points import demo as points_demo
    from wenming.problems import demo as problems_demo
    from wenming.standards import demo as standards_demo

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    org_demo.load(scale="small")
    standards_demo.load(scale="small")
    points_demo.load(scale="small")
    problems_demo.load(count=5000, photos=0)
    city = time.perf_counter()
    inspections_demo.load(scale="small")
    loaded = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"  setup: demo city and 5,000 problems {city - started:.1f} s; "
        f"inspections demo {loaded - city:.1f} s",
        flush=True,
    )


def _forty_item_round(visits: int):
    """A point type with 40 checklist items (copies of the demo's), `visits` points of it, and
    an open round visiting them all, assigned to the demo inspector."""
    from datetime import timedelta

    from django.utils import timezone

    from wenming.inspections import services
    from wenming.org.models import Person
    from wenming.points.models import Point
    from wenming.standards.models import ChecklistItem, EvaluationSystem, PointType

    system = EvaluationSystem.objects.get(code="DEMO-2026")
    market = PointType.objects.get(code="MARKET")
    bench = PointType.objects.get(pk=market.pk)
    bench.pk, bench.code, bench.name = None, "BENCH40", "测试四十项点位"
    bench.save()
    sources = list(
        ChecklistItem.objects.filter(system=system, photo_required=True).order_by("pk")[:ITEMS]
    )
    for n, item in enumerate(sources):
        item.pk, item.code, item.point_type, item.order = None, f"B40-{n:02d}", bench, n
        item.save()
    originals = list(Point.objects.filter(point_type=market, is_active=True).order_by("code"))
    for n in range(visits):
        point = originals[n % len(originals)]
        units = list(point.responsible_units.all())
        point.pk, point.code, point.point_type = None, f"B40-{n:04d}", bench
        point.save()
        point.responsible_units.set(units)
    office = Person.objects.get(username="office")
    inspector = Person.objects.get(username="inspector")
    today = timezone.localdate()
    round_ = services.round_create(
        actor=office,
        code="BENCH-40",
        name="forty items",
        kind="supervision",
        system=system,
        regions=_cities(),
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
        plans=[{"point_type": bench}],
        seed=40,
    )
    services.round_draw(actor=office, round_=round_, teams=[[inspector]])
    return round_, inspector


def _cities():
    from wenming.org.models import Region

    return list(Region.objects.filter(parent__isnull=True))


def _prepare(visit, inspector, n: int) -> None:
    """Start, answer (10 of 40 failed) and photograph a visit: everything before the submit."""
    import random

    from wenming.inspections import services
    from wenming.problems.demo.photos import _jpeg, _scene

    services.visit_start(actor=inspector, visit=visit, lat=visit.point.lat, lon=visit.point.lon)
    items = services.visits.checklist_of(visit)
    failing = {i.code for i in items[:FAILURES]}
    services.visit_answers_save(
        actor=inspector,
        visit=visit,
        answers=[
            {"item": i.code, "answer": "fail" if i.code in failing else "pass", "client_id": i.code}
            for i in items
        ],
    )
    from django.utils import timezone

    for k, code in enumerate(sorted(failing)):
        data = _jpeg(
            _scene(random.Random(n * 100 + k), clutter=True),
            taken=timezone.now(),
            lat=visit.point.lat,
            lon=visit.point.lon,
        )
        services.visit_photo_add(
            actor=inspector, visit=visit, item_code=code, upload=data, client_id=f"p{k}"
        )


def _bench_submit(repeat: int) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import connection, transaction
    from django.test import Client

    from wenming.core.services import token_create
    from wenming.inspections.models import VisitPhoto
    from wenming.problems.models import Problem

    round_, inspector = _forty_item_round(repeat + 1)
    token = token_create(person=inspector, name="bench")[1]
    client = Client()
    visits = list(round_.visits.select_related("point", "round").order_by("pk"))
    samples = []
    before = Problem.objects.count()
    for n, visit in enumerate(visits):
        _prepare(visit, inspector, n)
        started = time.perf_counter()
        response = client.post(
            f"/api/v1/visits/{visit.pk}/submit", headers={"Authorization": f"Bearer {token}"}
        )
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.content[:300]
        if n:  # the first warms caches and connections
            samples.append(elapsed)
    made = (Problem.objects.count() - before) / len(visits)
    photo_bytes = [
        default_storage.open(p.file.name).read() for p in VisitPhoto.objects.filter(visit=visits[0])
    ]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_floor (id INTEGER, title VARCHAR(200), body TEXT)")
    counter = {"n": 0}

    def floor():
        counter["n"] += 1
        with transaction.atomic():
            for k, data in enumerate(photo_bytes):
                default_storage.save(f"floor/{counter['n']}-{k}.jpg", ContentFile(data))
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO bench_floor (id, title, body) VALUES (%s, %s, %s)",
                    [(k, "floor", "x" * 200) for k in range(FAILURES)],
                )

    print(
        f"\n  submit: a {ITEMS}-item visit, {FAILURES} failures with a photo each "
        f"({made:.1f} problems made per submit), {len(samples)} submits, as the inspector"
    )
    floor_samples = _timed(floor, len(samples))
    print(_row("API POST /visits/{id}/submit", samples, floor_samples) + "   goal p95 ≤ 500 ms")
    print(_row("floor: 10 photos stored + 10 rows inserted", floor_samples))


def _bench_summary(repeat: int) -> None:
    import math
    import random
    from datetime import timedelta

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from wenming.core.services import token_create
    from wenming.inspections import demo, selectors
    from wenming.inspections.models import Visit
    from wenming.org.models import Person
    from wenming.standards.models import EvaluationSystem, PointType

    office = Person.objects.get(username="office")
    staff = demo._field_staff()
    system = EvaluationSystem.objects.get(code=demo.SYSTEM_CODE)
    counts = demo._type_counts(system)
    counts.pop("BENCH40", None)
    types = PointType.objects.in_bulk(list(counts), field_name="code")
    round_ = demo._round(
        office,
        system,
        "BENCH-MOCK-2000",
        "两千个检查任务的模拟测评",
        "mock",
        _cities(),
        timezone.localdate() - timedelta(days=30),
        20,
        2000,
        [
            {
                "point_type": types[t],
                "mode": "random",
                "by_district": True,
                "size": max(3, math.ceil(n * 0.72)),
            }
            for t, n in counts.items()
        ],
        [[staff["evaluator"]], [staff["demo-eval-2"]]],
        pass_threshold=81,
    )
    demo._answer_round(
        random.Random(5),
        round_,
        demo._problem_pairs(system),
        demo._photo_pool(random.Random(6), _cities()[0]),
        offset=0.0,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    visits = Visit.objects.filter(round=round_).count()
    token = token_create(person=office, name="bench")[1]
    api = Client()
    summary = selectors.round_summary(actor=office, round_=round_)
    print(
        f"\n  round summary: {visits:,} scored visits in {len(summary.strata)} strata, "
        f"estimate {summary.estimate.score:.2f} [{summary.estimate.low:.2f}, "
        f"{summary.estimate.high:.2f}], as the office"
    )

    def selector():
        selectors.round_summary(actor=office, round_=round_)

    def via_api():
        response = api.get(
            f"/api/v1/rounds/{round_.pk}", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.content[:300]

    sql = (
        "SELECT point_type_id, district_id, COUNT(*), SUM(score), SUM(earned), SUM(possible), "
        "SUM(places_observed), SUM(places_passed) FROM inspections_visit "
        "WHERE round_id = %s AND status IN ('submitted', 'approved', 'has_issues') "
        "GROUP BY point_type_id, district_id"
    )

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(sql, [round_.pk])
            cursor.fetchall()

    floor = _timed(raw, repeat)
    print(
        _row("selector round_summary (with the estimate)", _timed(selector, repeat), floor)
        + "   goal ≤ 300 ms"
    )
    print(_row("API GET /rounds/{id}", _timed(via_api, repeat), floor))
    print(_row("raw SQL (GROUP BY over the round's visits)", floor))


if __name__ == "__main__":
    sys.exit(child_or_main(run, main, repeat=30))
