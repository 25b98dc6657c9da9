"""How recruiters work leads beyond a status: an owner, a follow-up day, the status history,
changes to many leads at once, possible duplicates and merging them.

A merge keeps both records: the duplicate's submissions and notes move to the lead kept,
the duplicate's row stays (``merged_into``) with what it said, hidden from the list, and a
later sign-up with its phone lands on the lead kept (bot/leads/store.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional

from sqlalchemy import func, select, update

from bot.lang.timefmt import utcnow
from bot.leads.records import WORKFLOW_STATUSES, Lead, StatusChange
from bot.leads.store import _in_range, _lead, change_status, workable
from bot.storage.database import Database
from bot.storage.schema import lead_notes, lead_status_history, lead_submissions, leads

#: At most this many leads change in one bulk action (one page of the list is 20).
MAX_BULK = 200


@dataclass(frozen=True)
class Merged:
    kept: int
    merged: int
    submissions: int  # moved to the lead kept
    notes: int


class LeadWorkflow:
    """Owner, follow-up, history, bulk changes, duplicates and merges on the lead tables."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def set_owner(self, lead_id: int, owner: Optional[str]) -> Optional[str]:
        """Give the lead to ``owner`` (None: nobody); returns the previous owner."""
        _in_range(lead_id)
        with self.database.begin() as connection:
            previous = workable(connection, lead_id).owner
            connection.execute(update(leads).where(leads.c.id == lead_id).values(owner=owner, updated_at=utcnow()))
        return previous

    def set_follow_up(self, lead_id: int, day: Optional[dt.date]) -> Optional[dt.date]:
        """Set (None: clear) the day to call back; returns the previous day."""
        _in_range(lead_id)
        with self.database.begin() as connection:
            previous = workable(connection, lead_id).follow_up_on
            connection.execute(update(leads).where(leads.c.id == lead_id).values(follow_up_on=day, updated_at=utcnow()))
        return previous

    def bulk_status(self, lead_ids: Iterable[int], status: str, actor: str) -> Dict[int, str]:
        """Set ``status`` on every workable lead of ``lead_ids`` in one transaction; returns
        lead id -> previous status for those changed (erased or unknown ones are skipped)."""
        if status not in WORKFLOW_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        changed: Dict[int, str] = {}
        with self.database.begin() as connection:
            for lead_id in self._workable_ids(connection, lead_ids):
                changed[lead_id] = change_status(connection, lead_id, status, actor)
        return changed

    def bulk_owner(self, lead_ids: Iterable[int], owner: Optional[str]) -> Dict[int, Optional[str]]:
        """Give every workable lead of ``lead_ids`` to ``owner``; returns id -> previous owner."""
        changed: Dict[int, Optional[str]] = {}
        with self.database.begin() as connection:
            for lead_id in self._workable_ids(connection, lead_ids):
                changed[lead_id] = workable(connection, lead_id).owner
            if changed:
                connection.execute(
                    update(leads).where(leads.c.id.in_(list(changed))).values(owner=owner, updated_at=utcnow())
                )
        return changed

    @staticmethod
    def _workable_ids(connection, lead_ids: Iterable[int]) -> List[int]:  # noqa: ANN001 - a Connection
        wanted = sorted({i for i in lead_ids if 0 < i <= 2**31 - 1})[:MAX_BULK]
        if not wanted:
            return []
        rows = connection.execute(
            select(leads.c.id).where(leads.c.id.in_(wanted), leads.c.erased_at.is_(None), leads.c.merged_into.is_(None))
        ).all()
        return sorted(r.id for r in rows)

    def history(self, lead_id: int) -> List[StatusChange]:
        """The lead's status changes, oldest first."""
        with self.database.begin() as connection:
            rows = connection.execute(
                select(lead_status_history)
                .where(lead_status_history.c.lead_id == lead_id)
                .order_by(lead_status_history.c.at, lead_status_history.c.id)
            ).all()
        return [StatusChange(r.at, r.actor, r.from_status, r.to_status) for r in rows]

    def possible_duplicates(self, lead: Lead) -> List[Lead]:
        """Other kept leads with the same name and the same school (a different phone, since
        the phone is unique): maybe one student who typed two numbers."""
        if lead.erased or not lead.name or not lead.school:
            return []
        with self.database.begin() as connection:
            rows = connection.execute(
                select(leads)
                .where(
                    leads.c.id != lead.id,
                    leads.c.name == lead.name,
                    leads.c.school == lead.school,
                    leads.c.erased_at.is_(None),
                    leads.c.merged_into.is_(None),
                )
                .order_by(leads.c.created_at)
            ).all()
        return [_lead(r) for r in rows]

    def duplicated(self, lead_list: List[Lead]) -> set:
        """Ids among ``lead_list`` that have a possible duplicate (for a marker on the list)."""
        pairs = {(lead.name, lead.school) for lead in lead_list if lead.name and lead.school and not lead.erased}
        if not pairs:
            return set()
        with self.database.begin() as connection:
            rows = connection.execute(
                select(leads.c.name, leads.c.school)
                .where(
                    leads.c.name.in_([p[0] for p in pairs]), leads.c.erased_at.is_(None), leads.c.merged_into.is_(None)
                )
                .group_by(leads.c.name, leads.c.school)
                .having(func.count() > 1)
            ).all()
        twice = {(r.name, r.school) for r in rows}
        return {lead.id for lead in lead_list if (lead.name, lead.school) in twice}

    def merged_from(self, lead_id: int) -> List[Lead]:
        """The duplicates merged into this lead, with what they said."""
        with self.database.begin() as connection:
            rows = connection.execute(select(leads).where(leads.c.merged_into == lead_id).order_by(leads.c.id)).all()
        return [_lead(r) for r in rows]

    def merge(self, kept_id: int, duplicate_id: int) -> Merged:
        """Move the duplicate's submissions and notes to the lead kept and hide the duplicate
        (its row and values stay, ``merged_into`` names the lead kept)."""
        if kept_id == duplicate_id:
            raise ValueError("a lead cannot be merged into itself")
        _in_range(kept_id), _in_range(duplicate_id)
        with self.database.begin() as connection:
            workable(connection, kept_id), workable(connection, duplicate_id)
            now = utcnow()
            moved = connection.execute(
                update(lead_submissions).where(lead_submissions.c.lead_id == duplicate_id).values(lead_id=kept_id)
            ).rowcount
            notes = connection.execute(
                update(lead_notes).where(lead_notes.c.lead_id == duplicate_id).values(lead_id=kept_id)
            ).rowcount
            connection.execute(
                update(lead_status_history).where(lead_status_history.c.lead_id == duplicate_id).values(lead_id=kept_id)
            )
            # Earlier duplicates of the duplicate follow it.
            connection.execute(update(leads).where(leads.c.merged_into == duplicate_id).values(merged_into=kept_id))
            connection.execute(
                update(leads).where(leads.c.id == duplicate_id).values(merged_into=kept_id, updated_at=now)
            )
            connection.execute(update(leads).where(leads.c.id == kept_id).values(updated_at=now))
        return Merged(kept_id, duplicate_id, moved, notes)
