"""Finds, in Rasa's tracker store, a voted bot message and the student's question before it.

A 👎 on an answer is most useful to the editors with the question that led to it. The
vote names the bot message (``message_id`` in its custom metadata); its conversation's
events are read from the SQL tracker store (table ``events`` of Rasa's SQLTrackerStore)
and bot/conversation/asked.py finds the question in them: never a form answer (names, phones),
and for the eligibility or benefit result the message that started the check.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from bot.usage.feedback import MESSAGE_META_KEY


@functools.lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    return create_engine(url, future=True, pool_pre_ping=True)


@dataclass(frozen=True)
class SentMessage:
    """A bot message as Rasa stored it: what the student saw and the FAQ it answered."""

    text: str
    faq_id: Optional[str]


def sent_message(tracker_store_url: str, sender_id: str, message_id: str) -> Optional[SentMessage]:
    """Bot message ``message_id`` of conversation ``sender_id``, or None when the bot never
    sent it there. A vote is believed only for such a message: the id and the text come
    from here, never from the client. Raises SQLAlchemyError when the store is unreadable."""
    parsed = make_url(tracker_store_url)
    if parsed.get_backend_name() == "sqlite" and not (parsed.database and Path(parsed.database).exists()):
        return None  # no conversation yet (and connecting would create an empty file)
    with _engine(tracker_store_url).connect() as connection:
        if not connection.dialect.has_table(connection, "events"):
            return None  # no conversation was ever stored
        # LIKE only narrows the rows (ids are [A-Za-z0-9_-]; "_" may match more); the JSON decides.
        rows = connection.execute(
            text(
                "SELECT data FROM events WHERE sender_id = :sender AND type_name = 'bot' AND data LIKE :id ORDER BY id"
            ),
            {"sender": sender_id, "id": f"%{message_id}%"},
        ).all()
    for (data,) in rows:
        try:
            event = json.loads(data)
        except (TypeError, ValueError):
            continue
        if _message_id(event) == message_id:
            faq_id = _meta(event).get("faq_id")
            return SentMessage(str(event.get("text") or ""), faq_id if isinstance(faq_id, str) else None)
    return None


def events_until(tracker_store_url: str, sender_id: str, message_id: str) -> Optional[List[Dict[str, Any]]]:
    """The events of conversation ``sender_id`` up to and including bot message
    ``message_id`` (what :func:`bot.conversation.asked.question_of_reply` reads); None when the
    bot never sent that message there."""
    with _engine(tracker_store_url).connect() as connection:
        rows = connection.execute(
            text(
                "SELECT type_name, data FROM events WHERE sender_id = :sender"
                " AND type_name IN ('user', 'bot', 'active_loop', 'slot', 'restart', 'session_started') ORDER BY id"
            ),
            {"sender": sender_id},
        ).all()
    events: List[Dict[str, Any]] = []
    for type_name, data in rows:
        try:
            event = json.loads(data)
        except (TypeError, ValueError):
            continue
        if not isinstance(event, dict) or (type_name == "slot" and event.get("name") != "requested_slot"):
            continue
        events.append(event)
        if type_name == "bot" and _message_id(event) == message_id:
            return events
    return None


def _meta(event: Dict[str, Any]) -> Dict[str, Any]:
    """The ``enlist_message`` custom JSON of a bot event ({} when it has none)."""
    data = event.get("data")
    custom = data.get("custom") if isinstance(data, dict) else None
    meta = custom.get(MESSAGE_META_KEY) if isinstance(custom, dict) else None
    return meta if isinstance(meta, dict) else {}


def _message_id(event: Dict[str, Any]) -> Optional[str]:
    return _meta(event).get("message_id")
