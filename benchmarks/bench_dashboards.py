"""Dashboards at city scale: every dashboard page and data endpoint, and the score pages, as the
office and as a district officer, beside the SQL floor (the same numbers read by hand-written
SQL: from the aggregate tables, the stored big-screen payload, the snapshot's score rows, the
newest open problems; and the raw ledger scan a dashboard without aggregates would make).

Runs against an existing ledger database (`--url=`; the aggregates are rebuilt once when they
were never built, or with `--rebuild`), after migrating it. Before timing, and untimed: the
month just ended gets a published snapshot when it has none (`scoring.services.
snapshot_compute` and `snapshot_publish`, as the office), and the public rankings switch is
turned on so `/scores/public/` shows them.

Each page is timed through django.test.Client (the server's time: middleware, view, template):

- **warm**: one untimed request, then `--runs` requests; what the readers after the first pay;
- **cold** (pages that keep a computed copy): before each request the cache is emptied (the
  benchmark's own cache folder, never the project's) and the stored big-screen payloads are
  deleted, so the request computes everything; the predicted score's ten-minute copy is put
  back (it is the same for every reader and moves slowly; its own cost is printed apart).

Prints a table (page, reader, p50, p95, cold p50/p95, target, floor) and asserts nothing;
the targets of issue 16 are a page ≤ 300 ms and the big screen's data ≤ 50 ms. Usage:

    python -m benchmarks dashboards --url=sqlite:///$PWD/var/bench/dash-1000000.sqlite3
    python -m benchmarks dashboards --url=postgres://postgres@127.0.0.1:5434/wenming_bench_dash_1000000
    [--runs=20] [--cold-runs=8] [--rebuild] [--only=<part of the page's URL>]
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


def _option(argv, name, default):
    return next((a.split("=", 1)[1] for a in argv if a.startswith(f"--{name}=")), default)


def _stats(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(round(0.95 * len(ordered))) - 1)], 1),
    }


def _prepare(office):
    """Untimed: the month just ended published, the public rankings on; returns the snapshot."""
    from datetime import timedelta

    from wenming.problems.deadlines import local_today
    from wenming.public.selectors import portal_settings
    from wenming.public.services.office import portal_settings_update
    from wenming.scoring import services

    month = f"{local_today().replace(day=1) - timedelta(days=1):%Y-%m}"
    period = services.month_parse(month)
    snapshot = services.current_snapshot(period.first)
    made = 0.0
    if snapshot is None:
        started = time.monotonic()
        snapshot = services.snapshot_compute(month=month, actor=office)
        made = time.monotonic() - started
    if snapshot.status == "draft":
        snapshot = services.snapshot_publish(snapshot=snapshot, actor=office)
    current = portal_settings()
    if not current.public_rankings:
        portal_settings_update(
            actor=office,
            public_map=current.public_map,
            public_rankings=True,
            reports_per_hour=current.reports_per_hour,
            retention_days=current.retention_days,
        )
    return snapshot, round(made, 1)


def child(argv: list[str]) -> None:
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from wenming.core.refcache import token_key
    from wenming.core.roles import Role
    from wenming.dashboards.aggregates import ALL, aggregates_rebuild
    from wenming.dashboards.bigscreen import bigscreen_store
    from wenming.dashboards.models import AggregateMark, BigScreenPayload, StatusCount
    from wenming.dashboards.scores import PREDICTED_KEY, _predicted
    from wenming.org.models import Person, Region, RegionLevel
    from wenming.problems.models import Problem
    from wenming.scoring.models import Score

    runs = int(_option(argv, "runs", "20"))
    cold_runs = int(_option(argv, "cold-runs", "8"))
    result = {"problems": Problem.objects.count(), "rows": []}
    mark = AggregateMark.objects.filter(pk=1).first()
    if "--rebuild" in argv or mark is None or mark.rebuilt_at is None:
        started = time.monotonic()
        aggregates_rebuild()
        result["rebuild_s"] = round(time.monotonic() - started, 1)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    office = Person.objects.filter(role=Role.OFFICE_ADMIN, is_active=True).first()
    snapshot, result["snapshot_s"] = _prepare(office)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    officer = (
        Person.objects.filter(
            role=Role.REGION_OFFICER, is_active=True, region__level=RegionLevel.DISTRICT
        )
        .order_by("username")
        .first()
    )
    district = officer.region if officer else Region.objects.filter(level="district").first()
    street = Region.objects.filter(parent=district).order_by("code").first()
    unit_pk = (
        StatusCount.objects.filter(district=ALL, street=ALL, unit__gt=0)
        .values_list("unit", flat=True)
        .order_by("-n")
        .first()
    )
    from wenming.org.models import Unit

    unit = Unit.objects.get(pk=unit_pk)
    subject = f"region-{district.code}"
    result["subjects"] = {"district": district.code, "street": street.code, "unit": unit.code}

    backend = "wenming.core.backends.WenmingModelBackend"
    as_office = Client()
    as_office.force_login(office, backend=backend)
    as_officer = Client()
    if officer is not None:
        as_officer.force_login(officer, backend=backend)
    anonymous = Client()

    def get(client, url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    def reset():
        """Every computed copy dropped: the cache (the benchmark's own folder) and the stored
        big-screen payloads; the prediction's ten-minute copy put back."""
        predicted = cache.get(PREDICTED_KEY)
        token = cache.get(token_key())  # the reference rows stay valid: no change made them stale
        cache.clear()
        BigScreenPayload.objects.all().delete()
        if predicted is not None:
            cache.set(PREDICTED_KEY, predicted, 600)
        if token is not None:
            cache.set(token_key(), token, timeout=None)

    def timed(client, url, n, before=None):
        get(client, url)
        times = []
        for _ in range(n):
            if before:
                before()
            t = time.perf_counter()
            get(client, url)
            times.append((time.perf_counter() - t) * 1000)
        return _stats(times)

    # What the tick does after the aggregates' refresh: every stored big-screen payload (the
    # city and each district, both languages) made again; then the endpoint only reads one.
    cache.delete(PREDICTED_KEY)
    started = time.monotonic()
    _predicted()
    result["predicted_s"] = round(time.monotonic() - started, 2)
    started = time.monotonic()
    result["bigscreen_stored_rows"] = bigscreen_store()
    result["bigscreen_store_s"] = round(time.monotonic() - started, 2)

    # What the worker does for the week pages (queued by the tick): the current week computed
    # and stored; the pages then only read its rows.
    from datetime import timedelta

    from wenming.problems.metrics import Period
    from wenming.scoring.weeks import this_week, week_compute, week_label, week_parse

    started = time.monotonic()
    week_compute(period=week_parse(this_week()))
    result["week_compute_s"] = round(time.monotonic() - started, 2)
    # And a full week of the month just ended (the current week may hold few deadlines yet).
    past_week = week_label(Period(snapshot.month + timedelta(days=14), snapshot.month))
    started = time.monotonic()
    week_compute(period=week_parse(past_week))
    result["past_week_compute_s"] = round(time.monotonic() - started, 2)

    month = f"{snapshot.month:%Y-%m}"
    d, s, u = district.code, street.code, unit.code
    big, page = TARGET_BIGSCREEN_MS, TARGET_PAGE_MS
    # (page, reader, client, target, floor, cold)
    pages = [
        ("/dashboards/", "office", as_office, page, "status", True),
        (f"/dashboards/?month={month}", "office", as_office, page, "status", True),
        (f"/dashboards/district/{d}/", "office", as_office, page, "status", True),
        (f"/dashboards/district/{s}/", "office", as_office, page, "status", True),
        (f"/dashboards/unit/{u}/", "office", as_office, page, "status", True),
        ("/dashboards/data/overview.json", "office", as_office, page, "status", True),
        ("/dashboards/data/bigscreen.json", "office", as_office, big, "payload", True),
        (f"/dashboards/data/bigscreen.json?region={d}", "office", as_office, big, "payload", True),
        (f"/dashboards/data/bigscreen.json?unit={u}", "office", as_office, big, "payload", True),
        ("/dashboards/data/map.json", "office", as_office, page, "map", False),
        (
            "/dashboards/data/map.json?bbox=121.5,38.8,121.7,39.0",
            "office",
            as_office,
            page,
            "map",
            False,
        ),
        (f"/dashboards/data/map.json?region={d}", "office", as_office, page, "map_district", False),
        ("/dashboards/map/", "office", as_office, page, "none", False),
        ("/dashboards/bigscreen/", "office", as_office, page, "none", False),
        ("/dashboards/exposures/", "office", as_office, page, "none", False),
        ("/dashboards/exposure-board/", "public", anonymous, page, "none", False),
        ("/dashboards/briefing/", "office", as_office, page, "none", False),
        ("/scores/", "office", as_office, page, "scores", False),
        ("/scores/?tier=community", "office", as_office, page, "scores", False),
        ("/scores/rankings/", "office", as_office, page, "scores", False),
        ("/scores/weeks/", "office", as_office, page, "scores", False),
        ("/scores/weeks/?tier=community", "office", as_office, page, "scores", False),
        (
            f"/scores/weeks/?week={past_week}&tier=district",
            "office",
            as_office,
            page,
            "scores",
            False,
        ),
        ("/scores/predicted/", "office", as_office, page, "scores", True),
        ("/scores/priorities/", "office", as_office, page, "scores", True),
        (f"/scores/s/{subject}/", "office", as_office, page, "scores", False),
        ("/scores/public/", "public", anonymous, page, "scores", False),
    ]
    if officer is not None:
        pages += [
            ("/dashboards/", "district officer", as_officer, page, "status", True),
            (f"/dashboards/district/{s}/", "district officer", as_officer, page, "status", True),
            (
                "/dashboards/data/overview.json",
                "district officer",
                as_officer,
                page,
                "status",
                True,
            ),
            (
                "/dashboards/data/bigscreen.json",
                "district officer",
                as_officer,
                big,
                "payload",
                True,
            ),
            (
                "/dashboards/data/map.json",
                "district officer",
                as_officer,
                page,
                "map_district",
                False,
            ),
            ("/scores/", "district officer", as_officer, page, "scores", False),
            ("/scores/priorities/", "district officer", as_officer, page, "scores", True),
            ("/scores/weeks/?tier=street", "district officer", as_officer, page, "scores", False),
            (f"/scores/s/{subject}/", "district officer", as_officer, page, "scores", False),
        ]
    bigscreen_store()  # the tick's rows, deleted by the cold runs, are back for the warm ones
    only = _option(argv, "only", "")
    for url, reader, client, target, floor, cold in pages:
        if only and only not in url:
            continue
        row = {"page": url, "reader": reader, "target": target, "floor": floor}
        row.update(timed(client, url, runs))
        if cold:
            cold_figures = timed(client, url, cold_runs, before=reset)
            row["cold_p50_ms"], row["cold_p95_ms"] = cold_figures["p50_ms"], cold_figures["p95_ms"]
            bigscreen_store()
        result["rows"].append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    def sql(statement, params=()):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                cursor.fetchall()

        return run

    def floor_of(fn, n=runs):
        fn()
        times = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        return _stats(times)

    qn = connection.ops.quote_name
    status_t = StatusCount._meta.db_table
    ledger = Problem._meta.db_table
    payload_t = BigScreenPayload._meta.db_table
    score_t = Score._meta.db_table
    result["floors"] = {
        "status": floor_of(
            sql(
                f"SELECT district, category, status, SUM(n) FROM {status_t} "  # noqa: S608
                "WHERE street = -1 AND unit = -1 GROUP BY district, category, status"
            )
        ),
        "payload": floor_of(
            sql(
                f"SELECT body, predicted FROM {payload_t} "  # noqa: S608
                "WHERE subject = %s AND language = %s",
                ["", "zh-hans"],
            )
        ),
        "map": floor_of(
            sql(
                f"SELECT code, title, status, lat, lon FROM {ledger} "  # noqa: S608
                f"WHERE {qn('is_open')} AND lat IS NOT NULL "
                "ORDER BY created_at DESC, id DESC LIMIT 3001"
            )
        ),
        "map_district": floor_of(
            sql(
                f"SELECT code, title, status, lat, lon FROM {ledger} "  # noqa: S608
                f"WHERE {qn('is_open')} AND lat IS NOT NULL AND district_id = %s "
                "ORDER BY created_at DESC, id DESC LIMIT 3001",
                [district.pk],
            )
        ),
        "scores": floor_of(
            sql(
                f"SELECT * FROM {score_t} WHERE snapshot_id = %s AND tier = %s "  # noqa: S608
                "ORDER BY rank, subject",
                [snapshot.pk, "district"],
            )
        ),
        "ledger_scan": floor_of(
            sql(
                f"SELECT district_id, category_id, status, COUNT(*) FROM {ledger} "  # noqa: S608
                "GROUP BY district_id, category_id, status"
            ),
            n=3,
        ),
    }
    print(json.dumps(result))


def main(argv: list[str]) -> int:
    url = _option(argv, "url", "")
    if not url:
        print("dashboards: pass --url=<database with a ledger> (see the module docstring)")
        return 0
    name = url.rsplit("/", 1)[-1].split(".")[0]
    env = dict(
        os.environ,
        WENMING_DATABASE_URL=url,
        # The benchmark empties its cache between cold runs: its own folder, not the project's.
        WENMING_CACHE_URL=f"file://{ROOT / 'var' / 'bench' / ('cache-' + name)}",
        DJANGO_SETTINGS_MODULE="wenming.settings_test",
        PYTHONPATH=str(ROOT),
    )
    subprocess.run(
        [sys.executable, "-m", "wenming.cli", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    load_before = os.getloadavg()
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_dashboards", "--child", *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    load_after = os.getloadavg()
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"dashboards at {r['problems']:,} problems ({url.split(':', 1)[0]}); load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (1 min)"
    )
    if "rebuild_s" in r:
        print(f"  aggregates rebuilt from the ledger: {r['rebuild_s']} s")
    if r.get("snapshot_s"):
        print(f"  snapshot of the month just ended (untimed for the pages): {r['snapshot_s']} s")
    print(f"  subjects: {r['subjects']}")
    print(f"  the predicted score computed once (kept 10 min): {r['predicted_s']} s")
    print(
        f"  a week's ranking computed and stored (the worker): the current week "
        f"{r['week_compute_s']} s, a full week of the month just ended {r['past_week_compute_s']} s"
    )
    print(
        f"  big-screen payloads stored by the tick: {r['bigscreen_stored_rows']} rows "
        f"in {r['bigscreen_store_s']} s"
    )
    floors = r["floors"]
    header = (
        f"  {'page':<56} {'reader':<17} {'p50':>7} {'p95':>7} {'cold50':>7} {'cold95':>7}"
        f" {'target':>6}  floor"
    )
    print(header)
    misses = []
    for row in r["rows"]:
        floor = floors.get(row["floor"])
        floor_text = f"{row['floor']} {floor['p50_ms']}" if floor else "-"
        worst = max(row["p95_ms"], row.get("cold_p95_ms", 0))
        if worst > row["target"]:
            misses.append(f"{row['page']} ({row['reader']}): {worst} ms")
        print(
            f"  {row['page']:<56} {row['reader']:<17} {row['p50_ms']:>7} {row['p95_ms']:>7} "
            f"{row.get('cold_p50_ms', '-'):>7} {row.get('cold_p95_ms', '-'):>7} "
            f"{row['target']:>6}  {floor_text}"
        )
    print(
        "  floors (p50/p95 ms): "
        + "; ".join(f"{k} {v['p50_ms']}/{v['p95_ms']}" for k, v in floors.items())
    )
    print("  over target: " + ("; ".join(misses) if misses else "none"))
    return 0


if __name__ == "__main__":
    if "--child" in sys.argv:
        child(sys.argv[1:])
    else:
        sys.exit(main(sys.argv[1:]))
