"""Page data reused between requests while the database stays the same.

Every change made through Tollbook's library writes an audit event, so the newest event's id is the data's version:
a cached value is used only while that id is unchanged, and never for longer than `ttl` seconds (which bounds how
long an edit made below the library can go unseen). The version itself is looked up at most every half second
(DataVersion), and at once after a write through this process. Values are keyed by everything that shapes them,
including whether confidential fields were included, so one role never receives another's data.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tollbook.model import AuditEvent

MISSING = object()  # what ViewCache.peek returns for a value it does not hold


def data_version(session: Session) -> int:
    """The id of the newest audit event (0 for an empty log)."""
    return session.scalar(select(func.max(AuditEvent.id))) or 0


class DataVersion:
    """The data version as this process last read it, reused for at most `fresh` seconds so that a page served
    from the cache needs no database query at all. A write made through this process calls `changed()`, so its
    own next read looks again; a write made by another process (a worker, the CLI) is seen within `fresh`."""

    def __init__(self, fresh: float = 0.5) -> None:
        self.fresh = fresh
        self._value: int | None = None
        self._at = 0.0
        self._generation = 0
        self._lock = threading.Lock()

    def get(self, read: Callable[[], int]) -> int:
        """The current version: the remembered one while fresh, else `read()` (remembered unless a write came
        in meanwhile, which would make it stale)."""
        with self._lock:
            if self._value is not None and time.monotonic() - self._at < self.fresh:
                return self._value
            generation = self._generation
        value = read()
        with self._lock:
            if generation == self._generation:
                self._value, self._at = value, time.monotonic()
        return value

    def peek(self) -> int | None:
        """The remembered version while it is fresh, else None (never reads the database)."""
        with self._lock:
            if self._value is not None and time.monotonic() - self._at < self.fresh:
                return self._value
        return None

    def changed(self) -> None:
        """Something was written: the next reader looks the version up."""
        with self._lock:
            self._generation += 1
            self._value = None


class ViewCache:
    """A small LRU of computed page data, valid for one data version and at most `ttl` seconds."""

    def __init__(self, ttl: float = 30.0, size: int = 512) -> None:
        self.ttl, self.size = ttl, size
        self._items: OrderedDict[Hashable, tuple[int, float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, version: int, key: Hashable) -> Any:
        """The cached value for `key` at data `version`, or MISSING (never computes it)."""
        now = time.monotonic()
        with self._lock:
            found = self._items.get(key)
            if found and found[0] == version and now - found[1] < self.ttl:
                self._items.move_to_end(key)
                return found[2]
        return MISSING

    def get(self, version: int, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached value for `key` at data `version`, or `compute()` stored under it."""
        now = time.monotonic()
        found = self.peek(version, key)
        if found is not MISSING:
            return found
        value = compute()
        with self._lock:
            self._items[key] = (version, now, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value
