"""Django's SQLite backend, with writers queued on a file lock instead of SQLite's busy sleeps.

SQLite allows one writer at a time. A writer that finds the database locked is put to sleep
by SQLite's busy handler for 1, 2, 5, 10 … ms before it tries again, even when the lock is
released a few microseconds later. With two gunicorn workers reporting problems, that made two
workers slower than one (191 against 248 reports/s on the 1M ledger). Here every write
transaction first takes an exclusive `flock` on `<database>.writelock`, polling every 50 µs
(doubling up to 2 ms) — a waiter resumes within about 50 µs of the release — and releases it
when the transaction ends. The lock is advisory: other programs writing the file still meet
SQLite's own lock and busy handler, as before. In-memory databases (tests) need no lock.

Checkpoints, too, leave the request path. By default the commit that grows the write-ahead log
past 1,000 pages copies it back into the database and syncs the file: 5 ms, every 30-odd
reports. Connections opened here turn that off (`wal_autocheckpoint=0`) and each process runs
one daemon thread that checkpoints every `CHECKPOINT_EVERY_S` seconds, in two steps:

1. PASSIVE, which waits for no reader or writer and copies nearly everything;
2. RESTART, in the write queue: it copies what the writers added meanwhile, and the next
   writer starts the log again from its beginning.

PASSIVE alone never catches up with writers that commit every millisecond, and SQLite only
restarts a log that is wholly copied: under sustained load the log grew by ~130 MB a second,
every frame extended the file, and each read looked its pages up in a longer and longer
index. With step 2 the log stays at about one second of writes; on the 1M ledger a report
costs 5 % less CPU (docs/performance.md, finding 9). Step 2 holds the queue for a few
milliseconds a second. If a long reader (an export) keeps it from finishing within
`RESTART_WAIT_S`, it gives up and is skipped for `RESTART_BACKOFF_S`. A process that opens
no connection starts no thread; when the last connection to a database closes, SQLite
checkpoints it anyway.
"""

import contextlib
import fcntl
import os
import sqlite3
import threading
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

FIRST_WAIT_S = 0.00005
LONGEST_WAIT_S = 0.002
CHECKPOINT_EVERY_S = 1.0
RESTART_IN_QUEUE = True
RESTART_WAIT_S = 0.05
RESTART_BACKOFF_S = 10.0

_checkpointers: dict[str, threading.Thread] = {}
_checkpointers_lock = threading.Lock()


def _checkpoint_forever(path: str) -> None:
    """Every second: copy the write-ahead log into the database, then restart it."""
    # The timeout is how long RESTART waits for readers while the writers wait for it.
    connection = sqlite3.connect(path, timeout=RESTART_WAIT_S, check_same_thread=False)
    queue = os.open(path + ".writelock", os.O_RDWR | os.O_CREAT, 0o660)
    # One checkpointer at a time across processes: two at once make each other's RESTART
    # report "busy", which would read as a long reader and back off for nothing.
    rounds = os.open(path + ".checkpointlock", os.O_RDWR | os.O_CREAT, 0o660)
    restart_after = 0.0
    try:
        while True:
            time.sleep(CHECKPOINT_EVERY_S)
            try:
                fcntl.flock(rounds, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # another process's thread is doing this round
            try:
                # Busy or gone for a moment: the next round tries again.
                with contextlib.suppress(sqlite3.Error):
                    restart = RESTART_IN_QUEUE and time.monotonic() >= restart_after
                    if not _checkpoint_round(connection, queue, restart=restart):
                        restart_after = time.monotonic() + RESTART_BACKOFF_S
            finally:
                fcntl.flock(rounds, fcntl.LOCK_UN)
    finally:
        connection.close()
        os.close(queue)
        os.close(rounds)


def _checkpoint_round(connection, queue: int, *, restart: bool) -> bool:
    """PASSIVE, then (with `restart`) RESTART in the write queue; False if a reader kept it busy."""
    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    return _restart_in_queue(connection, queue) if restart else True


def _restart_in_queue(connection, queue: int) -> bool:
    """RESTART checkpoint while holding the write queue; False if a reader kept it busy."""
    fcntl.flock(queue, fcntl.LOCK_EX)  # behind the writer now writing; the others wait
    try:
        busy, _frames, _copied = connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
    finally:
        fcntl.flock(queue, fcntl.LOCK_UN)
    return busy == 0


def start_checkpointer(path: str) -> None:
    """One checkpoint thread per database file and process (started on first connection)."""
    with _checkpointers_lock:
        thread = _checkpointers.get(path)
        if thread is not None and thread.is_alive():
            return
        thread = threading.Thread(
            target=_checkpoint_forever, args=(path,), name="sqlite-checkpoint", daemon=True
        )
        _checkpointers[path] = thread
        thread.start()


# Statement texts whose "%s" placeholders were already rewritten to SQLite's "?". Django runs a
# regular expression over every statement on every execute; the hot paths send the same few
# texts thousands of times a second. Bounded: texts that vary (IN lists) stop being added.
QMARK_CACHE_SIZE = 4096
_qmark_texts: dict[str, str] = {}


class CursorWrapper(base.SQLiteCursorWrapper):
    """Django's SQLite cursor, remembering its placeholder rewrite per statement text."""

    def convert_query(self, query, *, param_names=None):
        if param_names is not None:  # "pyformat" (named) parameters: rare, left to Django
            return super().convert_query(query, param_names=param_names)
        converted = _qmark_texts.get(query)
        if converted is None:
            converted = super().convert_query(query)
            if len(_qmark_texts) < QMARK_CACHE_SIZE:
                _qmark_texts[query] = converted
        return converted


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock_fd: int | None = None
    _write_lock_held = False

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=CursorWrapper)

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            connection.execute("PRAGMA wal_autocheckpoint=0")
            start_checkpointer(str(self.settings_dict["NAME"]))
        return connection

    def _write_lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return name + ".writelock"

    def _acquire_write_lock(self) -> None:
        path = self._write_lock_path()
        if path is None or self._write_lock_held:
            return
        if self._write_lock_fd is None:
            self._write_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o660)
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 20))
        wait = FIRST_WAIT_S
        while True:
            try:
                fcntl.flock(self._write_lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OperationalError("database is locked (write queue)") from None
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT_S)
        self._write_lock_held = True

    def _release_write_lock(self) -> None:
        if self._write_lock_held:
            fcntl.flock(self._write_lock_fd, fcntl.LOCK_UN)
            self._write_lock_held = False

    def _start_transaction_under_autocommit(self):
        self._acquire_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_write_lock()
            if self._write_lock_fd is not None:
                os.close(self._write_lock_fd)
                self._write_lock_fd = None
