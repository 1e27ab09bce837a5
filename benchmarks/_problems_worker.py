"""The problem-ledger benchmark's measurements, run inside one Django process per database.

`bench_problems.py` starts this module as `python -m benchmarks._problems_worker <command>`
with `WENMING_DATABASE_URL` pointing at the benchmark database, so each database gets a fresh
process (settings are read once) and the export's peak memory is its own. Human-readable
progress goes to stderr; the last line on stdout is the JSON result.

Commands: `generate` (demo data of any size), `info`, `queries` (the ledger queries, page 500,
metrics), `export` (the Excel export and its peak RSS), `token` (a token for the load test),
`created` (rows created by the load test).
"""

import argparse
import json
import os
import re
import resource
import sys
import time
from datetime import date, datetime, timedelta


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenming.settings")
    import django

    django.setup()


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def quantile(values: list[float], q: float) -> float:
    """Nearest-rank quantile (p50, p95) of timings in milliseconds."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))
    return ordered[index]


BUDGET_S = 4.0  # time spent on one measurement beyond its warm-up
# BENCH_CLOCK=cpu times this process's CPU instead of the wall clock. On a machine shared with
# busy neighbours the wall clock stretches Python-heavy calls (preempted often) far more than a
# short SQL statement; with SQLite the database's work is this process's CPU too, so the ratio
# of the API to its own SQL stays fair. (PostgreSQL works in its own processes: wall clock.)
CLOCK = time.process_time if os.environ.get("BENCH_CLOCK") == "cpu" else time.perf_counter


def timed(func, repeat: int, warmup: int = 3) -> list[float]:
    """Timings (ms) of `repeat` calls after `warmup` calls; fewer when a call is slow."""
    started = time.perf_counter()
    for _ in range(max(1, warmup)):
        func()
    each = (time.perf_counter() - started) / max(1, warmup)
    if each * repeat > BUDGET_S:
        repeat = max(5, int(BUDGET_S / max(each, 1e-6)))
    times = []
    for _ in range(repeat):
        started = CLOCK()
        func()
        times.append((CLOCK() - started) * 1000)
    return times


def summary(times: list[float]) -> dict:
    return {
        "p50": round(quantile(times, 0.5), 3),
        "p95": round(quantile(times, 0.95), 3),
        "n": len(times),
    }


# --- generate / info ------------------------------------------------------------------------


def cmd_generate(args) -> dict:
    """Load the demo city with `rows` problems (any number; the CLI covers the named scales)."""
    from django.core.management import call_command

    from wenming.core.demo import demo_modules

    call_command("migrate", verbosity=0, interactive=False)
    scale = "small" if args.rows < 200_000 else "city" if args.rows < 1_000_000 else "city-year"
    timings = {}
    for module in demo_modules():
        started = time.monotonic()
        if module.__name__ == "wenming.problems.demo":
            module.load(scale=scale, count=args.rows, stdout=sys.stderr)
        else:
            module.load(scale=scale, stdout=sys.stderr)
        timings[module.__name__] = round(time.monotonic() - started, 1)
    return {"scale": scale, "seconds_by_app": timings}


def cmd_info(args) -> dict:
    from django.db import connection

    from wenming.problems.models import Problem, ProblemEvent

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        else:
            cursor.execute("SELECT 'PostgreSQL ' || current_setting('server_version')")
        version = cursor.fetchone()[0]
    return {
        "problems": Problem.objects.filter(is_demo=True).count(),
        "all_problems": Problem.objects.count(),
        "events": ProblemEvent.objects.count(),
        "version": version,
    }


# --- the ledger queries ---------------------------------------------------------------------


class Context:
    """Ids and dates the queries use, read from the generated data."""

    def __init__(self):
        from django.db import connection
        from django.utils import timezone

        from wenming.core.calendar import add_working_days
        from wenming.org.models import Person, Region, Unit
        from wenming.problems.models import Category, Problem

        self.vendor = connection.vendor
        self.people = {
            p.username: p
            for p in Person.objects.filter(username__in=["office", "zhongshan", "urban"])
        }
        self.district = Region.objects.get(code="210211")  # Ganjingzi, the biggest district
        self.street = Region.objects.filter(parent=self.district).order_by("code").first()
        self.unit = Unit.objects.get(code="URBAN")
        self.category = Category.objects.get(code="chaotic.parking")
        self.today = timezone.localdate()
        self.soon = add_working_days(self.today, 1)
        first_of_month = self.today.replace(day=1)
        self.month_last = first_of_month - timedelta(days=1)
        self.month_first = self.month_last.replace(day=1)
        tz = timezone.get_current_timezone()
        self.month_start = datetime.combine(self.month_first, datetime.min.time(), tzinfo=tz)
        self.month_end = datetime.combine(first_of_month, datetime.min.time(), tzinfo=tz)
        self.year = self.today.year
        latest = Problem.objects.filter(code_year=self.year).order_by("-code_serial").first()
        digits = f"{latest.code_serial:06d}" if latest else "000100"
        self.code_prefix = f"WM{self.year}-{digits[:3]}"
        self.serial_low = int(digits[:3]) * 1000
        # A one-digit prefix as a clerk starts typing: about 100,000 codes (and, by the rules
        # of search.code_prefix_filter, a second range for seven-digit serials).
        self.broad_prefix = f"WM{self.year}-1"
        self.text = "垃圾桶满溢"


def ledger_queries(ctx: Context) -> list[dict]:
    """The ten filters a clerk uses most, plus the default views of a district and a unit.

    Each has the API parameters, the persona, and the hand-written SQL that is the floor: the
    same rows in the same order straight from the database (performance.md).
    """
    newest = "ORDER BY created_at DESC, id DESC LIMIT 21"
    by_deadline = "ORDER BY deadline, id LIMIT 21"
    month = [ctx.month_start, ctx.month_end]
    tokens = ["垃圾", "圾桶", "桶满", "满溢"]
    if ctx.vendor == "sqlite":
        match = " ".join(f'"{t}"' for t in tokens)
        text_where = (
            "id IN (SELECT rowid FROM problems_problem_fts WHERE problems_problem_fts MATCH %s)"
        )
        text_args = [match]
        plus = "+"  # SQLite: walk the sort index, check the co-unit branch per row
    else:
        text_where = "string_to_array(search_text, ' ') @> %s::text[]"
        text_args = [tokens]
        plus = ""
    co = "problems_problem_co_units"
    unit_scope = f"(responsible_unit_id = %s OR {plus}id IN (SELECT problem_id FROM {co} WHERE unit_id = %s))"
    return [
        {
            "name": "all, newest first",
            "as": "office",
            "params": {},
            "where": "",
            "args": [],
            "order": newest,
        },
        {
            "name": "open problems",
            "as": "office",
            "params": {"open": "1"},
            "where": "is_open",
            "args": [],
            "order": newest,
        },
        {
            "name": "by status (in progress)",
            "as": "office",
            "params": {"status": "in_progress"},
            "where": "status = %s",
            "args": ["in_progress"],
            "order": newest,
        },
        {
            "name": "district subtree (Ganjingzi)",
            "as": "office",
            "params": {"region": ctx.district.code},
            "where": "district_id = %s",
            "args": [ctx.district.pk],
            "order": newest,
        },
        {
            "name": "street subtree",
            "as": "office",
            "params": {"region": ctx.street.code},
            "where": "street_id = %s",
            "args": [ctx.street.pk],
            "order": newest,
        },
        {
            "name": "unit (Urban Management)",
            "as": "office",
            "params": {"unit": ctx.unit.code},
            "where": "responsible_unit_id = %s",
            "args": [ctx.unit.pk],
            "order": newest,
        },
        {
            "name": "overdue, by deadline",
            "as": "office",
            "params": {"overdue": "1", "sort": "deadline"},
            "where": "is_pending AND deadline < %s",
            "args": [ctx.today],
            "order": by_deadline,
        },
        {
            "name": "due soon, by deadline",
            "as": "office",
            "params": {"due_soon": "1", "sort": "deadline"},
            "where": "is_pending AND deadline >= %s AND deadline <= %s",
            "args": [ctx.today, ctx.soon],
            "order": by_deadline,
        },
        {
            "name": "category in a month",
            "as": "office",
            "params": {
                "category": ctx.category.code,
                "created_from": ctx.month_first.isoformat(),
                "created_to": ctx.month_last.isoformat(),
            },
            "where": "category_id = %s AND created_at >= %s AND created_at < %s",
            "args": [ctx.category.pk, *month],
            "order": newest,
        },
        {
            "name": f"code prefix {ctx.code_prefix}",
            "as": "office",
            "params": {"code": ctx.code_prefix},
            "where": "code_year = %s AND code_serial >= %s AND code_serial <= %s",
            "args": [ctx.year, ctx.serial_low, ctx.serial_low + 999],
            "order": "ORDER BY code_year DESC, code_serial DESC LIMIT 21",
        },
        {
            "name": f"code prefix {ctx.broad_prefix}",
            "as": "office",
            "params": {"code": ctx.broad_prefix},
            "where": "code_year = %s AND code_serial >= %s AND code_serial <= %s",
            "args": [ctx.year, 100_000, 199_999],
            "order": "ORDER BY code_year DESC, code_serial DESC LIMIT 21",
        },
        {
            "name": f"text search “{ctx.text}”",
            "as": "office",
            "params": {"q": ctx.text},
            "where": text_where,
            "args": text_args,
            "order": "ORDER BY id DESC LIMIT 21",
            "text": True,
        },
        {
            "name": "district officer's ledger (Zhongshan)",
            "as": "zhongshan",
            "params": {},
            "where": "district_id = %s",
            "args": [ctx.people["zhongshan"].region_id],
            "order": newest,
        },
        {
            "name": "unit officer's ledger (Urban Mgmt)",
            "as": "urban",
            "params": {},
            "where": unit_scope,
            # The count is best served by the two indexes at once (SQLite's multi-index OR).
            "count_where": unit_scope.replace("+id", "id"),
            "args": [ctx.people["urban"].unit_id] * 2,
            "order": newest,
        },
    ]


def count_cap(q: dict) -> int | None:
    """The product's count cap for this query (None: it counts exactly)."""
    from wenming.problems import selectors

    name = "SEARCH_COUNT_CAP" if q.get("text") else "COUNT_CAP"
    return getattr(selectors, name, None)


def _floor_sql(q: dict) -> tuple[str, str, str, list]:
    """Hand-written page, count (capped like the product's) and exact count."""
    where = f"WHERE {q['where']}" if q["where"] else ""
    page = (
        f"SELECT id, code, title, status, created_at, deadline FROM problems_problem "
        f"{where} {q['order']}"
    )
    if q.get("count_where"):
        where = f"WHERE {q['count_where']}"
    exact = f"SELECT COUNT(*) FROM problems_problem {where}"
    cap = count_cap(q)
    count = (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM problems_problem {where} LIMIT {cap + 1}) t"
        if cap
        else exact
    )
    return page, count, exact, q["args"]


class Api:
    """The Django test client with a bearer token per persona (the whole middleware stack)."""

    def __init__(self, ctx: Context):
        from django.test import Client

        from wenming.core.services import token_create

        self.client = Client()
        self.tokens = {
            name: token_create(person=person, name="bench")[1]
            for name, person in ctx.people.items()
        }

    def get(self, persona: str, path: str, params: dict):
        response = self.client.get(
            f"/api/v1/{path}", params, HTTP_AUTHORIZATION=f"Bearer {self.tokens[persona]}"
        )
        if response.status_code != 200:
            raise RuntimeError(f"{path} {params}: {response.status_code} {response.content[:300]}")
        return response


class Pages:
    """The Django test client signed in per persona: the ledger page as a browser gets it."""

    def __init__(self, ctx: Context):
        from django.conf import settings
        from django.test import Client

        self.clients = {}
        for name, person in ctx.people.items():
            client = Client()
            client.force_login(person, backend=settings.AUTHENTICATION_BACKENDS[-1])
            self.clients[name] = client

    def get(self, persona: str, params: dict):
        response = self.clients[persona].get("/problems/", params)
        if response.status_code != 200:
            raise RuntimeError(f"/problems/ {params}: {response.status_code}")
        return response


def _run_all(statements: list[str]) -> None:
    """Every statement a request ran, raw, in one transaction (SET LOCAL stays local)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            if sql.startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
                continue  # the transaction around them is this one
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()


def _raw(sql: str, args: list):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def _captured(func) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        func()
    return [q["sql"] for q in captured.captured_queries]


def _under(planner: str | None, func):
    """`func()` in a transaction that first runs `planner` (SET LOCAL …), if any."""
    from django.db import connection, transaction

    if planner is None:
        return func()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(planner)
        return func()


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return [row[-1] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN {sql}")
        return [row[0] for row in cursor.fetchall()]


_INDEX = re.compile(
    r"(?:USING (?:COVERING )?INDEX|Index (?:Only )?Scan(?: Backward)? using|"
    r"Bitmap Index Scan on|USING INTEGER PRIMARY KEY|VIRTUAL TABLE INDEX)\s*(\S*)"
)


def plan_verdict(lines: list[str]) -> str:
    """Which indexes the plan uses, and whether it scans or sorts the whole ledger."""
    text = "\n".join(lines)
    used = sorted({m.group(1).strip("()") or "rowid" for m in _INDEX.finditer(text)})
    warnings = []
    if re.search(r"^\s*(?:--)?\s*SCAN problems_problem\s*$", text, re.M) or re.search(
        r"Seq Scan on problems_problem\b", text
    ):
        warnings.append("FULL SCAN")
    if "TEMP B-TREE" in text or re.search(r"^\s*(->\s*)?Sort\b", text, re.M):
        warnings.append("sort")
    return ", ".join(used or ["no index"]) + (f" [{'; '.join(warnings)}]" if warnings else "")


def _ledger_sql(statements: list[str]) -> tuple[str | None, str | None]:
    page = next(
        (s for s in statements if "problems_problem" in s and "LIMIT" in s and "COUNT(" not in s),
        None,
    )
    count = next((s for s in statements if "COUNT(" in s and "problems_problem" in s), None)
    return page, count


def cmd_queries(args) -> dict:
    ctx = Context()
    api = Api(ctx)
    pages = Pages(ctx)
    repeat = args.repeat
    results = []
    for q in ledger_queries(ctx):
        params = {**q["params"], "limit": 20}
        say(f"  {q['name']} …")
        full = timed(lambda q=q, params=params: api.get(q["as"], "problems", params), repeat)
        page_only = timed(
            lambda q=q, params=params: api.get(q["as"], "problems", {**params, "count": "false"}),
            repeat,
        )
        body = api.get(q["as"], "problems", params).json()
        statements = _captured(lambda q=q, params=params: api.get(q["as"], "problems", params))
        page_sql, count_sql = _ledger_sql(statements)
        floor_page, floor_count, exact_sql, floor_args = _floor_sql(q)
        raw_page = timed(lambda s=floor_page, a=floor_args: _raw(s, a), repeat)
        raw_count = timed(lambda s=floor_count, a=floor_args: _raw(s, a), repeat)
        # A broad PostgreSQL text search reads its page under planner settings (SET LOCAL, see
        # selectors.ledger_page): time and explain the page under them too.
        planner = next((s for s in statements if s.startswith("SET LOCAL")), None)

        def own_sql(page_sql=page_sql, count_sql=count_sql, planner=planner):
            if count_sql:
                _raw(count_sql, [])
            if page_sql:
                _under(planner, lambda: _raw(page_sql, []))

        same_sql = timed(own_sql, repeat)
        page_plan = _under(planner, lambda s=page_sql: explain(s)) if page_sql else []
        count_plan = explain(count_sql) if count_sql else []
        floor_total = quantile(raw_page, 0.5) + quantile(raw_count, 0.5)
        # The ledger page (HTML, 50 rows, counts by status, the filter's choices) against
        # every statement it runs, raw.
        view = timed(lambda q=q: pages.get(q["as"], q["params"]), repeat)
        view_statements = [
            s
            for s in _captured(lambda q=q: pages.get(q["as"], q["params"]))
            if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
        ]
        view_sql = timed(lambda s=view_statements: _run_all(s), repeat)
        results.append(
            {
                "name": q["name"],
                "persona": q["as"],
                "params": q["params"],
                "count": body["count"],
                "count_exact": body.get("count_exact"),
                "rows": _raw(exact_sql, floor_args)[0][0],
                "count_cap": count_cap(q),
                "first_page_rows": len(body["items"]),
                "api": summary(full),
                "api_page_only": summary(page_only),
                "product_sql": summary(same_sql),
                "floor_page": summary(raw_page),
                "floor_count": summary(raw_count),
                "floor_total_p50": round(floor_total, 3),
                "ratio_p50": round(quantile(full, 0.5) / floor_total, 1) if floor_total else None,
                "own_sql_ratio_p50": round(quantile(full, 0.5) / quantile(same_sql, 0.5), 1),
                "page_view": summary(view),
                "page_view_sql": summary(view_sql),
                "page_view_queries": len(view_statements),
                "page_view_ratio_p50": round(quantile(view, 0.5) / quantile(view_sql, 0.5), 1),
                "queries_per_request": len(statements),
                "page_sql": page_sql,
                "count_sql": count_sql,
                "page_plan": page_plan,
                "count_plan": count_plan,
                "page_index": plan_verdict(page_plan),
                "count_index": plan_verdict(count_plan),
            }
        )
    return {
        "ledger": results,
        "call_floor": call_floor(api, repeat),
        "deep_page": deep_page(api, ctx, repeat),
        "metrics": metrics_bench(api, ctx, max(5, repeat // 3)),
        "traps": traps(ctx, repeat),
    }


def call_floor(api: Api, repeat: int) -> dict:
    """The least an authenticated API call costs here: `GET /api/v1/me` (token → person, a
    five-field answer, no ledger). A list call pays it whatever its SQL, so within 3× of its own
    SQL is out of reach for any statement cheaper than half of it."""
    return {
        persona: summary(timed(lambda persona=persona: api.get(persona, "me", {}), repeat))
        for persona in ("office", "zhongshan")
    }


def deep_page(api: Api, ctx: Context, repeat: int) -> dict:
    """Walk 499 cursor pages of a district's ledger, then time page 500 against page 1.

    A district (not the whole ledger) so the walk stays short whatever the first page costs;
    the raw OFFSET query shows what the cursor saves.
    """
    params = {"limit": 20, "count": "false", "region": ctx.district.code}
    cursor = None
    started = time.monotonic()
    for _ in range(499):
        body = api.get("office", "problems", {**params, **({"cursor": cursor} if cursor else {})})
        cursor = body.json()["next_cursor"]
    walk = time.monotonic() - started
    first = timed(lambda: api.get("office", "problems", params), repeat)
    deep = timed(lambda: api.get("office", "problems", {**params, "cursor": cursor}), repeat)
    offset_sql = (
        "SELECT id, code, title, status, created_at, deadline FROM problems_problem "
        "WHERE district_id = %s ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET 9980"
    )
    offset = timed(lambda: _raw(offset_sql, [ctx.district.pk]), max(5, repeat // 3), warmup=1)
    return {
        "page1": summary(first),
        "page500": summary(deep),
        "walk_499_pages_s": round(walk, 1),
        "offset_9980_raw": summary(offset),
    }


def metrics_bench(api: Api, ctx: Context, repeat: int) -> dict:
    """A month's metrics for every district and every unit, through the API."""
    period = ctx.month_first.strftime("%Y-%m")
    result = {"period": period}
    total = 0.0
    for by in ("district", "unit"):
        params = {"period": period, "by": by}
        times = timed(
            lambda params=params: api.get("office", "metrics/problems/breakdown", params),
            repeat,
            warmup=1,
        )
        statements = _captured(
            lambda params=params: api.get("office", "metrics/problems/breakdown", params)
        )
        grouped = [s for s in statements if "GROUP BY" in s]
        raw = timed(lambda grouped=grouped: [_raw(s, []) for s in grouped], repeat, warmup=1)
        rows = len(api.get("office", "metrics/problems/breakdown", params).json())
        result[by] = {
            "api": summary(times),
            "product_sql": summary(raw),
            "groups": rows,
            "queries": len(statements),
            "grouped_queries": len(grouped),
            "plans": {s[:120]: explain(s) for s in grouped},
        }
        total += quantile(times, 0.5)
    result["both_p50"] = round(total, 1)
    if ctx.vendor == "postgresql":  # the floor of performance.md: one GROUPING SETS query
        sql = (
            "SELECT district_id, responsible_unit_id, COUNT(*), "
            "COUNT(*) FILTER (WHERE status = 'closed'), "
            "COUNT(*) FILTER (WHERE status = 'closed' AND closed_on <= deadline), "
            "COUNT(*) FILTER (WHERE rework_count > 0), AVG(handling_days) "
            "FROM problems_problem WHERE deadline >= %s AND deadline <= %s "
            "AND status IN ('dispatched','in_progress','rectified','closed') "
            "GROUP BY GROUPING SETS ((district_id), (responsible_unit_id))"
        )
        args = [ctx.month_first, ctx.month_last]
        result["floor_grouping_sets"] = summary(timed(lambda: _raw(sql, args), repeat, 1))
    return result


def traps(ctx: Context, repeat: int) -> dict:
    """The shapes performance.md warns about, on the same data, for contrast."""
    like = "SELECT COUNT(*) FROM problems_problem WHERE title LIKE %s OR address LIKE %s"
    pattern = f"%{ctx.text}%"
    return {
        "substring_like_count": summary(
            timed(lambda: _raw(like, [pattern, pattern]), max(3, repeat // 10), warmup=1)
        )
    }


# --- export ---------------------------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cmd_export(args) -> dict:
    """Export about `rows` problems to Excel: time to first byte, total time, bytes, peak RSS.

    Two ways, both as the office and for the same filter, each after a small warm-up:
    `stream` consumes `ledger_xlsx_response` for the ledger filter (the response the export
    view returns once it streams), then the top-level figures GET /problems/export.xlsx through
    the test client, i.e. what a user gets today. Peak RSS is this process's high-water mark,
    so the second figure's "before" is the first's "after"; flat memory shows as after ≈ before
    and the same peak for 10,000 and 100,000 rows.
    """
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from wenming.org.models import Person
    from wenming.problems.models import Problem

    office = Person.objects.get(username="office")
    client = Client()
    client.force_login(office, backend=settings.AUTHENTICATION_BACKENDS[-1])
    newest = Problem.objects.order_by("-created_at").values_list("created_at", flat=True)
    wanted = max(1, min(args.rows, Problem.objects.count()))
    cutoff = newest[wanted - 1]
    day = timezone.localtime(cutoff).date() + timedelta(days=1)
    params = {"created_from": day.isoformat()}
    warm_params = {"created_from": date.today().isoformat()}
    expected = Problem.objects.filter(
        created_at__gte=timezone.make_aware(datetime.combine(day, datetime.min.time()))
    ).count()

    def page(query: dict):
        response = client.get("/problems/export.xlsx", query)
        if response.status_code != 200:
            raise RuntimeError(f"export answered {response.status_code} {response.get('Location')}")
        return response

    def measure(get) -> dict:
        b"".join(get(warm_params).streaming_content)
        before = _peak_mb()
        started = time.perf_counter()
        response = get(params)
        size, arrivals = 0, []
        for chunk in response.streaming_content:
            if chunk and len(arrivals) < 2:
                arrivals.append(time.perf_counter() - started)
            size += len(chunk)
        elapsed = time.perf_counter() - started
        return {
            "status": response.status_code,
            "seconds": round(elapsed, 2),
            "first_byte_s": round(arrivals[0] if arrivals else elapsed, 3),
            # The streamed file's first chunk is the package head, sent before the query
            # runs; the second is the first with rows in it.
            "second_chunk_s": round(arrivals[-1] if arrivals else elapsed, 3),
            "bytes": size,
            "peak_rss_before_mb": round(before, 1),
            "peak_rss_after_mb": round(_peak_mb(), 1),
        }

    through_page = measure(page)
    connection.close()
    return {"rows": expected, **through_page}


# --- load test helpers ----------------------------------------------------------------------


def cmd_token(args) -> dict:
    from wenming.core.services import token_create
    from wenming.org.models import Person, Region
    from wenming.problems.models import Problem

    person = Person.objects.get(username=args.persona)
    _token, raw = token_create(person=person, name="bench load")
    community = (
        Region.objects.filter(level="community", code__startswith="210202").order_by("code").first()
    )
    return {"token": raw, "region": community.code, "problems": Problem.objects.count()}


def cmd_created(args) -> dict:
    from wenming.problems.models import Problem

    return {
        "problems": Problem.objects.count(),
        "bench_created": Problem.objects.filter(is_demo=False, title__startswith="压测").count(),
    }


COMMANDS = {
    "generate": cmd_generate,
    "info": cmd_info,
    "queries": cmd_queries,
    "export": cmd_export,
    "token": cmd_token,
    "created": cmd_created,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks._problems_worker")
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--persona", default="office")
    args = parser.parse_args(argv)
    _setup()
    result = COMMANDS[args.command](args)
    print(json.dumps(result, default=str, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
