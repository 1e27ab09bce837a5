"""Small reference tables (regions, units, categories) kept in each process for a short time.

Creating a problem or drawing a ledger page needs the same few hundred reference rows on every
request; reading them from the database each time costs a query per look-up (on PostgreSQL a
round trip each). They change a few times a year, through services that call `forget()` so the
process that made the change sees it at once; other processes see it within `ttl` seconds. A
row missing from the cache (created since it was loaded) is read on its own and added.
Rows come back as model instances shared between requests: treat them as read-only.
"""

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db.models import QuerySet

Row = TypeVar("Row")

_ALL: list["ReferenceCache"] = []


class ReferenceCache(Generic[Row]):
    """All rows of one small table, indexed by id and by a natural key, reloaded after `ttl`."""

    def __init__(self, rows: Callable[[], QuerySet], *, key: str = "code", ttl: float = 60):
        self._rows = rows
        self._key = key
        self._ttl = ttl
        self._lock = threading.Lock()
        self._loaded_at = -float("inf")
        self._generation = 0  # bumped by forget(): a load that began before it is not kept
        self._by_id: dict[int, Row] = {}
        self._by_key: dict[str, Row] = {}
        _ALL.append(self)

    def _fresh(self) -> None:
        if time.monotonic() - self._loaded_at < self._ttl:
            return
        with self._lock:
            if time.monotonic() - self._loaded_at < self._ttl:
                return
            generation = self._generation
            rows = list(self._rows())
            by_id = {row.pk: row for row in rows}
            by_key = {getattr(row, self._key): row for row in rows}
            if generation != self._generation:
                return  # forgotten while reading: these rows may be older than the change
            self._by_id, self._by_key = by_id, by_key
            self._loaded_at = time.monotonic()

    def by_id(self, pk) -> Row | None:
        if pk is None:
            return None
        self._fresh()
        found = self._by_id.get(pk)
        return found if found is not None else self._read_one(pk=pk)

    def by_key(self, key) -> Row | None:
        if key is None:
            return None
        self._fresh()
        found = self._by_key.get(key)
        return found if found is not None else self._read_one(**{self._key: key})

    def _read_one(self, **lookup) -> Row | None:
        row = self._rows().filter(**lookup).first()
        if row is not None:
            self._by_id[row.pk] = row
            self._by_key[getattr(row, self._key)] = row
        return row

    def forget(self) -> None:
        self._generation += 1
        self._loaded_at = -float("inf")
        self._by_id, self._by_key = {}, {}


_OTHER_FORGETS: list[Callable[[], None]] = []


def also_forget(forget: Callable[[], None]) -> None:
    """Register another per-process cache for `forget_all` (e.g. the routing rules)."""
    _OTHER_FORGETS.append(forget)


def forget_all() -> None:
    """Drop every reference cache of this process (tests, and after bulk loads)."""
    for cache in _ALL:
        cache.forget()
    for forget in _OTHER_FORGETS:
        forget()
