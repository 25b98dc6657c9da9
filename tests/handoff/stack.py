"""A real stack for the hand-off tests: our database on SQLite or PostgreSQL (the tracker
store too, on PostgreSQL), staff accounts, staffed hours around the clock and a short wait."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

from bot.config import Settings
from bot.handoff.store import Handoff, HandoffStore
from bot.staff.accounts import AccountStore
from bot.storage.database import Database
from tests.conftest import environment, stack_environment
from tests.databases import migrated_database

STAFF = (("recruiter1", "recruiter"), ("recruiter2", "recruiter"), ("editor1", "editor"), ("admin1", "admin"))
PASSWORD = "Zhaomu-2023!"
ALWAYS = "mon-sun 00:00-24:00"
#: Long enough for a take in the tests, short enough to wait for an expiry.
WAIT_SECONDS = "15"


@contextlib.contextmanager
def handoff_stack(backend: str, tmp_path: Path, model: Path, **overrides: str) -> Iterator[Any]:
    """(the running Stack, our Database) with STAFF created; the Stack can restart a process."""
    from bot.runner import Stack

    with migrated_database(backend, tmp_path) as database:
        accounts = AccountStore(database)
        for name, role in STAFF:
            accounts.create(name, role, PASSWORD)
        settings = {
            "ENLIST_DATABASE_URL": database.url,
            "ENLIST_STAFFED_HOURS": ALWAYS,
            "ENLIST_HANDOFF_WAIT_SECONDS": WAIT_SECONDS,
        }
        if backend == "postgresql":
            settings["ENLIST_TRACKER_STORE_URL"] = database.url
        settings.update(overrides)
        with environment(stack_environment(tmp_path / "var", **settings)):
            running = Stack(Settings.from_env(), model, echo=False)
            try:
                running.start()
                yield running, database
            finally:
                running.stop()


def active(database: Database, sender: str) -> Optional[Handoff]:
    return HandoffStore(database).active(sender)


def latest(database: Database, sender: str) -> Handoff:
    with database.begin() as connection:
        from sqlalchemy import select

        from bot.storage.schema import handoffs

        row_id = connection.execute(
            select(handoffs.c.id).where(handoffs.c.sender_id == sender).order_by(handoffs.c.id.desc())
        ).scalar()
    return HandoffStore(database).get(row_id)


class StreamReader:
    """Reads ``/handoff/stream`` in a thread like EventSource does; records each event and
    the monotonic time it arrived."""

    def __init__(self, settings: Settings, sender: str, after: int = 0) -> None:
        self.url = f"{settings.bot_url}/handoff/stream?sender={sender}&after={after}"
        self.events: List[Dict[str, Any]] = []
        self.arrived: List[float] = []
        self.lock = threading.Condition()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.response = None

    def __enter__(self) -> "StreamReader":
        self.response = urllib.request.urlopen(self.url, timeout=60)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.response is not None:
            self.response.close()

    def _read(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("data: "):
                    with self.lock:
                        self.events.append(json.loads(line[6:]))
                        self.arrived.append(time.monotonic())
                        self.lock.notify_all()
        except (OSError, ValueError, AttributeError):  # AttributeError: closed by __exit__ while reading
            return

    def wait_for(self, count: int, timeout: float = 10.0) -> List[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self.events) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"only {len(self.events)} of {count} pushed messages after {timeout} s: {self.events}"
                self.lock.wait(left)
            return list(self.events)
