"""Assessment points at city scale: the map's bounding-box query and the filtered list.

Builds a throw-away database (SQLite in a temp folder; PostgreSQL too when
WENMING_BENCH_PG_URL points at a server, e.g. postgres://postgres@127.0.0.1:5433/postgres —
a temporary database is created next to it and dropped afterwards) with the demo city and
~50,000 points, then prints p50/p95 for each query through the API, through the selectors,
and as raw SQL, the ratio product/raw, and the query plan showing the index. No assertions:
the figures are for reading.

Usage: python -m benchmarks points [--points=N] [--repeat=N]
Each database runs in its own process, so Django is configured once per database.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks import database_targets

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_points")
    parser.add_argument("--points", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=60)
    args, _rest = parser.parse_known_args(argv)
    status = 0
    with tempfile.TemporaryDirectory(prefix="wenming-bench-points-") as folder:
        for label, url in database_targets(folder):
            print(f"--- {label} ---", flush=True)
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.bench_points",
                    "--worker",
                    url,
                    "--points",
                    str(args.points),
                    "--repeat",
                    str(args.repeat),
                ],
                cwd=ROOT,
                check=False,
            )
            status |= result.returncode
    return status


# --- the worker (one process per database) -------------------------------------------------


def _pg_temp_database(url: str) -> tuple[str, callable]:
    """Create a fresh database on the server of `url`; return its URL and a dropper."""
    import psycopg

    name = f"wenming_bench_{os.getpid()}"
    parts = urlsplit(url)
    admin = psycopg.connect(url, autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()

    def drop():
        from django.db import connections

        connections.close_all()
        conn = psycopg.connect(url, autocommit=True)
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def _timed(func, repeat: int) -> list[float]:
    func()  # warm up caches and connections
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _row(label: str, samples: list[float], floor: list[float] | None = None) -> str:
    p50, p95 = statistics.median(samples), _p(samples, 0.95)
    ratio = f"{p50 / statistics.median(floor):6.1f}×" if floor else "   raw"
    return f"  {label:<44} p50 {p50:8.2f} ms   p95 {p95:8.2f} ms   {ratio}"


def worker(url: str, points: int, repeat: int) -> int:
    dropper = None
    if url.startswith("postgres"):
        url, dropper = _pg_temp_database(url)
    os.environ["WENMING_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenming.settings")
    import django

    django.setup()
    try:
        _run(points, repeat)
    finally:
        if dropper:
            dropper()
    return 0


def _build(points: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from wenming.org import demo as org_demo
    from wenming.points import demo as points_demo
    from wenming.points.services import points_bulk_upsert
    from wenming.standards import demo as standards_demo

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    org_demo.load(scale="small")
    standards_demo.load(scale="small")
    migrated = time.perf_counter()
    everything = points_demo.build_rows(scale="city-year")
    # A smaller run takes every n-th row, so its points still cover every district (the
    # first n rows would fill a few districts and leave most viewports empty).
    rows = everything[:: max(1, len(everything) // points)][:points]
    built = time.perf_counter()
    points_bulk_upsert(rows=rows, actor=None, is_demo=True, audit=False)
    loaded = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"  setup: migrate + demo city {migrated - started:.1f} s; {len(rows):,} points "
        f"generated {built - migrated:.1f} s, loaded {loaded - built:.1f} s "
        f"({len(rows) / (loaded - built):,.0f} points/s, with units and events)",
        flush=True,
    )


def _explain(sql: str, params: list) -> list[str]:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return [" | ".join(str(c) for c in row if c is not None) for row in cursor.fetchall()]


def _run(points: int, repeat: int) -> None:
    import random

    from django.db import connection
    from django.test import Client

    from wenming.core.services import token_create
    from wenming.org.models import Person, Region
    from wenming.points import selectors
    from wenming.points.models import Point
    from wenming.standards.models import PointType

    _build(points)
    office = Person.objects.get(username="office")
    zhongshan = Person.objects.get(username="zhongshan")
    token = token_create(person=office, name="bench")[1]
    zs_token = token_create(person=zhongshan, name="bench")[1]
    client = Client()
    rng = random.Random(7)
    streets = list(
        Region.objects.filter(level="street", center_lat__isnull=False).values_list(
            "center_lat", "center_lon"
        )
    )
    # A map viewport of about 4 × 4 km around a street centre (zoom 14–15).
    boxes = []
    for lat, lon in rng.sample(streets, 20):
        boxes.append((lon - 0.025, lat - 0.018, lon + 0.025, lat + 0.018))
    cycle = {"i": 0}

    def next_box():
        cycle["i"] = (cycle["i"] + 1) % len(boxes)
        return boxes[cycle["i"]]

    total = Point.objects.count()
    in_view = statistics.median(
        Point.objects.filter(lat__gte=b[1], lat__lte=b[3], lon__gte=b[0], lon__lte=b[2]).count()
        for b in boxes
    )
    print(f"  {total:,} points; a 4 × 4 km viewport holds {in_view:,.0f} of them (median)")

    def api_bbox():
        b = next_box()
        response = client.get(
            "/api/v1/points",
            {"bbox": ",".join(f"{v:.6f}" for v in b), "format": "geojson", "limit": 3000},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.content[:200]

    def selector_bbox():
        b = next_box()
        qs = selectors.points_visible(actor=office, bbox=selectors.BBox(*b))
        selectors.point_rows(qs, after=None, limit=3000)

    bbox_sql = (
        "SELECT p.id, p.code, p.name, p.lat, p.lon, p.is_active, t.code, r.code "
        "FROM points_point p JOIN standards_pointtype t ON t.id = p.point_type_id "
        "JOIN org_region r ON r.id = p.region_id "
        "WHERE p.lat >= %s AND p.lat <= %s AND p.lon >= %s AND p.lon <= %s "
        "ORDER BY p.code LIMIT 3001"
    )

    def raw_bbox():
        b = next_box()
        with connection.cursor() as cursor:
            cursor.execute(bbox_sql, [b[1], b[3], b[0], b[2]])
            cursor.fetchall()

    print("\n  map: points in a viewport (bbox), up to 3,000, as the office")
    floor = _timed(raw_bbox, repeat)
    print(_row("API GET /points?bbox=…&format=geojson", _timed(api_bbox, repeat), floor))
    print(_row("selector points_visible(bbox) + point_rows", _timed(selector_bbox, repeat), floor))
    print(_row("raw SQL (same predicate, same order)", floor))
    b = boxes[0]
    for line in _explain(bbox_sql, [b[1], b[3], b[0], b[2]]):
        print(f"    plan: {line}")

    market = PointType.objects.get(code="MARKET")
    district = Region.objects.get(code="210202")
    subtree = district.subtree_ids()

    def api_list():
        response = client.get(
            "/api/v1/points",
            {"type": "MARKET", "region": "210202", "limit": 50},
            headers={"Authorization": f"Bearer {zs_token}"},
        )
        assert response.status_code == 200, response.content[:200]

    def selector_list():
        qs = selectors.points_visible(actor=zhongshan, region=district, point_type=market)
        selectors.point_rows(qs, after=None, limit=50)

    placeholders = ",".join(["%s"] * len(subtree))
    list_sql = (
        "SELECT p.id, p.code, p.name, p.lat, p.lon FROM points_point p "
        f"WHERE p.point_type_id = %s AND p.region_id IN ({placeholders}) "
        "ORDER BY p.code LIMIT 51"
    )

    def raw_list():
        with connection.cursor() as cursor:
            cursor.execute(list_sql, [market.pk, *subtree])
            cursor.fetchall()

    print("\n  list: farmers' markets of Zhongshan District, first page of 50, as its officer")
    floor = _timed(raw_list, repeat)
    print(_row("API GET /points?type=MARKET&region=210202", _timed(api_list, repeat), floor))
    print(
        _row("selector points_visible(type, region) + rows", _timed(selector_list, repeat), floor)
    )
    print(_row("raw SQL (same predicate, same order)", floor))
    for line in _explain(list_sql, [market.pk, *subtree]):
        print(f"    plan: {line}")

    def api_deep_page():
        page = client.get(
            "/api/v1/points",
            {"limit": 500, "after": "210211"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert page.status_code == 200

    print("\n  keyset: a page of 500 from the middle of the whole list, as the office")
    print(_row("API GET /points?limit=500&after=…", _timed(api_deep_page, repeat)))


if __name__ == "__main__":
    cli = argparse.ArgumentParser()
    cli.add_argument("--worker")
    cli.add_argument("--points", type=int, default=50_000)
    cli.add_argument("--repeat", type=int, default=60)
    options = cli.parse_args()
    if options.worker:
        sys.exit(worker(options.worker, options.points, options.repeat))
    sys.exit(main(sys.argv[1:]))
