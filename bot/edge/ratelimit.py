"""A small in-memory rate limiter (fixed one-minute windows per key).

Enough for one bot service process: it bounds what a single client address can write
(feedback votes) without a shared store. Memory stays bounded: expired keys are dropped
whenever the table grows past ``max_keys``.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Dict, Tuple


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds for each key."""

    def __init__(
        self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._windows: Dict[str, Tuple[float, int]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float:
        """Count one event for ``key``: 0.0 when allowed, else seconds until it would be."""
        now = self.clock()
        with self._lock:
            started, count = self._windows.get(key, (now, 0))
            if now - started >= self.window:
                started, count = now, 0
            if count >= self.limit:
                return started + self.window - now
            self._windows[key] = (started, count + 1)
            if len(self._windows) > self.max_keys:
                self._forget_expired(now)
            return 0.0

    def _forget_expired(self, now: float) -> None:
        expired = [key for key, (started, _) in self._windows.items() if now - started >= self.window]
        for key in expired:
            del self._windows[key]
