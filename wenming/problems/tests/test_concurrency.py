"""Two officers act on one problem at once: exactly one wins, the other gets 409.

PostgreSQL: real threads in this process, each with its own connection (`transactional_db`);
the row lock (`SELECT … FOR UPDATE`) makes the second wait and then see the new status.

SQLite: pytest-django's test database is in memory with a *shared cache*, where a second
writer gets "database table is locked" at once instead of waiting, which is not how the
product runs. So on SQLite the race runs in a subprocess against a real database file in WAL
mode with the product's settings (`transaction_mode=IMMEDIATE`, busy timeout): there the
second transaction waits at BEGIN for the first to commit, then reads the new status.
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

from wenming.core.errors import Conflict
from wenming.problems import services
from wenming.problems.services import _common

from .factories import rectified

pytestmark = pytest.mark.django_db(transaction=True)


def race(funcs):
    """Run each callable in its own thread, released together; return their outcomes."""
    barrier = threading.Barrier(len(funcs))
    outcomes = [None] * len(funcs)

    def run(index, func):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            outcomes[index] = ("ok", func())
        except Exception as exc:  # the outcome is what we assert on
            outcomes[index] = (type(exc).__name__, exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(funcs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.fixture
def slow_lock(monkeypatch):
    """Hold the row a moment after locking it, so the rival surely arrives meanwhile."""
    original = _common.lock_problem

    def lock_and_wait(problem):
        locked = original(problem)
        time.sleep(0.3)
        return locked

    monkeypatch.setattr(_common, "lock_problem", lock_and_wait)
    from wenming.problems.services import transitions

    monkeypatch.setattr(transitions, "lock_problem", lock_and_wait)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite: see the subprocess test")
def test_pass_and_fail_at_once_on_postgresql(cast, slow_lock):
    problem = rectified(cast)
    before = problem.version
    outcomes = race(
        [
            lambda: services.problem_verify_pass(problem=problem, actor=cast.office),
            lambda: services.problem_verify_fail(problem=problem, actor=cast.office, note="返工"),
        ]
    )
    kinds = sorted(kind for kind, _value in outcomes)
    assert kinds == ["Conflict", "ok"], outcomes
    problem.refresh_from_db()
    loser = next(value for kind, value in outcomes if kind == "Conflict")
    assert loser.details["status"] == problem.status  # the 409 carries the winner's state
    assert problem.events.filter(action__in=["verify_pass", "verify_fail"]).count() == 1
    assert problem.version == before + 1  # one write, not two


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite: see the subprocess test")
def test_two_api_clients_at_once_on_postgresql(cast, api_as, slow_lock):
    problem = rectified(cast)
    path = f"problems/{problem.code}/transitions"
    clients = [api_as(cast.office), api_as(cast.office)]
    outcomes = race(
        [
            lambda: clients[0].post(path, {"action": "verify_pass"}).status_code,
            lambda: clients[1].post(path, {"action": "verify_fail", "note": "返工"}).status_code,
        ]
    )
    assert sorted(value for _kind, value in outcomes) == [200, 409], outcomes


def test_compare_and_set_refuses_a_stale_write(cast):
    """The second line of defence: an update from a stale read changes nothing."""
    problem = rectified(cast)
    stale_version = problem.version
    services.problem_verify_pass(problem=problem, actor=cast.office)
    with pytest.raises(Conflict):
        _common.save_changes(problem, {"hold_plan": "stale"}, expected_version=stale_version)
    problem.refresh_from_db()
    assert problem.status == "closed" and problem.hold_plan == ""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL runs the race in-process")
def test_the_race_on_a_sqlite_file_in_wal_mode(tmp_path):
    env = {
        **os.environ,
        "WENMING_DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "WENMING_MEDIA_ROOT": str(tmp_path / "media"),
        "WENMING_HOME": str(tmp_path),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-m", "wenming.problems.tests.race"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["journal_mode"] == "wal"
    assert sorted(report["services"]) == ["Conflict", "ok"], report
    assert report["events"] == 1
    assert sorted(report["api"]) == [200, 409], report
