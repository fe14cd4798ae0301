"""Login rate limiting: a few failed sign-ins per name and per address in a window, then a wait.

Counts live in the serving process (one `tollbook serve`); a restart forgets them, which only shortens a wait.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

PER_NAME = 5  # failures per account name in the window
PER_ADDRESS = 20  # failures per client address in the window
WINDOW_SECONDS = 15 * 60


class LoginLimiter:
    """Sliding-window counts of failed sign-ins, keyed by account name and by client address."""

    def __init__(self, per_name: int = PER_NAME, per_address: int = PER_ADDRESS, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = {"name": per_name, "address": per_address}
        self.window = window
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        """The failures of one key inside the window (older ones dropped)."""
        failures = self._failures[key]
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def wait_seconds(self, name: str, address: str) -> int:
        """Seconds until another attempt is allowed for this name from this address (0: allowed now)."""
        now = self.clock()
        with self._lock:
            waits = [self._wait(("name", name.casefold()), now), self._wait(("address", address), now)]
        return max(waits)

    def _wait(self, key: tuple[str, str], now: float) -> int:
        """Seconds until the oldest failure of a key leaves the window, when the key is at its limit."""
        failures = self._recent(key, now)
        if len(failures) < self.limits[key[0]]:
            return 0
        return max(1, int(failures[0] + self.window - now) + 1)

    def failed(self, name: str, address: str) -> None:
        """Count one failed sign-in."""
        now = self.clock()
        with self._lock:
            self._failures[("name", name.casefold())].append(now)
            self._failures[("address", address)].append(now)

    def succeeded(self, name: str) -> None:
        """A correct password clears the name's failures (not the address's)."""
        with self._lock:
            self._failures.pop(("name", name.casefold()), None)
