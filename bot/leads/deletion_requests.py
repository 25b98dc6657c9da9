"""Deletion requests typed in a conversation that submitted no lead.

Anyone can type any phone number, so such a request deletes nothing and tells nothing:
it is recorded, unverified, for a recruiter, who calls the number and then erases the lead
(bot/leads/erasure.py) or rejects the request. Handling a request clears its phone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional

from sqlalchemy import func, insert, select, update

from bot.errors import EnlistError
from bot.lang.timefmt import utcnow
from bot.storage.database import Database
from bot.storage.schema import deletion_requests, leads

OPEN, DONE, REJECTED = "open", "done", "rejected"
#: Open requests per conversation: more are not stored (one typed number is enough to act on).
MAX_OPEN_PER_CONVERSATION = 3


class UnknownRequest(EnlistError, LookupError):
    """No open deletion request with that id."""


@dataclass(frozen=True)
class DeletionRequest:
    id: int
    at: dt.datetime
    sender_id: str
    phone: Optional[str]
    state: str
    lead_id: Optional[int]  # an unerased lead with this phone, when there is one (for the recruiter)


class DeletionRequestStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    def record(self, sender_id: str, phone: str) -> bool:
        """Store an open request; False when this conversation already has enough open ones."""
        with self.database.begin() as connection:
            open_here = connection.execute(
                select(func.count())
                .select_from(deletion_requests)
                .where(deletion_requests.c.sender_id == sender_id, deletion_requests.c.state == OPEN)
            ).scalar_one()
            if open_here >= MAX_OPEN_PER_CONVERSATION:
                return False
            connection.execute(
                insert(deletion_requests).values(at=utcnow(), sender_id=sender_id, phone=phone, state=OPEN)
            )
        return True

    def open_requests(self) -> List[DeletionRequest]:
        """Open requests, oldest first, each with the lead that has its phone (if any)."""
        lead = select(leads.c.id).where(leads.c.phone == deletion_requests.c.phone).scalar_subquery()
        with self.database.begin() as connection:
            rows = connection.execute(
                select(deletion_requests, lead.label("matching_lead"))
                .where(deletion_requests.c.state == OPEN)
                .order_by(deletion_requests.c.at, deletion_requests.c.id)
            ).all()
        return [DeletionRequest(r.id, r.at, r.sender_id, r.phone, r.state, r.matching_lead) for r in rows]

    def get_open(self, request_id: int) -> DeletionRequest:
        return next((r for r in self.open_requests() if r.id == request_id), None) or _unknown(request_id)

    def count_open(self) -> int:
        with self.database.begin() as connection:
            return connection.execute(
                select(func.count()).select_from(deletion_requests).where(deletion_requests.c.state == OPEN)
            ).scalar_one()

    def close(self, request_id: int, state: str, handled_by: str, lead_id: Optional[int]) -> None:
        """Mark a request done/rejected and forget its phone."""
        with self.database.begin() as connection:
            result = connection.execute(
                update(deletion_requests)
                .where(deletion_requests.c.id == request_id, deletion_requests.c.state == OPEN)
                .values(state=state, handled_by=handled_by[:40], handled_at=utcnow(), phone=None, lead_id=lead_id)
            )
        if result.rowcount == 0:
            raise UnknownRequest(request_id)


def _unknown(request_id: int) -> DeletionRequest:
    raise UnknownRequest(request_id)
