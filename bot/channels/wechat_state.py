"""What the WeChat channel remembers between requests, each entry with a time to live.

- a turn record per message (by MsgId): ``running``, then its reply ``pages``, or an
  ``alias`` of another turn. WeChat retries a message it got no reply for; the retry finds
  the record and waits for the same pages instead of asking Rasa again;
- the late turn of a student whose answer took longer than WeChat waits: their next
  message is an alias of it and gets its answer;
- the remaining pages of a long answer, popped one by one by “更多”.

Students are keyed by a hash of their openid (:func:`student_key`), never the openid.
With ``ENLIST_REDIS_URL`` the state lives in Redis, shared by every Rasa worker and
replica (a retry or a “更多” may reach another process than the first message);
otherwise in this process's memory, which is right for the single embedded worker.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from typing import Any, Dict, Generic, List, Optional, TypeVar

#: How long turns, late answers and remaining pages wait (WeChat retries within 15 s;
#: a student reading page 1 or waiting for a late answer takes longer).
KEEP_SECONDS = 30 * 60
#: Bound on entries of each kind in memory (oldest dropped first).
MAX_ENTRIES = 20_000
REDIS_PREFIX = "enlist:wechat:"

Record = Dict[str, Any]
Value = TypeVar("Value")


def student_key(openid: str) -> str:
    """The key of a student in this state: not the openid itself."""
    return hashlib.sha256(f"enlist-wechat:{openid}".encode()).hexdigest()[:32]


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

    def add(self, key: str, value: Value) -> bool:
        """Set ``key`` only if it is absent; True if it was set."""
        if self.get(key) is not None:
            return False
        self.set(key, value)
        return True

    def pop(self, key: str) -> Optional[Value]:
        self._purge()
        entry = self._entries.pop(key, None)
        return None if entry is None else entry[1]


class MemoryState:
    """The state in this process (one worker)."""

    def __init__(self) -> None:
        self._turns: ExpiringMap[Record] = ExpiringMap(KEEP_SECONDS)
        self._sent: ExpiringMap[bool] = ExpiringMap(KEEP_SECONDS)
        self._late: ExpiringMap[str] = ExpiringMap(KEEP_SECONDS)
        self._pages: ExpiringMap[List[str]] = ExpiringMap(KEEP_SECONDS)

    async def claim(self, turn: str) -> bool:
        """True for the first request of a message: it starts the turn."""
        return self._turns.add(turn, {"state": "running"})

    async def record(self, turn: str) -> Optional[Record]:
        return self._turns.get(turn)

    async def put(self, turn: str, record: Record) -> None:
        self._turns.set(turn, record)

    async def first_delivery(self, turn: str) -> bool:
        return self._sent.add(turn, True)

    async def late(self, student: str) -> Optional[str]:
        return self._late.get(student)

    async def set_late(self, student: str, turn: str) -> None:
        self._late.set(student, turn)

    async def clear_late(self, student: str, turn: str) -> None:
        if self._late.get(student) == turn:
            self._late.pop(student)

    async def set_pages(self, student: str, pages: List[str]) -> None:
        if pages:
            self._pages.set(student, list(pages))
        else:
            self._pages.pop(student)

    async def next_page(self, student: str) -> Optional[str]:
        pages = self._pages.pop(student)
        if not pages:
            return None
        if len(pages) > 1:
            self._pages.set(student, pages[1:])
        return pages[0]


class RedisState:
    """The same state in Redis, shared by all workers and replicas."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client: Any = None

    @property
    def client(self) -> Any:
        # Created on first use, inside the worker's event loop (not before Sanic forks).
        if self._client is None:
            import redis.asyncio

            self._client = redis.asyncio.from_url(self.url)
        return self._client

    @staticmethod
    def _key(kind: str, name: str) -> str:
        return f"{REDIS_PREFIX}{kind}:{name}"

    async def claim(self, turn: str) -> bool:
        return bool(
            await self.client.set(self._key("turn", turn), json.dumps({"state": "running"}), nx=True, ex=KEEP_SECONDS)
        )

    async def record(self, turn: str) -> Optional[Record]:
        raw = await self.client.get(self._key("turn", turn))
        return None if raw is None else json.loads(raw)

    async def put(self, turn: str, record: Record) -> None:
        await self.client.set(self._key("turn", turn), json.dumps(record, ensure_ascii=False), ex=KEEP_SECONDS)

    async def first_delivery(self, turn: str) -> bool:
        return bool(await self.client.set(self._key("sent", turn), b"1", nx=True, ex=KEEP_SECONDS))

    async def late(self, student: str) -> Optional[str]:
        raw = await self.client.get(self._key("late", student))
        return None if raw is None else raw.decode("utf-8")

    async def set_late(self, student: str, turn: str) -> None:
        await self.client.set(self._key("late", student), turn, ex=KEEP_SECONDS)

    async def clear_late(self, student: str, turn: str) -> None:
        if await self.late(student) == turn:
            await self.client.delete(self._key("late", student))

    async def set_pages(self, student: str, pages: List[str]) -> None:
        key = self._key("pages", student)
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            if pages:
                pipe.rpush(key, *pages)
                pipe.expire(key, KEEP_SECONDS)
            await pipe.execute()

    async def next_page(self, student: str) -> Optional[str]:
        raw = await self.client.lpop(self._key("pages", student))
        return None if raw is None else raw.decode("utf-8")
