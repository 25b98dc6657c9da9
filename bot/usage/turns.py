"""Answered turns (table ``turns``): one row each time the bot answered an FAQ entry or
could not answer. The source of FAQ hit counts and of the analytics (bot/usage/analytics.py);
it holds no message text and no personal data.
"""

from __future__ import annotations

import datetime as dt
from typing import Dict, Optional

from sqlalchemy import func, select

from bot.lang.timefmt import utcnow
from bot.storage.database import Database
from bot.storage.schema import turns

TURN_KINDS = ("answer", "suggest", "out_of_scope", "not_understood", "sensitive")
#: Turns in which the student did not get an answer to their question.
MISS_KINDS = ("suggest", "out_of_scope", "not_understood")


def record_turn(
    database: Database,
    sender_id: str,
    kind: str,
    faq_id: Optional[str] = None,
    confidence: Optional[float] = None,
    now: Optional[dt.datetime] = None,
) -> None:
    if kind not in TURN_KINDS:
        raise ValueError(f"unknown turn kind {kind!r}")
    with database.begin() as connection:
        connection.execute(
            turns.insert().values(
                at=now or utcnow(), sender_id=sender_id[:128], kind=kind, faq_id=faq_id, confidence=confidence
            )
        )


def hits_by_faq(database: Database) -> Dict[str, int]:
    """How often each FAQ entry was answered (all time)."""
    with database.begin() as connection:
        rows = connection.execute(
            select(turns.c.faq_id, func.count()).where(turns.c.kind == "answer").group_by(turns.c.faq_id)
        ).all()
    return {faq_id: count for faq_id, count in rows if faq_id}
