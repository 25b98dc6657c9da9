"""Retention: deleting leads past their keeping period, with their conversations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List

from sqlalchemy import text

from bot.config import Settings
from bot.leads.store import LeadStore
from bot.storage.database import create_db_engine


@dataclass(frozen=True)
class PurgeResult:
    leads: int
    conversations: int


def purge_leads(settings: Settings, store: LeadStore, older_than_days: int) -> PurgeResult:
    """Delete leads created more than ``older_than_days`` ago and their transcripts."""
    purged = store.purge_older_than(older_than_days)
    return PurgeResult(purged.leads, delete_conversations(settings.tracker_store, purged.sender_ids))


def delete_conversations(tracker_store_url: str, sender_ids: List[str]) -> int:
    """Delete the stored events of these conversations from Rasa's SQL tracker store."""
    if not sender_ids:
        return 0
    engine = create_db_engine(tracker_store_url)
    try:
        with engine.begin() as connection:
            exists = connection.dialect.has_table(connection, "events")
            if not exists:
                return 0
            for sender_id in sender_ids:
                connection.execute(text("DELETE FROM events WHERE sender_id = :sender_id"), {"sender_id": sender_id})
        return len(sender_ids)
    finally:
        engine.dispose()
