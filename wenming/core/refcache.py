"""Reference rows kept in each process, and kept true on every app server.

Creating a problem or drawing a ledger page needs the same small tables on every request —
regions, units, categories, routing rules, the ledger's settings, the holiday calendar.
Reading them from the database each time costs a query per look-up (on PostgreSQL a round
trip each); they change a few times a month. So each process keeps its own copy of each, and
Django's cache framework (`CACHES["default"]`: local memory, or Redis shared by every app
server when `WENMING_CACHE_URL` names one) holds one *version token* that says whether the
copies are still true:

- A copy is tagged with the token read *before* its rows were read. A look-up compares the
  tag with the current token and reloads on a difference; so a load racing a change is tagged
  with the token the change replaced, and the next look-up reloads.
- The service that changes a row calls `invalidate()`, which writes a new random token: every
  process's copy is stale from that moment. It writes one at once (the writer's own
  transaction sees its change) and another when the transaction commits (a process that
  reloaded in between read the old committed rows). Until then the writer's thread keeps
  private copies, so an uncommitted or rolled-back change never enters the shared copies.
- A random token, not a counter: a restarted Redis or an evicted key cannot bring back a
  value that some process still holds.
- Reading the token costs a cache read (a Redis round trip). Within a request
  (`ReferenceRowsMiddleware`) or a `batch()` it is read once, at the first look-up, and the
  request sees one consistent set of rows; anywhere else every look-up reads it.
- When the cache cannot be reached, copies are reloaded every `UNREACHABLE_SECONDS`; and any
  copy is reloaded after `MAX_AGE_SECONDS` whatever the token says, as a last resort against
  a change whose token write was lost with the cache.

Rows come back as model instances shared between requests: treat them as read-only.
"""

import hashlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.cache import DEFAULT_CACHE_ALIAS, BaseCache, caches
from django.db import transaction
from django.db.models import QuerySet

logger = logging.getLogger(__name__)

UNREACHABLE_SECONDS = 5.0
MAX_AGE_SECONDS = 600.0

Value = TypeVar("Value")
Row = TypeVar("Row")


class AppServer:
    """One app server's view: the cache client its token comes from, and its copies.

    The process is one (`PROCESS`); a test acts as a second server on the same Redis with
    `with AppServer(other_client):` — fresh copies, a separate client, the same shared token.
    """

    def __init__(self, store: Callable[[], BaseCache] | BaseCache):
        self._store = store if callable(store) and not isinstance(store, BaseCache) else None
        self._client = None if self._store is not None else store
        self.copies: dict[Reference, _Copy] = {}

    @property
    def store(self) -> BaseCache:
        return self._client if self._store is None else self._store()

    def read_token(self) -> str:
        key = token_key()
        try:
            store = self.store
            token = store.get(key)
            if token is None:  # never written, evicted, or the cache was emptied
                store.add(key, uuid.uuid4().hex, timeout=None)
                token = store.get(key)
            if token is not None:
                return token
        except Exception:
            logger.warning("reference rows: the cache cannot be read", exc_info=True)
        return f"unreachable:{int(time.monotonic() // UNREACHABLE_SECONDS)}"

    def write_token(self) -> None:
        self.copies.clear()
        try:
            self.store.set(token_key(), uuid.uuid4().hex, timeout=None)
        except Exception:
            logger.error("reference rows: the cache cannot be written", exc_info=True)

    def __enter__(self) -> "AppServer":
        ctx = _context
        ctx.servers.append((ctx.server, ctx.private, ctx.token))
        ctx.server, ctx.private, ctx.token = self, None, None
        return self

    def __exit__(self, *exc) -> None:
        ctx = _context
        ctx.server, ctx.private, ctx.token = ctx.servers.pop()


_KEYS: dict[str, str] = {}


def token_key() -> str:
    """The token's cache key: the version of the reference rows of *this* database, so two
    databases (two cities on one Redis, concurrent test runs) never share one."""
    database = transaction.get_connection().settings_dict
    name = str(database["NAME"])
    key = _KEYS.get(name)
    if key is None:
        where = "|".join(str(database.get(k)) for k in ("ENGINE", "HOST", "PORT", "NAME"))
        if name in ("", ":memory:") or "mode=memory" in name:
            where += f"|{os.getpid()}"  # an in-memory SQLite database lives in one process
        key = _KEYS[name] = f"refcache:{hashlib.sha256(where.encode()).hexdigest()[:24]}"
    return key


PROCESS = AppServer(lambda: caches[DEFAULT_CACHE_ALIAS])


class _Context(threading.local):
    """What one thread is doing: which server it acts as, in a request or batch or not."""

    server: AppServer = PROCESS
    depth = 0  # requests and batches entered and not left
    token: str | None = None  # the token this request or batch read, once
    private: dict | None = None  # copies of a thread that changed rows in an open transaction

    def __init__(self):
        self.servers = []


_context = _Context()


@dataclass
class _Copy:
    token: str
    value: object
    loaded_at: float


class Reference(Generic[Value]):
    """A value computed from reference rows (`load()`), held per process, true everywhere."""

    def __init__(self, load: Callable[[], Value]):
        self._load = load

    def get(self) -> Value:
        ctx = _context
        server = ctx.server
        copies = _private_copies(ctx) if ctx.private is not None else server.copies
        token = ctx.token
        if token is None:
            token = server.read_token()
            if ctx.depth:
                ctx.token = token
        copy = copies.get(self)
        now = time.monotonic()
        if copy is None or copy.token != token or now - copy.loaded_at > MAX_AGE_SECONDS:
            copy = copies[self] = _Copy(token, self._load(), now)
        return copy.value


@dataclass
class _Rows:
    by_id: dict
    by_key: dict


class ReferenceCache(Generic[Row]):
    """All rows of one small table, by id and by a natural key (`key`).

    A row missing from the copy (created since it was loaded) is read on its own and added, so
    creating a row needs no `invalidate()`; changing or deleting one does.
    """

    def __init__(self, rows: Callable[[], QuerySet], *, key: str = "code"):
        self._rows = rows
        self._key = key
        self._table = Reference(self._load)

    def _load(self) -> _Rows:
        rows = list(self._rows())
        return _Rows({row.pk: row for row in rows}, {getattr(row, self._key): row for row in rows})

    def all(self) -> list[Row]:
        return list(self._table.get().by_id.values())

    def by_id(self, pk) -> Row | None:
        if pk is None:
            return None
        table = self._table.get()
        found = table.by_id.get(pk)
        return found if found is not None else self._read_one(table, pk=pk)

    def by_key(self, key) -> Row | None:
        if key is None:
            return None
        table = self._table.get()
        found = table.by_key.get(key)
        return found if found is not None else self._read_one(table, **{self._key: key})

    def _read_one(self, table: _Rows, **lookup) -> Row | None:
        row = self._rows().filter(**lookup).first()
        if row is not None:
            table.by_id[row.pk] = row
            table.by_key[getattr(row, self._key)] = row
        return row


def _private_copies(ctx: _Context) -> dict:
    if transaction.get_connection().in_atomic_block:
        return ctx.private
    ctx.private = None  # the transaction that changed rows has ended (committed or not)
    return ctx.server.copies


def _committed() -> None:
    _context.private = None
    _context.server.write_token()


def invalidate() -> None:
    """Every copy of every reference table is stale, on every app server (services call it
    after changing a region, unit, category, routing rule, ledger setting or holiday)."""
    ctx = _context
    ctx.token = None
    ctx.server.write_token()
    if transaction.get_connection().in_atomic_block:
        ctx.private = {}
        transaction.on_commit(_committed)


@contextmanager
def batch() -> Iterator[None]:
    """Read the version token once for the look-ups inside (bulk work outside a request)."""
    ctx = _context
    ctx.depth += 1
    try:
        yield
    finally:
        ctx.depth -= 1
        if not ctx.depth:
            ctx.token = None


class ReferenceRowsMiddleware:
    """Each request reads the version token once, at its first look-up of a reference row."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with batch():
            return self.get_response(request)


def reset() -> None:
    """Drop this process's copies and this thread's state (tests, between cases)."""
    PROCESS.copies.clear()
    ctx = _context
    ctx.server, ctx.depth, ctx.token, ctx.private = PROCESS, 0, None, None
    ctx.servers.clear()
