"""The `wenming` command: serve, worker, migrate, demo, createadmin, audit verify, and any Django command."""

import argparse
import os
import shutil
import signal
import subprocess
import sys

# How long `serve` lets its worker finish the task in hand after SIGTERM before killing it.
WORKER_STOP_S = 30
# Names the process whose death stops a `wenming worker` (see notifications' worker command).
PARENT_ENV = "WENMING_WORKER_PARENT"


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenming.settings")
    import django

    django.setup()


def print_demo_logins(stream=sys.stdout) -> None:
    from django.conf import settings

    from wenming.org.demo import DEMO_USERS
    from wenming.org.models import Person

    if not settings.DEMO_MODE:
        return
    present = set(Person.objects.filter(is_demo=True).values_list("username", flat=True))
    users = [u for u in DEMO_USERS if u["username"] in present]
    if not users:
        return
    stream.write(f"Demo logins (password: {settings.WENMING_DEMO_PASSWORD}):\n")
    for user in users:
        stream.write(f"  {user['username']:<12} {user['role_label']}\n")


def start_worker() -> subprocess.Popen:
    """`wenming worker` as a child process, in its own session: a Ctrl+C in the terminal
    reaches only `serve`, which then stops the worker with one SIGTERM (a second signal would
    abort the task in hand)."""
    # The worker watches this process (PARENT_ENV): if `serve` dies without stopping it
    # (SIGKILL, OOM killer), the worker stops itself instead of running on as an orphan.
    env = {**os.environ, PARENT_ENV: str(os.getpid())}
    return subprocess.Popen(  # noqa: S603 — our own interpreter and module
        [sys.executable, "-m", "wenming.cli", "worker"], start_new_session=True, env=env
    )


def stop_worker(worker: subprocess.Popen | None) -> None:
    """SIGTERM: the worker finishes its current task and exits; killed if it takes too long."""
    if worker is None or worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=WORKER_STOP_S)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _exit_on_sigterm(signum, frame):
    raise SystemExit(0)  # unwinds through `finally`, which stops the worker


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="wenming serve",
        description="Serve Wenming over HTTP, with a background worker (`wenming worker`) "
        "as a child process that sends notices; both stop together.",
    )
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    parser.add_argument("--prod", action="store_true", help="run gunicorn instead of the dev server")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WENMING_WORKERS", "2")))
    parser.add_argument(
        "--no-worker",
        dest="worker",
        action="store_false",
        help="do not start a background worker (when `wenming worker` runs as its own service)",
    )
    args = parser.parse_args(argv)
    _setup_django()
    # Pages name the hashed static files of the last collection (core/staticbuild.py).
    from wenming.core.staticbuild import collect_static

    collect_static(stdout=sys.stdout)
    print_demo_logins()
    print(f"Wenming is serving on http://{args.host}:{args.port}/", flush=True)
    command = None
    if args.prod:
        gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
        # --timeout 120: a sync worker streaming the largest ledger export (500,000 rows,
        # ~25 s) must not be killed by gunicorn's default 30 s limit on a slow link.
        command = [gunicorn, "wenming.wsgi:application", "--bind", f"{args.host}:{args.port}",
                   "--workers", str(args.workers), "--timeout", "120", "--access-logfile", "-",
                   "--no-control-socket"]
        if not args.worker:
            os.execv(command[0], command)  # noqa: S606 — replace this process with gunicorn
    worker = start_worker() if args.worker else None
    try:
        if command is not None:
            server = subprocess.Popen(command)  # noqa: S603
            # gunicorn stops gracefully on SIGTERM and at once on SIGINT: pass both on.
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda sig, frame: server.send_signal(sig))
            return server.wait()
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        from django.core.management import execute_from_command_line

        execute_from_command_line(["wenming", "runserver", f"{args.host}:{args.port}", "--noreload"])
        return 0
    finally:
        stop_worker(worker)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "serve":
        return serve(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wenming.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["wenming", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
