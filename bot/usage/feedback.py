"""Students' 👍/👎 on bot answers: what a vote is, how it is checked, where it is stored.

How a vote finds the FAQ entry it is about: ``action_answer_faq`` sends, with each
answer, a ``json_message`` ``{"enlist_message": {"message_id": ..., "faq_id": ...}}``
(see :func:`message_metadata`). Rasa keeps it in the conversation's ``BotUttered`` event
and the REST channel returns it as a separate message ``{"custom": {...}}`` right after
the answer's text; the widget attaches it to that answer and sends ``message_id`` and
``faq_id`` back with the vote. Messages that do not come from the action (greeting,
out-of-scope) carry no metadata: the widget gives them its own id and ``faq_id`` is empty.

Votes are anonymous and unauthenticated, a signal for the FAQ review, never a decision:
the endpoint checks their shape, limits how many one client sends, and accepts a vote only
for a message the bot sent in that conversation (looked up in Rasa's tracker store, see
bot/review/voted_message.py). The ``faq_id`` and ``bot_text`` a client sends are checked for
shape but not believed: what is stored comes from the tracker store. A changed vote replaces the earlier one: one row
per (sender_id, message_id). Phone numbers in the voted text are masked before storing.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.edge.json_body import json_object
from bot.edge.senders import SENDER_RULE, is_valid_sender
from bot.errors import RequestRejected
from bot.faq.validator import ID_PATTERN as FAQ_ID_PATTERN
from bot.lang.timefmt import utcnow
from bot.logging_setup import mask_personal_data
from bot.storage.database import Database
from bot.storage.schema import feedback

#: Key of the custom JSON the answering action attaches to a bot message.
MESSAGE_META_KEY = "enlist_message"
MESSAGE_ID_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
#: Longest bot text accepted with a vote (FAQ answers are well below 3,000 characters).
MAX_BOT_TEXT_CHARS = 10_000
UP, DOWN = 1, -1
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def new_message_id() -> str:
    return uuid.uuid4().hex


def message_metadata(faq_id: Optional[str]) -> Dict[str, Any]:
    """The ``json_message`` an action sends with a bot message so that votes find it."""
    return {MESSAGE_META_KEY: {"message_id": new_message_id(), "faq_id": faq_id}}


@dataclass(frozen=True)
class Vote:
    sender_id: str
    message_id: str
    vote: int
    faq_id: Optional[str] = None
    bot_text: Optional[str] = None


@dataclass(frozen=True)
class StoredVote:
    message_id: str
    vote: int
    faq_id: Optional[str]
    bot_text: Optional[str]
    at: dt.datetime


def parse_vote(body: bytes) -> Vote:
    """Validate a ``POST /feedback`` body; raise :class:`RequestRejected` when unusable."""
    payload = json_object(body, '{"sender_id": ..., "message_id": ..., "vote": 1 或 -1}')
    sender_id = payload.get("sender_id")
    if not is_valid_sender(sender_id):
        raise RequestRejected(400, "bad_sender", f"缺少或无效的 sender_id（{SENDER_RULE}）。")
    message_id = payload.get("message_id")
    if not isinstance(message_id, str) or not MESSAGE_ID_PATTERN.match(message_id):
        raise RequestRejected(400, "bad_message_id", "缺少或无效的 message_id（1–64个字母、数字、_ 或 -）。")
    vote = payload.get("vote")
    if isinstance(vote, bool) or vote not in (UP, DOWN):
        raise RequestRejected(400, "bad_vote", "vote 只能是 1（有帮助）或 -1（没有帮助）。")
    faq_id = payload.get("faq_id")
    if faq_id is not None and (not isinstance(faq_id, str) or not FAQ_ID_PATTERN.match(faq_id)):
        raise RequestRejected(400, "bad_faq_id", "faq_id 必须是FAQ条目编号（小写英文、数字、下划线）或省略。")
    bot_text = payload.get("bot_text")
    if bot_text is not None and not isinstance(bot_text, str):
        raise RequestRejected(400, "bad_bot_text", "bot_text 必须是文字或省略。")
    if bot_text is not None and len(bot_text) > MAX_BOT_TEXT_CHARS:
        raise RequestRejected(
            413, "bot_text_too_long", f"bot_text 太长（{len(bot_text)}字），最多{MAX_BOT_TEXT_CHARS}字。"
        )
    return Vote(sender_id, message_id, vote, faq_id, storable_text(bot_text))


def storable_text(bot_text: Optional[str]) -> Optional[str]:
    """The text as stored: phone numbers masked, control characters (PostgreSQL refuses
    NUL in text) dropped."""
    if not bot_text:
        return None
    return mask_personal_data(_CONTROL.sub("", bot_text)) or None


class FeedbackStore:
    """Reads and writes votes (table ``feedback``); thread-safe, one per process."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def record(self, vote: Vote, now: Optional[dt.datetime] = None) -> None:
        """Store ``vote``, replacing an earlier vote on the same message (one atomic upsert)."""
        values = {
            "at": now or utcnow(),
            "sender_id": vote.sender_id,
            "message_id": vote.message_id,
            "faq_id": vote.faq_id,
            "vote": vote.vote,
            "bot_text": vote.bot_text,
        }
        insert = postgresql_insert if self.database.engine.dialect.name == "postgresql" else sqlite_insert
        statement = insert(feedback).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[feedback.c.sender_id, feedback.c.message_id],
            set_={name: statement.excluded[name] for name in ("at", "faq_id", "vote", "bot_text")},
        )
        with self.database.begin() as connection:
            connection.execute(statement)

    def get(self, sender_id: str, message_id: str) -> Optional[StoredVote]:
        with self.database.begin() as connection:
            row = connection.execute(
                select(feedback).where(feedback.c.sender_id == sender_id, feedback.c.message_id == message_id)
            ).first()
        return _stored(row) if row else None

    def conversation_votes(self, sender_id: str) -> List[StoredVote]:
        """The votes given in one conversation, oldest first."""
        with self.database.begin() as connection:
            rows = connection.execute(
                select(feedback).where(feedback.c.sender_id == sender_id).order_by(feedback.c.at, feedback.c.id)
            ).all()
        return [_stored(row) for row in rows]

    def totals_by_faq(self) -> Mapping[Optional[str], Dict[str, int]]:
        """``{faq_id: {"up": n, "down": m}}`` over all votes (``None``: not an FAQ answer)."""
        with self.database.begin() as connection:
            rows = connection.execute(
                select(feedback.c.faq_id, feedback.c.vote, func.count()).group_by(feedback.c.faq_id, feedback.c.vote)
            ).all()
        totals: Dict[Optional[str], Dict[str, int]] = {}
        for faq_id, vote, count in rows:
            totals.setdefault(faq_id, {"up": 0, "down": 0})["up" if vote == UP else "down"] += count
        return totals


def _stored(row: Any) -> StoredVote:
    return StoredVote(row.message_id, row.vote, row.faq_id, row.bot_text, row.at)
