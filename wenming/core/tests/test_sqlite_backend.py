"""The SQLite backend's write queue (`<db>.writelock`) and its background checkpoints.

Both only act on file databases, and the test database is in memory, so each test runs a
short script in a fresh Python process against a temporary database file (Django configured
by WENMING_DATABASE_URL, as in production) and checks what the script reports. A flock taken
on a second open file description conflicts with the backend's even in the same process, so
the scripts probe the lock that way.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "wenming.core.sqlite_backend",
    reason="the write queue and the checkpointer belong to the SQLite backend",
)

PRELUDE = """
import fcntl, json, os, sys, threading, time
import django
django.setup()
from django.db import OperationalError, connection, transaction
from wenming.core.sqlite_backend import base as backend

LOCK = connection.settings_dict["NAME"] + ".writelock"
{before}

def probe():
    '''True when someone holds the write lock (tried from a second open file description).'''
    fd = os.open(LOCK, os.O_RDWR | os.O_CREAT, 0o660)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the probe's own lock if it got one
    return False

with connection.cursor() as c:
    c.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, who TEXT, at REAL, pad BLOB)")
"""


def run(tmp_path: Path, body: str, *, before: str = "", timeout: float = 60) -> dict:
    """Run PRELUDE + `body` in a new process on a new database file; `body` prints JSON last.
    `before` runs before the first connection is opened."""
    database = tmp_path / "h3.sqlite3"
    env = {
        **os.environ,
        "WENMING_DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "wenming.settings",
    }
    script = PRELUDE.replace("{before}", before) + textwrap.dedent(body)
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_threads_writing_never_interleave(tmp_path):
    found = run(
        tmp_path,
        """
        inside = threading.Event()
        times = {}

        def first():
            with transaction.atomic():
                times["a_in"] = time.monotonic()
                inside.set()
                with connection.cursor() as c:
                    c.execute("INSERT INTO t (who, at) VALUES ('a1', 0)")
                time.sleep(0.4)
                with connection.cursor() as c:
                    c.execute("INSERT INTO t (who, at) VALUES ('a2', 0)")
                times["a_last"] = time.monotonic()
            connection.close()

        def second():
            inside.wait()
            times["b_asks"] = time.monotonic()
            with transaction.atomic():
                times["b_in"] = time.monotonic()
                with connection.cursor() as c:
                    c.execute("INSERT INTO t (who, at) VALUES ('b1', 0)")
            connection.close()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        # Many short transactions from four threads: each writes a begin and an end row.
        def many(name):
            for i in range(40):
                with transaction.atomic():
                    with connection.cursor() as c:
                        c.execute("INSERT INTO t (who, at) VALUES (%s, 0)", [f"{name}:begin"])
                        c.execute("INSERT INTO t (who, at) VALUES (%s, 0)", [f"{name}:end"])
            connection.close()

        workers = [threading.Thread(target=many, args=(f"w{n}",)) for n in range(4)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
        with connection.cursor() as c:
            c.execute("SELECT who FROM t ORDER BY id")
            order = [row[0] for row in c.fetchall()]
        print(json.dumps({"times": times, "order": order, "held": probe()}))
        """,
    )
    times = found["times"]
    # The second writer's transaction began only after the first had done all its work.
    assert times["b_in"] > times["a_last"]
    assert times["b_in"] - times["b_asks"] > 0.3
    order = found["order"]
    assert order[:3] == ["a1", "a2", "b1"]
    pairs = order[3:]
    assert len(pairs) == 4 * 40 * 2
    for begin, end in zip(pairs[::2], pairs[1::2], strict=True):
        assert begin.endswith(":begin") and end == begin.replace(":begin", ":end")
    assert found["held"] is False


def test_the_lock_is_held_inside_a_transaction_and_released_however_it_ends(tmp_path):
    found = run(
        tmp_path,
        """
        seen = {"before": probe()}
        with transaction.atomic():
            seen["inside"] = probe()
            with transaction.atomic():  # a savepoint takes nothing more
                seen["savepoint"] = probe()
            with connection.cursor() as c:
                c.execute("INSERT INTO t (who) VALUES ('commit')")
        seen["after_commit"] = probe()

        with transaction.atomic():
            with connection.cursor() as c:
                c.execute("INSERT INTO t (who) VALUES ('rollback')")
            transaction.set_rollback(True)
        seen["after_rollback"] = probe()

        try:
            with transaction.atomic():
                with connection.cursor() as c:
                    c.execute("INSERT INTO t (who) VALUES ('exception')")
                seen["before_exception"] = probe()
                raise ValueError("boom")
        except ValueError:
            pass
        seen["after_exception"] = probe()

        try:
            with transaction.atomic():
                with connection.cursor() as c:
                    c.execute("INSERT INTO nosuchtable VALUES (1)")
        except Exception as error:
            seen["sql_error"] = type(error).__name__
        seen["after_sql_error"] = probe()

        try:
            with transaction.atomic():  # e.g. a worker shut down in the middle of a request
                with connection.cursor() as c:
                    c.execute("INSERT INTO t (who) VALUES ('closed')")
                seen["before_close"] = probe()
                connection.close()
                seen["after_close"] = probe()
        except Exception as error:
            seen["close_error"] = type(error).__name__
        connection.close()

        with connection.cursor() as c:
            c.execute("SELECT who FROM t ORDER BY id")
            seen["rows"] = [row[0] for row in c.fetchall()]
        print(json.dumps(seen))
        """,
    )
    assert found["before"] is False
    assert found["inside"] is True and found["savepoint"] is True
    assert found["after_commit"] is False
    assert found["after_rollback"] is False
    assert found["before_exception"] is True and found["after_exception"] is False
    assert found["sql_error"] == "OperationalError" and found["after_sql_error"] is False
    assert found["before_close"] is True and found["after_close"] is False
    assert found["rows"] == ["commit"]


def test_a_held_lock_makes_a_writer_fail_after_the_timeout_and_then_write_again(tmp_path):
    found = run(
        tmp_path,
        """
        connection.settings_dict["OPTIONS"]["timeout"] = 0.3
        fd = os.open(LOCK, os.O_RDWR | os.O_CREAT, 0o660)
        fcntl.flock(fd, fcntl.LOCK_EX)  # another writer holds the queue
        started = time.monotonic()
        outcome = {}
        try:
            with transaction.atomic():
                with connection.cursor() as c:
                    c.execute("INSERT INTO t (who) VALUES ('blocked')")
            outcome["error"] = None
        except OperationalError as error:
            outcome["error"] = str(error)
        outcome["waited"] = time.monotonic() - started
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        with transaction.atomic():  # the connection is usable once the holder lets go
            with connection.cursor() as c:
                c.execute("INSERT INTO t (who) VALUES ('after')")
        outcome["held_after"] = probe()
        with connection.cursor() as c:
            c.execute("SELECT who FROM t ORDER BY id")
            outcome["rows"] = [row[0] for row in c.fetchall()]
        print(json.dumps(outcome))
        """,
    )
    assert found["error"] is not None and "locked" in found["error"]
    assert 0.3 <= found["waited"] < 5
    assert found["rows"] == ["after"] and found["held_after"] is False


WAL_BODY = """
connection.ensure_connection()
with connection.cursor() as c:
    c.execute("PRAGMA wal_autocheckpoint")
    autocheckpoint = c.fetchone()[0]
    c.execute("PRAGMA journal_mode")
    journal = c.fetchone()[0]
threads = [t.name for t in threading.enumerate() if t.is_alive()]
wal = connection.settings_dict["NAME"] + "-wal"

def burst(n=150):
    for i in range(n):
        with transaction.atomic():
            with connection.cursor() as c:
                c.execute("INSERT INTO t (who, pad) VALUES ('x', %s)", [os.urandom(3000)])

burst()
first = os.path.getsize(wal)
time.sleep(1.6)  # the thread checkpoints every second
burst()
second = os.path.getsize(wal)
print(json.dumps({"autocheckpoint": autocheckpoint, "journal": journal, "threads": threads,
                  "first": first, "second": second}))
"""


def test_connections_leave_checkpoints_to_one_background_thread(tmp_path):
    found = run(tmp_path, WAL_BODY)
    assert found["autocheckpoint"] == 0 and found["journal"] == "wal"
    assert found["threads"].count("sqlite-checkpoint") == 1
    # The log was copied back between the bursts, so the second burst reused it from the start.
    assert found["second"] < found["first"] * 1.3


def test_without_the_checkpointer_the_log_grows(tmp_path):
    """The control of the test above: with the thread asleep the same bursts double the log,
    so a checkpointer that stopped working would be noticed."""
    found = run(tmp_path, WAL_BODY, before="backend.CHECKPOINT_EVERY_S = 3600")
    assert found["autocheckpoint"] == 0
    assert found["second"] > found["first"] * 1.7


def test_a_round_another_process_is_doing_is_skipped(tmp_path):
    """Checkpointers take turns through `<db>.checkpointlock`: while another process holds it,
    this one checkpoints nothing (and the same bursts grow the log as without a thread)."""
    hold = (
        "_other = os.open(os.environ['WENMING_DATABASE_URL'][10:] + '.checkpointlock',"
        " os.O_RDWR | os.O_CREAT, 0o660)\n"
        "fcntl.flock(_other, fcntl.LOCK_EX)  # as another process's thread would"
    )
    found = run(tmp_path, WAL_BODY, before=hold)
    assert found["threads"].count("sqlite-checkpoint") == 1
    assert found["second"] > found["first"] * 1.7


SUSTAINED_BODY = """
connection.ensure_connection()
wal = connection.settings_dict["NAME"] + "-wal"
start = time.monotonic()
sizes, mark = [], start + 1.5
while time.monotonic() < start + 4.6:  # writes without a pause, as under load
    with transaction.atomic():
        with connection.cursor() as c:
            c.execute("INSERT INTO t (who, pad) VALUES ('x', %s)", [os.urandom(3000)])
    if time.monotonic() >= mark:
        sizes.append(os.path.getsize(wal))
        mark += 1.5
print(json.dumps({"sizes": sizes}))
"""


def test_under_sustained_writes_the_log_restarts_every_round(tmp_path):
    """The RESTART step in the write queue lets the log start over while writers keep going,
    so it stays at about a round's worth of writes."""
    sizes = run(tmp_path, SUSTAINED_BODY)["sizes"]
    assert len(sizes) >= 2
    assert sizes[-1] < sizes[0] * 1.6, sizes


def test_under_sustained_writes_passive_checkpoints_alone_let_the_log_grow(tmp_path):
    """The control of the test above: PASSIVE alone never finds the log wholly copied between
    two commits, so SQLite never restarts it and it grows with every write."""
    sizes = run(tmp_path, SUSTAINED_BODY, before="backend.RESTART_IN_QUEUE = False")["sizes"]
    assert len(sizes) >= 2
    assert sizes[-1] > sizes[0] * 1.6, sizes


def test_a_long_reader_makes_the_restart_give_up_quickly_and_back_off(tmp_path):
    """A reader holding an old snapshot (an export) keeps RESTART from finishing: the writers
    wait for it at most RESTART_WAIT_S, and the next attempts are skipped for a while."""
    found = run(
        tmp_path,
        """
        import sqlite3
        with transaction.atomic():
            with connection.cursor() as c:
                c.execute("INSERT INTO t (who) VALUES ('first')")
        reader = sqlite3.connect(connection.settings_dict["NAME"])
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM t").fetchone()  # holds its snapshot from here
        with transaction.atomic():
            with connection.cursor() as c:
                c.execute("INSERT INTO t (who) VALUES ('second')")
        checker = sqlite3.connect(connection.settings_dict["NAME"],
                                  timeout=backend.RESTART_WAIT_S)
        queue = os.open(LOCK, os.O_RDWR)
        began = time.monotonic()
        restarted = backend._restart_in_queue(checker, queue)
        held = time.monotonic() - began
        reader.rollback()
        again = backend._restart_in_queue(checker, queue)
        print(json.dumps({"restarted": restarted, "held": held, "again": again,
                          "queue_free": not probe()}))
        """,
        before="backend.CHECKPOINT_EVERY_S = 3600  # no background round meanwhile",
    )
    assert found["restarted"] is False and found["again"] is True
    assert found["held"] < 1.0 and found["queue_free"] is True


def test_the_test_databases_own_connection_is_the_queued_backend(db):
    from django.db import connections

    from wenming.core.sqlite_backend.base import DatabaseWrapper

    connection = connections["default"]
    assert isinstance(connection, DatabaseWrapper)
    assert connection._write_lock_path() is None  # in memory: nothing to queue on


def test_the_placeholder_rewrite_is_remembered_and_equals_djangos(db, monkeypatch):
    from django.db import connections
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    from wenming.core.sqlite_backend import base as backend

    monkeypatch.setattr(backend, "_qmark_texts", {})
    monkeypatch.setattr(backend, "QMARK_CACHE_SIZE", 2)
    connection = connections["default"]
    connection.ensure_connection()
    cursor = connection.connection.cursor(factory=backend.CursorWrapper)
    django = connection.connection.cursor(factory=SQLiteCursorWrapper)
    texts = ["SELECT %s, '%%s', 'a%%b'", "SELECT %s WHERE x LIKE '%%x'", "SELECT %s + %s"]
    for text in texts:
        assert cursor.convert_query(text) == django.convert_query(text)
        assert cursor.convert_query(text) == django.convert_query(text)  # from the cache
    assert list(backend._qmark_texts) == texts[:2]  # bounded: the third was not kept
    cursor.execute("SELECT %s, '%%s'", [7])
    assert cursor.fetchone() == (7, "%s")
    named = {"a": 1}
    assert cursor.convert_query("SELECT %(a)s", param_names=list(named)) == "SELECT :a"
