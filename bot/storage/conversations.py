"""Conversation transcripts read from Rasa's SQL tracker store (read-only).

Rasa keeps every event of a conversation as a row of its ``events`` table (``sender_id``,
``type_name``, ``timestamp``, JSON ``data``). A transcript is the user and bot messages
in order. A button press is stored as its payload (``/affirm``); it is shown as the
button's title when the bot message before it offered that button. A typed message that
named a button (bot/conversation/typed_buttons.py) is shown as typed, with the button it chose.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import EnlistError
from bot.storage.database import create_db_engine

#: Key under which a typed button title is kept, as the button it named, in the user
#: event's ``parse_data`` (written by bot/rasa_ext/typed_button_parse.py).
PARSE_KEY = "typed_button"

logger = logging.getLogger(__name__)

#: Marks a recruiter's message in a bot event's metadata (bot/channels/handoff.py).
STAFF_KEY = "enlist_handoff"
#: More events than this per conversation are not shown (the newest are kept).
MAX_EVENTS = 2000


class TranscriptUnavailable(EnlistError):
    """The tracker store cannot be read; the message is Chinese, for the portal page."""


@dataclass(frozen=True)
class Turn:
    speaker: str  # "user", "bot" or "staff" (a recruiter's reply during a live hand-off)
    text: str
    at: Optional[dt.datetime]  # naive UTC
    button: bool = False  # a user turn that was a button press
    buttons: Tuple[str, ...] = ()  # the titles of the buttons a bot turn offered
    author: str = ""  # the recruiter who wrote a staff turn


#: Payloads sent without a visible button (the widget's greeting) -> what the page says.
SILENT_PAYLOADS = {"/greet": "（打开了对话窗口）"}
#: A payload whose button is no longer known.
UNKNOWN_BUTTON = "（点了一个按钮）"


@functools.lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    return create_db_engine(url)


def _query(tracker_store_url: str, sql: str, **params: object) -> list:
    """Rows of a read-only query on the events table (TranscriptUnavailable, in Chinese,
    when the store is missing, has no events table yet or cannot be read)."""
    parsed = make_url(tracker_store_url)
    if parsed.get_backend_name() == "sqlite" and not (parsed.database and Path(parsed.database).exists()):
        raise TranscriptUnavailable("对话记录库不存在（还没有任何对话被保存）。")
    try:
        with _engine(tracker_store_url).connect() as connection:
            if not connection.dialect.has_table(connection, "events"):
                raise TranscriptUnavailable("对话记录库中还没有对话记录表。")
            statement = text(sql)
            if any(isinstance(value, (list, tuple)) for value in params.values()):
                statement = statement.bindparams(
                    *(bindparam(k, expanding=True) for k, v in params.items() if isinstance(v, (list, tuple)))
                )
            return connection.execute(statement, params).all()
    except SQLAlchemyError as exc:
        logger.warning("tracker store unreadable (%s)", type(exc).__name__)
        raise TranscriptUnavailable("对话记录库暂时无法读取，请稍后刷新。") from None


def read_transcript(tracker_store_url: str, sender_id: str) -> List[Turn]:
    """The user/bot turns of one conversation, oldest first ([] when it has none)."""
    rows = _query(
        tracker_store_url,
        "SELECT type_name, timestamp, data FROM events WHERE sender_id = :sender "
        "AND type_name IN ('user', 'bot') ORDER BY id DESC LIMIT :limit",
        sender=sender_id,
        limit=MAX_EVENTS,
    )
    return _turns(reversed(rows))


def read_slots(tracker_store_url: str, sender_ids: Sequence[str]) -> Dict[str, Dict[str, object]]:
    """The slots set in these conversations: sender -> slot name -> the last value that was
    not empty (a form that ends resets its slots; what the student said stays a fact)."""
    found: Dict[str, Dict[str, object]] = {}
    senders = sorted({s for s in sender_ids if s})
    for start in range(0, len(senders), 500):
        rows = _query(
            tracker_store_url,
            "SELECT sender_id, data FROM events WHERE sender_id IN :senders AND type_name = 'slot' ORDER BY id",
            senders=senders[start : start + 500],
        )
        for sender, data in rows:
            try:
                event = json.loads(data or "{}")
            except ValueError:
                continue
            if event.get("value") not in (None, "", []) and isinstance(event.get("name"), str):
                found.setdefault(sender, {})[event["name"]] = event["value"]
    return found


def _turns(rows) -> List[Turn]:  # noqa: ANN001 - rows of (type_name, timestamp, data)
    turns: List[Turn] = []
    offered: Dict[str, str] = {}  # payload -> title of the last bot message's buttons
    seen: Dict[str, str] = {}  # payload -> title of any button offered so far
    for type_name, timestamp, data in rows:
        try:
            event = json.loads(data or "{}")
        except ValueError:
            continue
        at = dt.datetime.utcfromtimestamp(timestamp) if timestamp else None
        message = event.get("text") or ""
        if type_name == "bot":
            buttons = [b for b in (event.get("data") or {}).get("buttons") or [] if isinstance(b, dict)]
            offered = {
                b["payload"]: b["title"]
                for b in buttons
                if isinstance(b.get("payload"), str) and isinstance(b.get("title"), str)
            }
            seen.update(offered)
            staff = ((event.get("metadata") or {}).get(STAFF_KEY) or {}).get("staff")
            if staff and message:
                turns.append(Turn("staff", message, at, author=str(staff)))
            elif message or buttons:
                turns.append(Turn("bot", message, at, buttons=tuple(str(b.get("title", "")) for b in buttons)))
        elif message:
            typed = (event.get("parse_data") or {}).get(PARSE_KEY)
            if isinstance(typed, dict) and typed.get("title"):
                turns.append(Turn("user", f"{message} → {typed['title']}", at, button=True))
                continue
            title = offered.get(message) or seen.get(message)
            if title is None and message.startswith("/"):  # an internal payload: never shown raw
                title = SILENT_PAYLOADS.get(message, UNKNOWN_BUTTON)
            turns.append(Turn("user", title or message, at, button=title is not None))
    return turns
