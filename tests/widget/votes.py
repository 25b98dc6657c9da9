"""Votes as the running stack stored them, read from its database."""

from __future__ import annotations

from typing import List

from bot.config import Settings
from bot.storage.database import Database
from bot.usage.feedback import FeedbackStore, StoredVote


def stored_votes(settings: Settings, sender_id: str) -> List[StoredVote]:
    db = Database(settings.database)
    try:
        return FeedbackStore(db).conversation_votes(sender_id)
    finally:
        db.dispose()
