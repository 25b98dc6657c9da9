"""Rasa's SQL tracker store without blocking the event loop, and without counting rows per save.

Rasa 3.6's ``SQLTrackerStore`` runs its SQL synchronously on the Sanic event loop, so every
other conversation of that worker waits while PostgreSQL answers; and each save first counts
the rows of the current session (the same sub-query as the load) to find which events are new.
This store keeps Rasa's table, columns and queries (``events``; bot/storage/conversations.py, the review
queue and the redaction read and rewrite it) and changes two things:

- the SQL runs in a small thread pool, so the loop serves other conversations meanwhile;
- a tracker it loaded remembers how many of its events are stored, so a save inserts just the
  events after those, in one transaction, without counting first (a tracker it did not load,
  e.g. a new one, falls back to Rasa's count).

A save still returns only after its transaction has committed: the processor saves before the
REST channel sends the reply, so a reply is never sent for a turn that is not in the database.
Turns of one conversation are serialised by the lock store (bot/rasa_ext/lock_store.py), so no other writer
adds events between a load and the save. Used through endpoints.yml ``type:
bot.rasa_ext.tracker_store.AppendingSQLTrackerStore`` (bot/runner.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Text, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.rasa_ext.speedups import install_event_lookup

logger = logging.getLogger(__name__)

#: Threads per Rasa worker for tracker SQL: a turn needs one load and one save.
SQL_THREADS = 4
#: Attribute on a tracker: how many of its events are in the database.
STORED_EVENTS = "_enlist_stored_events"

T = TypeVar("T")


def event_row(sender_id: Text, event: Event) -> Dict[str, Any]:
    """The ``events`` row Rasa's SQLTrackerStore writes for ``event``."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": (data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Loads and saves of different conversations now run at the same time (threads): WAL
    lets readers go on during a write, and a writer waits for another instead of failing."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class AppendingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` whose SQL runs off the event loop and whose saves only append."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        install_event_lookup()  # rebuilding a long conversation is mostly Rasa's class lookup
        self._executor = ThreadPoolExecutor(max_workers=SQL_THREADS, thread_name_prefix="tracker-sql")
        self._table = self.SQLEvent.__table__
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)

    async def _in_thread(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    # --- load -----------------------------------------------------------------------------

    def _session_query(self, sender_id: Text) -> Any:
        """Rasa's query for the current session (events from the latest ``session_started``
        on, by timestamp, or all), ordered by id, selecting only the data column."""
        table = self._table
        start = (
            sa.select(sa.func.max(table.c.timestamp))
            .where(table.c.sender_id == sender_id, table.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        return (
            sa.select(table.c.data)
            .where(table.c.sender_id == sender_id, sa.or_(table.c.timestamp >= start, start.is_(None)))
            .order_by(table.c.id)
        )

    def _load_session(self, sender_id: Text) -> List[Dict[str, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(self._session_query(sender_id)).all()
        return [json.loads(data) for (data,) in rows]

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker of the current session, or None for an unknown conversation."""
        events = await self._in_thread(self._load_session, sender_id)
        if not (self.domain and events):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    # --- save -----------------------------------------------------------------------------

    def _count_stored(self, sender_id: Text) -> int:
        """Rasa's way: the number of stored events of the current session."""
        with self.engine.connect() as connection:
            query = sa.select(sa.func.count()).select_from(self._session_query(sender_id).subquery())
            return int(connection.execute(query).scalar_one())

    def _insert(self, rows: List[Dict[str, Any]]) -> None:
        with self.engine.begin() as connection:  # committed when this returns
            connection.execute(self._table.insert(), rows)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Insert the events of ``tracker`` that are not stored yet, committed on return."""
        await self.stream_events(tracker)
        events = list(tracker.events)
        stored = getattr(tracker, STORED_EVENTS, None)
        if stored is None or stored > len(events):
            stored = await self._in_thread(self._count_stored, tracker.sender_id)
        rows = [event_row(tracker.sender_id, event) for event in events[stored:]]
        if rows:
            await self._in_thread(self._insert, rows)
        setattr(tracker, STORED_EVENTS, len(events))
        logger.debug("%d new events of a conversation stored", len(rows))
