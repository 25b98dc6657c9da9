"""Erasing a lead's personal data: one code path for a withdrawn consent (chat or portal)
and for the retention purge.

The lead row stays as an anonymous record (status, dates, channel) so the counts stay
honest; its personal fields, submissions and notes go (LeadStore.erase), the conversations
that held them are redacted in the tracker store (bot/leads/redaction.py), and their live
hand-off texts go too (HandoffStore.forget).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import List, Optional, Sequence

from sqlalchemy.exc import SQLAlchemyError

from bot.handoff.store import HandoffStore
from bot.leads.records import WITHDRAWN
from bot.leads.redaction import redact_conversations
from bot.leads.store import LeadStore, Purged

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Erased:
    leads: int  # lead records anonymised
    references: List[str]  # submissions deleted (their reference numbers)
    conversations: int  # conversations redacted
    events: int  # tracker events redacted
    redacted: bool = True  # False: the tracker store could not be written (the leads are erased all the same)


def erase_leads(
    store: LeadStore,
    tracker_store_url: str,
    lead_ids: Sequence[int],
    status: Optional[str] = None,
    also_redact: Sequence[str] = (),
) -> Erased:
    """Erase these leads and redact their conversations (and ``also_redact``)."""
    purged = store.erase(list(lead_ids), status)
    return _redacted(store, tracker_store_url, [purged], also_redact)


def withdraw_conversation(store: LeadStore, tracker_store_url: str, sender_id: str) -> Erased:
    """The student of conversation ``sender_id`` withdrew consent: erase the leads it
    created (status 已撤回) and its submissions to other leads, and redact it."""
    created = store.erase(store.leads_created_in(sender_id), WITHDRAWN)
    repeats = store.erase_submissions_of(sender_id)
    return _redacted(store, tracker_store_url, [created, repeats], [sender_id])


def purge_expired(store: LeadStore, tracker_store_url: str, older_than_days: int) -> Erased:
    """The retention purge: erase leads created more than ``older_than_days`` ago."""
    return erase_leads(store, tracker_store_url, store.expired_ids(older_than_days))


def _redacted(store: LeadStore, tracker_store_url: str, purged: List[Purged], also_redact: Sequence[str]) -> Erased:
    senders = sorted({s for p in purged for s in p.sender_ids} | set(also_redact))
    references = sorted(r for p in purged for r in p.references)
    HandoffStore(store.database).forget(senders)  # the question asked of a person, the recruiter's replies
    try:
        events = redact_conversations(tracker_store_url, senders)
    except SQLAlchemyError as exc:  # the lead data is already erased: say so, and that the transcript is not
        logger.error("tracker store not redacted for %d conversation(s): %s", len(senders), type(exc).__name__)
        return Erased(sum(p.leads for p in purged), references, len(senders), 0, redacted=False)
    return Erased(sum(p.leads for p in purged), references, len(senders), events)
