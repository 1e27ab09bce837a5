"""Creation registry: the coverage page and `GET /api/v1/creation/coverage` over 100,000 entries.

Builds a throw-away database (SQLite in a temp folder; PostgreSQL too when
WENMING_BENCH_PG_URL points at a server — a temporary database is created next to it and
dropped afterwards) with the demo city and the creation demo, adds 100,000 family entries
spread over the city's communities (a third honoured at some level, some expired, some
revoked, most with a score), runs ANALYZE, then measures (goal ≤ 200 ms each):

- the coverage page `/creation/coverage/?type=FAMILY` as the office (every county, the
  candidates closest to qualifying in each) and as the Zhongshan officer;
- the API `GET /api/v1/creation/coverage?type=FAMILY` as the office.

Floor: the raw GROUP BY (county, level) over the type's entries with the same counts, and the
per-county top-3 candidates, as hand-written SQL. Figures are printed beside their floor (product
p50 ÷ floor p50). No assertions: the figures are for reading.

Usage: python -m benchmarks creation [--repeat=N] [--entries=N] [--db=both|sqlite|postgresql]
"""

import sys
import time

from benchmarks.bench_points import _row, _timed
from benchmarks.harness import child_or_main, run_per_database


def main(argv: list[str]) -> int:
    return run_per_database(
        argv, module="benchmarks.bench_creation", repeat=30, options={"entries": 100_000}
    )


def run(*, repeat: int, entries: int) -> None:
    _build(entries)
    _bench(repeat)


def _build(entries: int) -> None:
    import random
    from datetime import timedelta
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from wenming.core.staticbuild import collect_static
    from wenming.creation import demo as creation_demo
    from wenming.creation.models import CreationType, Entry
    from wenming.org import demo as org_demo
    from wenming.org.models import Region

    started = time.perf_counter()
    # The pages name hashed static files, as `wenming serve` collects them.
    collect_static()
    call_command("migrate", verbosity=0)
    org_demo.load(scale="small")
    creation_demo.load(scale="small")
    demo = time.perf_counter()
    family = CreationType.objects.get(code="FAMILY")
    rng = random.Random(15)
    today = timezone.localdate()
    districts = {r.code: r for r in Region.objects.filter(level="district")}
    communities = [
        (c, districts[c.lineage_codes()[1]]) for c in Region.objects.filter(level="community")
    ]
    rows = []
    for n in range(entries):
        community, district = communities[n % len(communities)]
        roll = rng.random()
        values = {}
        if roll < 0.33:
            values = {
                "status": "warned" if roll < 0.01 else "honoured",
                "level": rng.choice(["county", "county", "municipal", "provincial"]),
                "valid_until": today + timedelta(days=rng.randint(-200, 1000)),
                "honoured_since": today - timedelta(days=rng.randint(10, 1500)),
            }
        elif roll < 0.35:
            values = {"status": "revoked", "lost_on": today - timedelta(days=rng.randint(1, 700))}
        rows.append(
            Entry(
                type=family,
                key=f"bench:{n}",
                name=f"家庭{n}",
                region=community,
                district=district,
                system_id=family.system_id,
                score=Decimal(rng.randint(50, 95)) if rng.random() < 0.8 else None,
                **values,
            )
        )
    Entry.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    loaded = time.perf_counter()
    print(
        f"  setup: demo city and registry {demo - started:.1f} s; "
        f"{entries:,} family entries {loaded - demo:.1f} s",
        flush=True,
    )


# The same answer as hand-written SQL, in the same three narrow aggregates (one query with a
# CASE per row over the type's entries measured ~3× slower on SQLite).
FLOOR_COUNTS = [
    "SELECT district_id, COUNT(*) FROM creation_entry WHERE type_id = %s GROUP BY district_id",
    "SELECT district_id, level, COUNT(*),"
    " SUM(CASE WHEN honoured_since > %s THEN 1 ELSE 0 END) FROM creation_entry"
    " WHERE type_id = %s AND status IN ('honoured', 'warned') AND valid_until >= %s"
    " GROUP BY district_id, level",
    "SELECT district_id, COUNT(*) FROM creation_entry WHERE type_id = %s AND lost_on > %s"
    " GROUP BY district_id",
]
FLOOR_CANDIDATES = """
SELECT id, name, score FROM creation_entry
WHERE type_id = %s AND district_id = %s AND score IS NOT NULL AND status IN ('none', 'revoked')
ORDER BY score DESC, id LIMIT 3
"""


def _bench(repeat: int) -> None:
    from datetime import timedelta

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from wenming.core.services import token_create
    from wenming.creation.models import CreationType
    from wenming.org.models import Person, Region

    family = CreationType.objects.get(code="FAMILY")
    office = Person.objects.get(username="office")
    zhongshan = Person.objects.get(username="zhongshan")
    token = token_create(person=office, name="bench")[1]
    pages = {}
    for who in (office, zhongshan):
        client = Client()
        client.force_login(who, backend="wenming.core.backends.WenmingModelBackend")
        pages[who.username] = client
    api = Client()
    district_ids = list(Region.objects.filter(level="district").values_list("pk", flat=True))
    today = timezone.localdate()
    year_ago = today - timedelta(days=365)

    def page(who):
        def run():
            response = pages[who].get("/creation/coverage/?type=FAMILY")
            assert response.status_code == 200, response.status_code

        return run

    def api_call():
        response = api.get(
            "/api/v1/creation/coverage?type=FAMILY", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.content[:300]

    def floor():
        with connection.cursor() as cursor:
            for sql, params in zip(
                FLOOR_COUNTS,
                [[family.pk], [year_ago, family.pk, today], [family.pk, year_ago]],
                strict=True,
            ):
                cursor.execute(sql, params)
                cursor.fetchall()
            for district_id in district_ids:
                cursor.execute(FLOOR_CANDIDATES, [family.pk, district_id])
                cursor.fetchall()

    floor_samples = _timed(floor, repeat)
    print(f"\n  coverage of {family.entries.count():,} family entries, {repeat} runs each")
    print(
        _row("page /creation/coverage/ (office)", _timed(page("office"), repeat), floor_samples)
        + "   goal ≤ 200 ms"
    )
    print(
        _row(
            "page /creation/coverage/ (Zhongshan)", _timed(page("zhongshan"), repeat), floor_samples
        )
        + "   goal ≤ 200 ms"
    )
    print(
        _row("API GET /creation/coverage (office)", _timed(api_call, repeat), floor_samples)
        + "   goal ≤ 200 ms"
    )
    print(_row("floor: GROUP BY + top-3 per county (raw SQL)", floor_samples))


if __name__ == "__main__":
    sys.exit(child_or_main(run, main, repeat=30, options={"entries": 100_000}))
