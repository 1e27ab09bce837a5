"""A bulk dispatch with the worker stopped, then the worker sending what it stored.

For SQLite, and for PostgreSQL when `WENMING_BENCH_PG_URL` is set (a server URL; the benchmark
creates and drops its own database on it), in a fresh database:

1. the cast of the tests (wenming.testing.personas), the Urban Management Bureau's officer
   with an e-mail address, a WeCom group robot (a local HTTP server) for dispatch notices,
   and `--count` new problems (default 500, what the bulk form takes);
2. the office dispatches them all to the bureau in one request (`POST /problems/bulk-dispatch/`,
   Django test client, whole middleware stack), timed, with no worker running: the issue's
   target is under 2 s. It checks that nothing was sent and counts the tasks queued;
3. `wenming worker --batch` in its own process sends the queued notices, timed; it checks that
   every delivery was sent exactly once (one attempt each, one robot post per notice), and a
   second worker run sends nothing.

Usage: python -m benchmarks notify [--count=N]   (`make bench BENCH_ARGS=notify`)
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "bench"
TARGET_DISPATCH_S = 2.0


def _env(url: str) -> dict:
    env = dict(os.environ)
    env["WENMING_DATABASE_URL"] = url
    env["WENMING_MEDIA_ROOT"] = str(BENCH_DIR / "media-notify")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["DJANGO_SETTINGS_MODULE"] = "wenming.settings"
    # E-mails are counted through the Delivery rows; nothing leaves the machine.
    env["WENMING_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    return env


def _sqlite_url() -> str:
    path = BENCH_DIR / "notify.sqlite3"
    for suffix in ("", "-wal", "-shm", ".writelock", ".checkpointlock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _postgres_url(server_url: str) -> str:
    import psycopg

    name = "wenming_bench_notify"
    parts = urllib.parse.urlsplit(server_url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


class _Robot(BaseHTTPRequestHandler):
    received = 0
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with _Robot.lock:
            _Robot.received += 1
        body = b'{"errcode": 0, "errmsg": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


# --- the child: one database, prepared, dispatched, checked ---------------------------------


def _child_prepare(count: int, robot_url: str) -> dict:
    from wenming.notifications.services import webhook_channel_create
    from wenming.problems.tests.factories import report
    from wenming.testing.personas import build_cast

    cast = build_cast()
    cast.urban.email = "sun.qiang@urban.dalian.example"
    cast.urban.save()
    webhook_channel_create(
        actor=cast.office, name="城管群", kind="wecom", url=robot_url, kinds=["dispatch"]
    )
    started = time.monotonic()
    codes = [
        report(cast.office, region=cast.zhongshan_community, title=f"占道经营 {i}").code
        for i in range(count)
    ]
    return {"codes": codes, "office": cast.office.pk, "report_s": time.monotonic() - started}


def _child_dispatch(codes: list[str], office_id: int) -> dict:
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    from wenming.notifications.models import Delivery
    from wenming.org.models import Person
    from wenming.problems.models import Problem

    client = Client()
    client.force_login(
        Person.objects.get(pk=office_id), backend="wenming.core.backends.WenmingModelBackend"
    )
    # A running server has imported its URL configuration, API and templates long before an
    # officer's dispatch; without one page first, the timed request paid ~0.5 s of imports.
    client.get("/problems/")
    tasks_before = DBTaskResult.objects.count()
    started, cpu = time.monotonic(), time.process_time()
    response = client.post("/problems/bulk-dispatch/", {"codes": codes, "unit": "URBAN"})
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    return {
        "status": response.status_code,
        "dispatch_s": elapsed,
        # The request's own CPU (this process): on a busy machine the wall time also counts
        # waiting for a core and for the database server.
        "dispatch_cpu_s": cpu,
        "load_average": os.getloadavg()[0],
        "dispatched": Problem.objects.filter(code__in=codes, status="dispatched").count(),
        "deliveries": Delivery.objects.filter(notice__kind="dispatch").count(),
        "sent_before_worker": Delivery.objects.filter(status="sent").count(),
        "tasks_queued": DBTaskResult.objects.count() - tasks_before,
    }


def _child_check() -> dict:
    from django.db.models import Count, Max

    from wenming.notifications.models import Delivery

    deliveries = Delivery.objects.filter(notice__kind="dispatch")
    by_status = dict(deliveries.values_list("status").annotate(n=Count("id")))
    return {"by_status": by_status, "max_attempts": deliveries.aggregate(m=Max("attempts"))["m"]}


def child(argv: list[str]) -> int:
    import django

    django.setup()
    step, payload = argv[0], json.loads(argv[1])
    if step == "prepare":
        out = _child_prepare(payload["count"], payload["robot"])
    elif step == "dispatch":
        out = _child_dispatch(payload["codes"], payload["office"])
    else:
        out = _child_check()
    print(json.dumps(out))
    return 0


# --- the parent -----------------------------------------------------------------------------


def _run_child(env: dict, step: str, payload: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_notify", "--child", step, json.dumps(payload)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _worker(env: dict) -> float:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "wenming.cli", "worker", "--batch", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.monotonic() - started


def bench(backend: str, url: str, count: int, robot_url: str) -> dict:
    env = _env(url)
    subprocess.run(
        [sys.executable, "-m", "wenming.cli", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    prepared = _run_child(env, "prepare", {"count": count, "robot": robot_url})
    _Robot.received = 0
    done = _run_child(env, "dispatch", {"codes": prepared["codes"], "office": prepared["office"]})
    robot_before = _Robot.received
    worker_s = _worker(env)
    first = _run_child(env, "check", {})
    robot_first = _Robot.received
    again_s = _worker(env)
    second = _run_child(env, "check", {})
    result = {
        **done,
        "robot_posts_before_worker": robot_before,
        "worker_s": worker_s,
        "after_worker": first,
        "robot_posts": robot_first,
        "second_worker_s": again_s,
        "robot_posts_after_second_run": _Robot.received - robot_first,
        "unchanged_after_second_run": first == second,
    }
    ok_once = (
        first["by_status"] == {"sent": 2 * count}
        and first["max_attempts"] == 1
        and robot_first == count
        and result["robot_posts_after_second_run"] == 0
    )
    print(
        f"{backend}: bulk dispatch of {done['dispatched']} problems (worker stopped): "
        f"{done['dispatch_s']:.2f} s (target < {TARGET_DISPATCH_S:.0f} s; "
        f"{done['dispatch_cpu_s']:.2f} s CPU in the app process, load {done['load_average']:.1f}), "
        f"HTTP {done['status']}, "
        f"{done['deliveries']} deliveries stored, {done['sent_before_worker']} sent, "
        f"{done['tasks_queued']} task(s) queued"
    )
    print(
        f"{backend}: worker --batch sent them in {worker_s:.1f} s: {first['by_status']}, "
        f"{robot_first} robot posts, at most {first['max_attempts']} attempt(s) each; "
        f"second run ({again_s:.1f} s) sent {result['robot_posts_after_second_run']} more — "
        f"{'exactly once' if ok_once else 'NOT exactly once'}"
    )
    return result


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--child":
        return child(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m benchmarks notify")
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args(argv)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    robot = ThreadingHTTPServer(("127.0.0.1", 0), _Robot)
    threading.Thread(target=robot.serve_forever, daemon=True).start()
    robot_url = f"http://127.0.0.1:{robot.server_address[1]}/cgi-bin/webhook/send?key=bench"
    backends = [("sqlite", _sqlite_url)]
    pg = os.environ.get("WENMING_BENCH_PG_URL", "")
    if pg:
        backends.append(("postgresql", lambda: _postgres_url(pg)))
    else:
        print("(WENMING_BENCH_PG_URL is not set: PostgreSQL is skipped)")
    results = {}
    try:
        for backend, make_url in backends:
            results[backend] = bench(backend, make_url(), args.count, robot_url)
    finally:
        robot.shutdown()
    (BENCH_DIR / f"notify-{args.count}.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
