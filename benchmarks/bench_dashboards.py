"""Dashboards at city scale: the aggregates' rebuild, the overview and big-screen endpoints (the
big screen's both as the tick stored its payload and as a request without one makes it),
beside the SQL floor (the same numbers read by hand-written SQL from the aggregate tables, and
from the raw ledger, which is what a dashboard without aggregates would scan).

Runs against an existing ledger database (`--url=`, e.g. the one `benchmarks problems` made:
sqlite:///var/bench/problems-1000000.sqlite3) after migrating it. Prints figures, asserts
nothing; the targets of issue 16 (page ≤ 300 ms, big screen data ≤ 50 ms) are printed beside.
Usage: python -m benchmarks dashboards --url=sqlite:///var/bench/problems-1000000.sqlite3
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_PAGE_MS = 300
TARGET_BIGSCREEN_MS = 50
RUNS = 30


def child() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from wenming.core.roles import Role
    from wenming.dashboards.aggregates import aggregates_rebuild
    from wenming.dashboards.models import StatusCount
    from wenming.org.models import Person
    from wenming.problems.models import Problem

    result = {"problems": Problem.objects.count()}
    started = time.monotonic()
    aggregates_rebuild()
    result["rebuild_s"] = round(time.monotonic() - started, 2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    office = Person.objects.filter(role=Role.OFFICE_ADMIN, is_active=True).first()
    client = Client()
    client.force_login(office, backend="wenming.core.backends.WenmingModelBackend")

    def timed(fn, runs=RUNS):
        fn()
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        return {
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(sorted(times)[int(0.95 * len(times)) - 1], 2),
        }

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    from django.core.cache import cache

    from wenming.dashboards.bigscreen import bigscreen_store
    from wenming.dashboards.models import BigScreenPayload
    from wenming.dashboards.scores import PREDICTED_KEY

    # What the tick does after the aggregates' refresh: every stored big-screen payload (the
    # city and each district, both languages) made again; then the endpoint only reads one.
    started = time.monotonic()
    result["bigscreen_stored_rows"] = bigscreen_store()
    result["bigscreen_store_s"] = round(time.monotonic() - started, 2)
    result["overview_page"] = timed(lambda: get("/dashboards/"))
    result["bigscreen_data_stored"] = timed(lambda: get("/dashboards/data/bigscreen.json"))

    def computed(url):
        # What the first reader after a counted event pays: the payload is made again (the
        # predicted score keeps its own ten-minute copy, so it is put back as it was).
        def run():
            predicted = cache.get(PREDICTED_KEY)
            cache.clear()
            BigScreenPayload.objects.all().delete()  # no stored payload: the request makes it
            if predicted is not None:
                cache.set(PREDICTED_KEY, predicted, 600)
            get(url)

        return run

    result["overview_page_computed"] = timed(computed("/dashboards/"))
    result["bigscreen_data_computed"] = timed(computed("/dashboards/data/bigscreen.json"))
    table = StatusCount._meta.db_table
    ledger = Problem._meta.db_table

    def sql(statement):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(statement)
                cursor.fetchall()

        return run

    result["floor_aggregate_sql"] = timed(
        sql(
            f"SELECT district, category, status, SUM(n) FROM {table} "  # noqa: S608
            "WHERE street = -1 AND unit = -1 GROUP BY district, category, status"
        )
    )
    result["ledger_scan_sql"] = timed(
        sql(
            f"SELECT district_id, category_id, status, COUNT(*) FROM {ledger} "  # noqa: S608
            "GROUP BY district_id, category_id, status"
        ),
        runs=3,
    )
    print(json.dumps(result))


def main(argv: list[str]) -> int:
    url = next((a.split("=", 1)[1] for a in argv if a.startswith("--url=")), "")
    if not url:
        print("dashboards: pass --url=<database with a ledger> (see the module docstring)")
        return 0
    env = dict(
        os.environ,
        WENMING_DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="wenming.settings_test",
        PYTHONPATH=str(ROOT),
    )
    subprocess.run(
        [sys.executable, "-m", "wenming.cli", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_dashboards", "--child"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"dashboards at {r['problems']:,} problems ({url.split(':', 1)[0]})")
    print(f"  aggregates rebuilt from the ledger: {r['rebuild_s']} s")
    print(
        f"  big-screen payloads stored by the tick: {r['bigscreen_stored_rows']} rows "
        f"in {r['bigscreen_store_s']} s"
    )
    for name, target in (
        ("overview_page", TARGET_PAGE_MS),
        ("overview_page_computed", TARGET_PAGE_MS),
        ("bigscreen_data_stored", TARGET_BIGSCREEN_MS),
        ("bigscreen_data_computed", TARGET_BIGSCREEN_MS),
    ):
        f = r[name]
        print(f"  {name}: p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms (target ≤ {target} ms)")
    floor = r["floor_aggregate_sql"]["p50_ms"]
    print(
        f"  floor, the status counts by SQL from the aggregates: {floor} ms; "
        f"big screen computed / floor = "
        f"{r['bigscreen_data_computed']['p50_ms'] / max(floor, 0.01):.1f}×"
    )
    print(f"  the same counts scanned from the ledger: {r['ledger_scan_sql']['p50_ms']} ms")
    return 0


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        sys.exit(main(sys.argv[1:]))
