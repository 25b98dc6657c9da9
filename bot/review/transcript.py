"""Finds, in Rasa's tracker store, the student's question that a voted bot message answered.

A 👎 on an answer is most useful to the editors with the question that led to it. The
vote names the bot message (``message_id`` in its custom metadata); its conversation's
events are read from the SQL tracker store (table ``events`` of Rasa's SQLTrackerStore)
and the last user message before that bot message is the question. A bot message sent
while a form was active (``active_loop`` events) marks a form turn: its question, and the
bot text (e.g. the lead form's summary), hold personal data and are never queued.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Dict, Optional, Tuple

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from bot.feedback import MESSAGE_META_KEY


@functools.lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    return create_engine(url, future=True, pool_pre_ping=True)


def voted_turn(tracker_store_url: str, sender_id: str, message_id: str) -> Tuple[Optional[Dict[str, Any]], bool]:
    """The user event (``text``, ``parse_data``) answered by bot message ``message_id``,
    and whether a form was active then; ``(None, False)`` when the message is unknown."""
    with _engine(tracker_store_url).connect() as connection:
        rows = connection.execute(
            text("SELECT type_name, data FROM events WHERE sender_id = :sender"
                 " AND type_name IN ('user', 'bot', 'active_loop', 'restart', 'session_started') ORDER BY id"),
            {"sender": sender_id},
        ).all()
    last_user: Optional[Dict[str, Any]] = None
    in_form = False
    for type_name, data in rows:
        try:
            event = json.loads(data)
        except (TypeError, ValueError):
            continue
        if type_name == "user":
            last_user = event
        elif type_name == "active_loop":
            in_form = bool(event.get("name"))
        elif type_name in ("restart", "session_started"):
            in_form = False
        elif _message_id(event) == message_id:
            return last_user, in_form
    return None, False


def _message_id(event: Dict[str, Any]) -> Optional[str]:
    custom = (event.get("data") or {}).get("custom") or {}
    meta = custom.get(MESSAGE_META_KEY) if isinstance(custom, dict) else None
    return meta.get("message_id") if isinstance(meta, dict) else None
