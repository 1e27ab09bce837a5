"""`audit verify` on a live system: writers append while it checks, and it never sees a break.

The check reads one snapshot (the head, then the entries up to the head's sequence): a
REPEATABLE READ transaction on PostgreSQL, one deferred read transaction on SQLite (WAL).
Reading the entries and then the head in two statements, as it once did, reports "entries after
this point were removed" whenever a write lands in between.

PostgreSQL: real threads in this process, each with its own connection. SQLite: the same check
in a subprocess on a database file in WAL mode (audit_race.py explains why).
"""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from wenming.core.audit import audit_record, audit_verify

pytestmark = pytest.mark.django_db(transaction=True)


def check_while_writing(*, writers: int, checks: int) -> dict:
    """Verify `checks` times while `writers` threads append entries; what each check said."""
    audit_record(action="test.live", data={"writer": "setup"})  # the head exists before the race
    stop = threading.Event()
    started = threading.Barrier(writers + 1)
    written = [0] * writers
    errors: list[str] = []

    def write(index):
        from django.db import connection as own

        try:
            started.wait()
            while not stop.is_set():
                audit_record(action="test.live", data={"writer": index, "n": written[index]})
                written[index] += 1
        except Exception as exc:  # reported, and the test fails on it
            errors.append(repr(exc))
        finally:
            own.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    verdicts = []
    try:
        started.wait()
        # At least `checks` checks, and on until two of them saw the log at different lengths
        # (bounded): a check of a short log takes a millisecond, so on a busy machine all the
        # checks could end before the writers' first commits landed, and prove nothing.
        deadline = time.monotonic() + 60
        while len(verdicts) < checks or (
            len({v["checked"] for v in verdicts}) < 2 and time.monotonic() < deadline
        ):
            verdict = audit_verify()
            verdicts.append({"ok": verdict.ok, "checked": verdict.checked, "why": verdict.reason})
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    final = audit_verify()
    return {
        "verdicts": verdicts,
        "written": 1 + sum(written),
        "errors": errors,
        "final_ok": final.ok,
        "final_checked": final.checked,
    }


def assert_never_broken(report):
    assert report["errors"] == []
    assert [v for v in report["verdicts"] if not v["ok"]] == []
    # The checks did overlap the writes: they saw the log at different lengths.
    assert len({v["checked"] for v in report["verdicts"]}) > 1, report["verdicts"]
    assert report["final_ok"] and report["final_checked"] == report["written"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite: see the subprocess test")
def test_verify_never_reports_a_break_while_writers_write_on_postgresql():
    assert_never_broken(check_while_writing(writers=3, checks=25))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL runs it in-process")
def test_verify_never_reports_a_break_while_writers_write_on_a_sqlite_file(tmp_path):
    env = {
        **os.environ,
        "WENMING_DATABASE_URL": f"sqlite:///{tmp_path / 'audit.sqlite3'}",
        "WENMING_HOME": str(tmp_path),
        "WENMING_AUDIT_KEY": "test-only-audit-key",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-m", "wenming.core.tests.audit_race", "25"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["journal_mode"] == "wal"
    assert_never_broken(report)
