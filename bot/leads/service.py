"""Submitting a lead: to the database, or durably to the outbox when it is unavailable."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Callable, Optional

from sqlalchemy.exc import SQLAlchemyError

from bot.leads.outbox import Outbox
from bot.leads.records import LeadSubmission
from bot.leads.store import LeadStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubmitOutcome:
    reference: str
    committed: bool  # True only after the database commit succeeded
    # Deliberately no "this phone signed up before": the reply must not tell (issue 13 item 4).


def submit_lead(submission: LeadSubmission, store: Optional[LeadStore], outbox: Outbox) -> SubmitOutcome:
    """Save to the database; on a database error keep it in the outbox (never lose it)."""
    if _commit(submission, lambda: store):
        return SubmitOutcome(submission.reference, committed=True)
    outbox.put(submission)
    return SubmitOutcome(submission.reference, committed=False)


async def submit_lead_in_time(
    submission: LeadSubmission, open_store: Callable[[], Optional[LeadStore]], outbox: Outbox, budget_seconds: float
) -> SubmitOutcome:
    """:func:`submit_lead` within ``budget_seconds``: a database that does not answer in time
    (a locked SQLite file waits 30 s, a stalled server longer) sends the lead to the outbox,
    so the student gets the honest "saved locally" reply before the widget gives up.

    The slow attempt keeps running in its thread; should it commit after all, the outbox
    flush finds the reference already stored and does not save it twice.
    """
    loop = asyncio.get_running_loop()
    attempt = loop.run_in_executor(None, lambda: _commit(submission, open_store))
    try:
        committed = await asyncio.wait_for(asyncio.shield(attempt), budget_seconds)
    except asyncio.TimeoutError:
        logger.warning("database too slow for lead %s (over %.0f s)", submission.reference, budget_seconds)
        committed = False
    if committed:
        return SubmitOutcome(submission.reference, committed=True)
    await loop.run_in_executor(None, outbox.put, submission)
    return SubmitOutcome(submission.reference, committed=False)


def _commit(submission: LeadSubmission, open_store: Callable[[], Optional[LeadStore]]) -> bool:
    """True after the database commit; False when the database refused."""
    store = open_store()
    if store is None:
        return False
    try:
        store.save(submission)
        return True
    except SQLAlchemyError as exc:
        logger.warning("database unavailable for lead %s: %s", submission.reference, type(exc).__name__)
        return False
