"""What the WeChat channel remembers between requests, in memory with a time to live.

- turns by MsgId: WeChat retries a message it got no reply for (up to 3 times); a
  retry joins the turn already started instead of asking Rasa again;
- the pending turn of a student whose answer took longer than WeChat waits: their
  next message gets it;
- the remaining pages of a long answer, until the student types “更多”.

Keys are the openid only in this process's memory; nothing here is logged or stored.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Awaitable, Generic, List, Optional, TypeVar

Value = TypeVar("Value")

#: WeChat retries within about 15 s; a minute covers late retries.
TURN_SECONDS = 60.0
#: How long a late answer or the rest of a long answer waits for the student.
KEEP_SECONDS = 30 * 60.0
#: Bound on remembered entries per kind (oldest dropped first).
MAX_ENTRIES = 20_000


class ExpiringMap(Generic[Value]):
    """A dict whose entries expire ``ttl`` seconds after they were set."""

    def __init__(self, ttl: float, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: "OrderedDict[str, tuple[float, Value]]" = OrderedDict()

    def _purge(self) -> None:
        now = time.monotonic()
        while self._entries:
            key, (expires, _) = next(iter(self._entries.items()))
            if expires > now and len(self._entries) <= self.max_entries:
                break
            del self._entries[key]

    def get(self, key: str) -> Optional[Value]:
        self._purge()
        entry = self._entries.get(key)
        return None if entry is None else entry[1]

    def set(self, key: str, value: Value) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (time.monotonic() + self.ttl, value)
        self._purge()

    def pop(self, key: str) -> Optional[Value]:
        self._purge()
        entry = self._entries.pop(key, None)
        return None if entry is None else entry[1]


class Turn:
    """One answer being computed: its pages once done, delivered at most once."""

    def __init__(self, work: Awaitable[List[str]]) -> None:
        self.task: "asyncio.Future[List[str]]" = asyncio.ensure_future(work)
        self.reply: Optional[str] = None  # the first page, once sent

    async def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the answer (the work goes on after a timeout)."""
        try:
            await asyncio.wait_for(asyncio.shield(self.task), seconds)
        except asyncio.TimeoutError:
            return False
        return True


class ChannelState:
    """Turns by MsgId, late answers and remaining pages by openid."""

    def __init__(self) -> None:
        self.turns: ExpiringMap[Turn] = ExpiringMap(TURN_SECONDS)
        self.late: ExpiringMap[Turn] = ExpiringMap(KEEP_SECONDS)
        self.pages: ExpiringMap[List[str]] = ExpiringMap(KEEP_SECONDS)
