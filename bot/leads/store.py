"""LeadStore: leads on SQLAlchemy (SQLite by default, PostgreSQL in production).

Saving is keyed on the phone number: the first submission creates the lead; the same number
signing up again is recorded as a new submission on that lead (its own reference number and
the values it submitted) for a recruiter to review, and never overwrites the lead's name,
school, ... — anyone can type any phone number, so a repeat must not change someone else's
record (issue 13 item 4). Every submission keeps what it submitted. Saving the same submission twice (an outbox flush retried after a crash) is a
no-op, because submission references are unique. Every query is parameterised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence

from sqlalchemy import and_, delete, func, insert, or_, select, true, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from bot.errors import EnlistError
from bot.lang.timefmt import china_day_start
from bot.leads.records import (
    NO_OWNER,
    STATUSES,
    SUBMITTED_FIELDS,
    WORKFLOW_STATUSES,
    Lead,
    LeadFilter,
    LeadSubmission,
    Note,
    Page,
    SaveResult,
    Submission,
    utcnow,
)
from bot.storage.database import Database
from bot.storage.schema import lead_notes, lead_status_history, lead_submissions, leads

MAX_PER_PAGE = 200
_LEAD_VALUES = (
    "name",
    "school",
    "student_status",
    "education_level",
    "hukou_place",
    "enlist_place",
    "main_concern",
    "consent_version",
    "consent_at",
    "sender_id",
    "source_channel",
)


#: The lead columns that hold personal data: NULL after erasure.
PERSONAL_COLUMNS = (
    "phone",
    "name",
    "school",
    "student_status",
    "education_level",
    "hukou_place",
    "enlist_place",
    "main_concern",
    "sender_id",
)


@dataclass(frozen=True)
class Purged:
    """Leads whose personal data was erased, and the conversations that held it."""

    leads: int
    sender_ids: List[str]
    references: Sequence[str] = ()  # the erased submissions' reference numbers


# Lead ids are an ``Integer`` column: 32-bit on PostgreSQL, so no stored id is larger. Checking
# before the query keeps a huge id in a URL a 404 instead of an OverflowError/DataError (500/503).
MAX_LEAD_ID = 2**31 - 1


def _in_range(lead_id: int) -> int:
    """Return ``lead_id`` if a stored lead could have it, else raise UnknownLead."""
    if not 0 < lead_id <= MAX_LEAD_ID:
        raise UnknownLead(lead_id)
    return lead_id


class UnknownLead(EnlistError, LookupError):
    """No lead with that id."""


class ErasedLead(EnlistError, ValueError):
    """The lead's personal data was erased: it cannot be worked any more."""


class LeadStore:
    """Reads and writes leads; one instance per process, thread-safe (engine pool)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # --- writing ------------------------------------------------------------------------

    def save(self, submission: LeadSubmission, via_outbox: bool = False) -> SaveResult:
        """Insert or update the lead for ``submission.phone``; commit before returning."""
        try:
            return self._save(submission, via_outbox)
        except IntegrityError:
            # Another process stored this very submission at the same moment.
            with self.database.begin() as connection:
                row = connection.execute(
                    select(lead_submissions.c.lead_id).where(lead_submissions.c.reference == submission.reference)
                ).first()
            if row is None:
                raise
            return SaveResult(row.lead_id, submission.reference, created=False)

    def _save(self, submission: LeadSubmission, via_outbox: bool) -> SaveResult:
        with self.database.begin() as connection:
            existing = connection.execute(
                select(lead_submissions.c.lead_id).where(lead_submissions.c.reference == submission.reference)
            ).first()
            if existing is not None:  # already stored (a retried outbox flush)
                return SaveResult(existing.lead_id, submission.reference, created=False)
            lead_id, created = self._upsert_lead(connection, submission)
            connection.execute(
                insert(lead_submissions).values(
                    lead_id=lead_id,
                    reference=submission.reference,
                    sender_id=submission.sender_id,
                    source_channel=submission.source_channel,
                    submitted_at=submission.submitted_at,
                    stored_at=utcnow(),
                    via_outbox=via_outbox,
                    submitted={name: getattr(submission, name) for name in SUBMITTED_FIELDS},
                )
            )
        return SaveResult(lead_id, submission.reference, created)

    def _upsert_lead(self, connection: Connection, submission: LeadSubmission) -> tuple:
        now = utcnow()
        values: Dict[str, Any] = {name: getattr(submission, name) for name in _LEAD_VALUES}
        row = connection.execute(
            select(leads.c.id, leads.c.merged_into).where(leads.c.phone == submission.phone)
        ).first()
        if row is not None and row.merged_into is not None:  # a merged duplicate: its phone leads to the lead kept
            row = connection.execute(select(leads.c.id).where(leads.c.id == row.merged_into)).first()
        if row is None:
            try:
                with connection.begin_nested():
                    result = connection.execute(
                        insert(leads).values(
                            reference=submission.reference,
                            phone=submission.phone,
                            status="new",
                            created_at=now,
                            updated_at=now,
                            **values,
                        )
                    )
                return result.inserted_primary_key[0], True
            except IntegrityError:  # the same phone, inserted concurrently: add to that lead instead
                row = connection.execute(select(leads.c.id).where(leads.c.phone == submission.phone)).first()
                if row is None:
                    raise
        # A known phone: the lead keeps its values; this submission's are kept on the submission.
        connection.execute(update(leads).where(leads.c.id == row.id).values(updated_at=now))
        return row.id, False

    def set_status(self, lead_id: int, status: str, actor: str = "system") -> str:
        """Change the status (recorded in the lead's status history); returns the previous one."""
        if status not in WORKFLOW_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        _in_range(lead_id)
        with self.database.begin() as connection:
            return change_status(connection, lead_id, status, actor)

    def add_note(self, lead_id: int, author: str, text: str) -> Note:
        text = text.strip()
        if not text:
            raise ValueError("empty note")
        _in_range(lead_id)
        now = utcnow()
        with self.database.begin() as connection:
            row = connection.execute(select(leads.c.erased_at).where(leads.c.id == lead_id)).first()
            if row is None:
                raise UnknownLead(lead_id)
            if row.erased_at is not None:
                raise ErasedLead(lead_id)
            result = connection.execute(
                insert(lead_notes).values(lead_id=lead_id, author=author, text=text, created_at=now)
            )
            connection.execute(update(leads).where(leads.c.id == lead_id).values(updated_at=now))
        return Note(result.inserted_primary_key[0], author, text, now)

    def expired_ids(self, days: int, now: Optional[dt.datetime] = None) -> List[int]:
        """Leads created more than ``days`` ago whose personal data is still kept."""
        cutoff = (now or utcnow()) - dt.timedelta(days=days)
        with self.database.begin() as connection:
            return [
                r.id
                for r in connection.execute(
                    select(leads.c.id).where(leads.c.created_at < cutoff, leads.c.erased_at.is_(None))
                )
            ]

    def erase(self, lead_ids: List[int], status: Optional[str] = None) -> Purged:
        """Erase the personal data of these leads: the personal columns become NULL, their
        submissions and notes are deleted. The row stays (status, dates, channel) so counts
        stay honest; ``status`` replaces its status (``withdrawn``) when given. Returns the
        conversations to redact in the tracker store (bot/leads/erasure.py)."""
        if not lead_ids:
            return Purged(0, [])
        now = utcnow()
        with self.database.begin() as connection:
            rows = connection.execute(
                select(leads.c.id, leads.c.sender_id).where(
                    or_(leads.c.id.in_(lead_ids), leads.c.merged_into.in_(lead_ids))
                )
            ).all()  # with its merged duplicates
            ids = [r.id for r in rows]
            if not ids:
                return Purged(0, [])
            senders = {r.sender_id for r in rows if r.sender_id}
            submitted = connection.execute(
                select(lead_submissions.c.sender_id, lead_submissions.c.reference).where(
                    lead_submissions.c.lead_id.in_(ids)
                )
            ).all()
            senders |= {r.sender_id for r in submitted}
            # Children first: SQLite only cascades with foreign keys on, PostgreSQL always.
            connection.execute(delete(lead_notes).where(lead_notes.c.lead_id.in_(ids)))
            connection.execute(delete(lead_submissions).where(lead_submissions.c.lead_id.in_(ids)))
            values: Dict[str, Any] = {name: None for name in PERSONAL_COLUMNS}
            values.update(erased_at=now, updated_at=now)
            if status:
                values["status"] = status
            connection.execute(update(leads).where(leads.c.id.in_(ids)).values(**values))
        return Purged(len(ids), sorted(senders), sorted(r.reference for r in submitted))

    def erase_submissions_of(self, sender_id: str) -> Purged:
        """Delete the submissions made in conversation ``sender_id`` to a lead it did not
        create (a repeat of someone else's phone): that lead keeps its data."""
        with self.database.begin() as connection:
            rows = connection.execute(
                select(lead_submissions.c.id, lead_submissions.c.reference).where(
                    lead_submissions.c.sender_id == sender_id
                )
            ).all()
            if rows:
                connection.execute(delete(lead_submissions).where(lead_submissions.c.id.in_([r.id for r in rows])))
        return Purged(0, [sender_id] if rows else [], sorted(r.reference for r in rows))

    def leads_created_in(self, sender_id: str) -> List[int]:
        """Leads (not yet erased) whose first submission came from conversation ``sender_id``."""
        with self.database.begin() as connection:
            return [
                r.id
                for r in connection.execute(
                    select(leads.c.id).where(leads.c.sender_id == sender_id, leads.c.erased_at.is_(None))
                )
            ]

    def submitted_in(self, sender_id: str) -> bool:
        """True when conversation ``sender_id`` submitted a lead whose data is still kept."""
        with self.database.begin() as connection:
            return (
                connection.execute(
                    select(lead_submissions.c.id).where(lead_submissions.c.sender_id == sender_id).limit(1)
                ).first()
                is not None
            )

    # --- reading ------------------------------------------------------------------------

    def get(self, lead_id: int) -> Lead:
        _in_range(lead_id)
        with self.database.begin() as connection:
            row = connection.execute(select(leads).where(leads.c.id == lead_id)).first()
        if row is None:
            raise UnknownLead(lead_id)
        return _lead(row)

    def find_by_phone(self, phone: str) -> Optional[Lead]:
        with self.database.begin() as connection:
            row = connection.execute(select(leads).where(leads.c.phone == phone)).first()
        return _lead(row) if row else None

    def notes(self, lead_id: int) -> List[Note]:
        with self.database.begin() as connection:
            rows = connection.execute(
                select(lead_notes)
                .where(lead_notes.c.lead_id == lead_id)
                .order_by(lead_notes.c.created_at, lead_notes.c.id)
            ).all()
        return [Note(r.id, r.author, r.text, r.created_at) for r in rows]

    def submissions(self, lead_id: int) -> List[Submission]:
        with self.database.begin() as connection:
            rows = connection.execute(
                select(lead_submissions)
                .where(lead_submissions.c.lead_id == lead_id)
                .order_by(lead_submissions.c.submitted_at)
            ).all()
        return [
            Submission(
                r.reference, r.sender_id, r.source_channel, r.submitted_at, r.via_outbox, dict(r.submitted or {})
            )
            for r in rows
        ]

    def conversations_of(self, lead_list: Iterable[Lead]) -> Dict[int, List[str]]:
        """Lead id -> its conversations (the first one, then each submission's, oldest first)."""
        kept = [lead for lead in lead_list if not lead.erased]
        found: Dict[int, List[str]] = {lead.id: [lead.sender_id] if lead.sender_id else [] for lead in kept}
        ids = list(found)
        with self.database.begin() as connection:
            for start in range(0, len(ids), 500):
                rows = connection.execute(
                    select(lead_submissions.c.lead_id, lead_submissions.c.sender_id)
                    .where(lead_submissions.c.lead_id.in_(ids[start : start + 500]))
                    .order_by(lead_submissions.c.submitted_at, lead_submissions.c.id)
                ).all()
                for row in rows:
                    if row.sender_id not in found[row.lead_id]:
                        found[row.lead_id].append(row.sender_id)
        return found

    def search(self, criteria: LeadFilter, page: int = 1, per_page: int = 20) -> Page:
        """Leads matching ``criteria``, newest first, one page."""
        per_page = max(1, min(per_page, MAX_PER_PAGE))
        page = max(1, page)
        condition = _condition(criteria)
        with self.database.begin() as connection:
            total = connection.execute(select(func.count()).select_from(leads).where(condition)).scalar_one()
            rows = connection.execute(
                select(leads)
                .where(condition)
                .order_by(*_order(criteria.sort))
                .limit(per_page)
                .offset((page - 1) * per_page)
            ).all()
        return Page([_lead(r) for r in rows], total, page, per_page)

    def iter_all(self, criteria: LeadFilter) -> Iterable[Lead]:
        """Every lead matching ``criteria``, newest first (for exports)."""
        with self.database.begin() as connection:
            rows = connection.execute(select(leads).where(_condition(criteria)).order_by(*_order(criteria.sort))).all()
        return [_lead(r) for r in rows]

    def counts_by_status(self, criteria: Optional[LeadFilter] = None) -> Dict[str, int]:
        """Number of leads per status code (every status present, zero included)."""
        criteria = criteria or LeadFilter()
        without_status = LeadFilter(**{**criteria.__dict__, "status": None})
        with self.database.begin() as connection:
            rows = connection.execute(
                select(leads.c.status, func.count()).where(_condition(without_status)).group_by(leads.c.status)
            ).all()
        counts = {code: 0 for code in STATUSES}
        counts.update({status: count for status, count in rows})
        return counts

    def count(self) -> int:
        with self.database.begin() as connection:
            return connection.execute(select(func.count()).select_from(leads)).scalar_one()


def workable(connection: Connection, lead_id: int) -> Row:
    """The lead's row, locked for this transaction where the database can; UnknownLead when
    there is none (or it was merged away), ErasedLead when its personal data is gone."""
    row = connection.execute(select(leads).where(leads.c.id == lead_id).with_for_update()).first()
    if row is None or row.merged_into is not None:
        raise UnknownLead(lead_id)
    if row.erased_at is not None:
        raise ErasedLead(lead_id)
    return row


def change_status(connection: Connection, lead_id: int, status: str, actor: str) -> str:
    """Set the status of a workable lead and record the change; returns the previous status."""
    previous = workable(connection, lead_id).status
    now = utcnow()
    connection.execute(update(leads).where(leads.c.id == lead_id).values(status=status, updated_at=now))
    if previous != status:
        connection.execute(
            insert(lead_status_history).values(
                lead_id=lead_id, at=now, actor=actor[:40], from_status=previous, to_status=status
            )
        )
    return previous


def _like(value: str) -> str:
    """A LIKE pattern for a literal substring (``%`` and ``_`` escaped)."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_SORT_COLUMNS = {
    "created": leads.c.created_at,
    "name": leads.c.name,
    "school": leads.c.school,
    "status": leads.c.status,
    "owner": leads.c.owner,
    "follow_up": leads.c.follow_up_on,
}


def _order(sort: str) -> list:
    """ORDER BY for a SORT_KEYS key ("-" first: descending); empty values last, then newest."""
    descending = sort.startswith("-")
    column = _SORT_COLUMNS.get(sort.lstrip("-"), leads.c.created_at)
    return [column.is_(None), column.desc() if descending else column.asc(), leads.c.id.desc()]


def _condition(criteria: LeadFilter):
    clauses = [leads.c.merged_into.is_(None)]
    if criteria.status:
        clauses.append(leads.c.status == criteria.status)
    if criteria.school:
        clauses.append(leads.c.school.like(_like(criteria.school), escape="\\"))
    if criteria.student_status:
        clauses.append(leads.c.student_status == criteria.student_status)
    if criteria.enlist_place:
        clauses.append(leads.c.enlist_place == criteria.enlist_place)
    if criteria.created_from:
        clauses.append(leads.c.created_at >= china_day_start(criteria.created_from))
    if criteria.created_to:
        clauses.append(leads.c.created_at < china_day_start(criteria.created_to + dt.timedelta(days=1)))
    if criteria.owner:
        clauses.append(leads.c.owner.is_(None) if criteria.owner == NO_OWNER else leads.c.owner == criteria.owner)
    if criteria.due_by:
        clauses.append(and_(leads.c.follow_up_on <= criteria.due_by, leads.c.erased_at.is_(None)))
    if criteria.text and criteria.text.strip():
        pattern = _like(criteria.text.strip())
        columns = (
            leads.c.name,
            leads.c.phone,
            leads.c.school,
            leads.c.reference,
            leads.c.main_concern,
            leads.c.hukou_place,
        )
        by_submission = select(lead_submissions.c.lead_id).where(
            lead_submissions.c.reference.like(pattern, escape="\\")
        )
        clauses.append(or_(*(column.like(pattern, escape="\\") for column in columns), leads.c.id.in_(by_submission)))
    return and_(true(), *clauses)


def _lead(row: Row) -> Lead:
    return Lead(**{name: getattr(row, name) for name in Lead.__dataclass_fields__})
