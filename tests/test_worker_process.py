"""`wenming serve` brings a worker that delivers notices; `wenming worker` stops on SIGTERM."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# A notice for the robot below, written as a request would write it (no worker running).
NOTICE = """
from wenming.notifications.models import WebhookChannel
from wenming.notifications.services import notify
WebhookChannel.objects.create(name="群", kind="wecom", url={url!r}, kinds=["dispatch"])
notify(kind="dispatch", recipients=[], title="WM2026-000001 已派遣")
"""


def _environ(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(extra)
    return env


WENMING = [sys.executable, "-m", "wenming.cli"]


def _migrated(tmp_path, name: str) -> dict:
    """The environment of a fresh, migrated SQLite database `name` under tmp_path."""
    env = _environ(WENMING_DATABASE_URL=f"sqlite:///{tmp_path}/{name}", WENMING_SECRET_KEY="k" * 64)
    _wenming("migrate", "--no-input", env=env, timeout=300)
    return env


def _wenming(*args, env: dict, timeout: float = 120) -> None:
    subprocess.run(
        [*WENMING, *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=timeout
    )


def _start(*args, env: dict, output=subprocess.PIPE) -> subprocess.Popen:
    """`wenming <args>` running in the background, its output on a pipe (or discarded)."""
    return subprocess.Popen(
        [*WENMING, *args],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if output == subprocess.PIPE else subprocess.DEVNULL,
        text=True,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _robot():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            body = b'{"errcode": 0, "errmsg": "ok"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def _wait(condition, process, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"exited early: {process.stdout.read()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s")
        time.sleep(0.2)


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_starts_a_worker_that_delivers_and_stops_with_it_and_worker_stops_on_sigterm(
    tmp_path,
):
    env = _migrated(tmp_path, "worker.sqlite3")
    robot, received = _robot()
    url = f"http://127.0.0.1:{robot.server_address[1]}/cgi-bin/webhook/send?key=k"
    _wenming("shell", "-c", NOTICE.format(url=url), env=env)
    assert received == []  # stored, not sent: no worker runs yet

    port = str(_free_port())
    serve = _start("serve", "--host", "127.0.0.1", "--port", port, env=env)
    try:
        _wait(lambda: len(received) == 1, serve)  # the worker `serve` started sent it
        assert "WM2026-000001" in json.dumps(received[0], ensure_ascii=False)
        workers = _children(serve.pid)
        assert workers
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=60) == 0
        assert not any(_alive(pid) for pid in workers)  # the worker went with it
    finally:
        if serve.poll() is None:
            serve.kill()
        robot.shutdown()
    assert len(received) == 1

    worker = _start("worker", env=env)
    try:
        lines = []
        _wait(
            lambda: lines.append(worker.stdout.readline()) or "Starting worker" in lines[-1], worker
        )
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting for whichever process adopted it to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_worker_started_by_serve_stops_when_serve_is_killed(tmp_path):
    """SIGKILL gives `serve` no chance to stop its worker: the worker notices its parent is
    gone and stops by itself instead of running on as an orphan."""
    env = _migrated(tmp_path, "orphan.sqlite3")
    port = str(_free_port())
    serve = _start(
        "serve", "--host", "127.0.0.1", "--port", port, env=env, output=subprocess.DEVNULL
    )
    workers = []
    try:
        _wait(lambda: workers.extend(_children(serve.pid)) or workers, serve)
        # The worker is up (its Django loaded) once it has opened the database file.
        _wait(
            lambda: any(
                "orphan.sqlite3" in os.path.realpath(f"/proc/{workers[0]}/fd/{fd}")
                for fd in os.listdir(f"/proc/{workers[0]}/fd")
            ),
            serve,
        )
        serve.kill()
        serve.wait(timeout=10)
        deadline = time.monotonic() + 30
        while _running(workers[0]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _running(workers[0]), "the worker outlived the serve that started it"
    finally:
        if serve.poll() is None:
            serve.kill()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
