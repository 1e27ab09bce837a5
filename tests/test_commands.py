"""The two commands' edges: `make` explains missing tools; `wenming serve` really serves."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environ(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(extra)
    return env


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_says_what_to_install_when_npm_is_missing(tmp_path):
    # A PATH with python3 but no npm.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    make = shutil.which("make")
    result = subprocess.run([make, "-s", "check-tools"], cwd=ROOT, capture_output=True,
                            text=True, env=_environ(PATH=str(bin_dir)), timeout=60)
    assert result.returncode != 0
    assert "needs npm" in result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_says_what_to_install_when_python_is_too_old(tmp_path):
    old = tmp_path / "python3.9"
    old.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo 'Python 3.9.2' && exit 0\nexit 1\n")
    old.chmod(0o755)
    result = subprocess.run(["make", "-s", "check-tools", f"PY={old}"], cwd=ROOT,
                            capture_output=True, text=True, env=_environ(), timeout=60)
    assert result.returncode != 0
    assert "needs Python 3.11 or newer" in result.stdout + result.stderr
    assert "Python 3.9.2" in result.stdout + result.stderr


def _wait_for(url: str, process, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 — loopback
                return json.loads(response.read())
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds} s")


@pytest.mark.parametrize("prod", [False, True], ids=["dev-server", "gunicorn"])
def test_wenming_serve_answers_on_the_chosen_port(tmp_path, prod):
    db_url = f"sqlite:///{tmp_path}/serve.sqlite3"
    env = _environ(WENMING_DATABASE_URL=db_url, WENMING_SECRET_KEY="k" * 64)
    subprocess.run([sys.executable, "-m", "wenming.cli", "migrate", "--no-input"], cwd=ROOT,
                   env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    args = [sys.executable, "-m", "wenming.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if prod:
        args.append("--prod")
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/healthz", process) == {
            "status": "ok", "database": "ok"}
    finally:
        process.terminate()
        process.wait(timeout=30)
