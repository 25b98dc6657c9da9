"""Submitting a lead: to the database, or durably to the outbox when it is unavailable."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Optional

from sqlalchemy.exc import SQLAlchemyError

from bot.leads.model import LeadSubmission
from bot.leads.outbox import Outbox
from bot.leads.store import LeadStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubmitOutcome:
    reference: str
    committed: bool  # True only after the database commit succeeded
    # Deliberately no "this phone signed up before": the reply must not tell (issue 13 item 4).


def submit_lead(submission: LeadSubmission, store: Optional[LeadStore], outbox: Outbox) -> SubmitOutcome:
    """Save to the database; on a database error keep it in the outbox (never lose it)."""
    if store is not None:
        try:
            store.save(submission)
            return SubmitOutcome(submission.reference, committed=True)
        except SQLAlchemyError as exc:
            logger.warning("database unavailable for lead %s: %s", submission.reference, type(exc).__name__)
    outbox.put(submission)
    return SubmitOutcome(submission.reference, committed=False)
