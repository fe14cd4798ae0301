"""Page data reused between requests while the database stays the same.

Every change made through Tollbook's library writes an audit event, so the newest event's id is the data's version:
a cached value is used only while that id is unchanged, and never for longer than `ttl` seconds (which bounds how
long an edit made below the library can go unseen). Values are keyed by everything that shapes them, including
whether confidential fields were included, so one role never receives another's data.
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


def data_version(session: Session) -> int:
    """The id of the newest audit event (0 for an empty log)."""
    return session.scalar(select(func.max(AuditEvent.id))) or 0


class ViewCache:
    """A small LRU of computed page data, valid for one data version and at most `ttl` seconds."""

    def __init__(self, ttl: float = 30.0, size: int = 512) -> None:
        self.ttl, self.size = ttl, size
        self._items: OrderedDict[Hashable, tuple[int, float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The cached value for `key`, or `compute()` stored under the current data version."""
        version, now = data_version(session), time.monotonic()
        with self._lock:
            found = self._items.get(key)
            if found and found[0] == version and now - found[1] < self.ttl:
                self._items.move_to_end(key)
                return found[2]
        value = compute()
        with self._lock:
            self._items[key] = (version, now, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value
