"""The hand-off store: requests for a person, who holds them, and the messages pushed to
the student's widget. Every state change is one conditional UPDATE on the current status,
so two recruiters (or a recruiter and the expiry task) can never both win."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import and_, delete, func, insert, select, update

from bot.errors import EnlistError
from bot.lang.timefmt import utcnow
from bot.storage.database import Database
from bot.storage.schema import handoff_messages, handoffs, lead_submissions

WAITING, HELD, ENDED, EXPIRED, OFFHOURS = "waiting", "held", "ended", "expired", "offhours"
ACTIVE = (WAITING, HELD)
STATUS_LABELS = {WAITING: "等待接入", HELD: "人工接待中", ENDED: "已结束", EXPIRED: "等待超时", OFFHOURS: "非值班时间"}
#: Longest recruiter reply, in characters.
MAX_REPLY_CHARS = 2000


class HandoffConflict(EnlistError):
    """The hand-off is no longer in the state the action needs; the message is Chinese."""


class HandoffUnavailable(HandoffConflict):
    """The Rasa server could not be reached: nothing changed; try again."""


class UnknownHandoff(EnlistError):
    """No hand-off with this id."""


@dataclass(frozen=True)
class Handoff:
    id: int
    sender_id: str
    channel: str
    status: str
    question: Optional[str]
    requested_at: dt.datetime
    taken_by: Optional[str]
    taken_at: Optional[dt.datetime]
    ended_by: Optional[str]
    ended_at: Optional[dt.datetime]
    lead_id: Optional[int]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def waited_seconds(self, now: Optional[dt.datetime] = None) -> int:
        return max(0, int(((now or utcnow()) - self.requested_at).total_seconds()))


@dataclass(frozen=True)
class PushedMessage:
    id: int
    handoff_id: int
    at: dt.datetime
    kind: str
    author: Optional[str]
    text: str
    state: Optional[str]
    buttons: Sequence[Dict[str, str]]

    def as_json(self) -> Dict[str, Any]:
        """What the widget receives (no staff account name: the student sees 工作人员)."""
        return {"id": self.id, "kind": self.kind, "text": self.text, "state": self.state, "buttons": list(self.buttons)}


def _handoff(row: Any) -> Handoff:
    return Handoff(
        row.id,
        row.sender_id,
        row.channel,
        row.status,
        row.question,
        row.requested_at,
        row.taken_by,
        row.taken_at,
        row.ended_by,
        row.ended_at,
        row.lead_id,
    )


class HandoffStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    # --- requests ------------------------------------------------------------------------

    def request(self, sender_id: str, channel: str, question: Optional[str], staffed: bool) -> tuple:
        """A new request (waiting when ``staffed``, else offhours); an active one is returned
        as it is. Returns ``(handoff, created)``."""
        with self.database.begin() as connection:
            if staffed:
                row = connection.execute(
                    select(handoffs)
                    .where(handoffs.c.sender_id == sender_id, handoffs.c.status.in_(ACTIVE))
                    .order_by(handoffs.c.id.desc())
                    .limit(1)
                ).first()
                if row is not None:
                    return _handoff(row), False
            new_id = connection.execute(
                insert(handoffs).values(
                    sender_id=sender_id,
                    channel=channel[:20],
                    status=WAITING if staffed else OFFHOURS,
                    question=(question or None) and question[:2000],
                    requested_at=utcnow(),
                )
            ).inserted_primary_key[0]
        return self.get(new_id), True

    def get(self, handoff_id: int) -> Handoff:
        with self.database.begin() as connection:
            row = connection.execute(select(handoffs).where(handoffs.c.id == handoff_id)).first()
        if row is None:
            raise UnknownHandoff(f"no hand-off {handoff_id}")
        return _handoff(row)

    def active(self, sender_id: str) -> Optional[Handoff]:
        with self.database.begin() as connection:
            row = connection.execute(
                select(handoffs)
                .where(handoffs.c.sender_id == sender_id, handoffs.c.status.in_(ACTIVE))
                .order_by(handoffs.c.id.desc())
                .limit(1)
            ).first()
        return None if row is None else _handoff(row)

    def inbox(self, recent: int = 20) -> Dict[str, List[Handoff]]:
        """Waiting (oldest first), held, and the most recent finished requests."""
        with self.database.begin() as connection:
            open_rows = connection.execute(
                select(handoffs).where(handoffs.c.status.in_(ACTIVE)).order_by(handoffs.c.id)
            ).all()
            done = connection.execute(
                select(handoffs).where(handoffs.c.status.notin_(ACTIVE)).order_by(handoffs.c.id.desc()).limit(recent)
            ).all()
        items = [_handoff(r) for r in open_rows]
        return {
            "waiting": [h for h in items if h.status == WAITING],
            "held": [h for h in items if h.status == HELD],
            "done": [_handoff(r) for r in done],
        }

    # --- state changes ---------------------------------------------------------------------

    def _move(self, handoff_id: int, where: Any, values: Dict[str, Any]) -> bool:
        with self.database.begin() as connection:
            changed = connection.execute(
                update(handoffs).where(and_(handoffs.c.id == handoff_id, where)).values(**values)
            )
            return changed.rowcount == 1

    def take(self, handoff_id: int, recruiter: str) -> Handoff:
        """Hold a waiting request for ``recruiter``; HandoffConflict when it is not waiting any more."""
        if not self._move(
            handoff_id, handoffs.c.status == WAITING, {"status": HELD, "taken_by": recruiter[:40], "taken_at": utcnow()}
        ):
            current = self.get(handoff_id)
            if current.status == HELD:
                raise HandoffConflict(f"{current.taken_by} 已经接入了这个对话，不能重复接入。")
            raise HandoffConflict(f"这个对话已不在等待中（{current.status_label}），不能接入。")
        return self.get(handoff_id)

    def give_back(self, handoff_id: int, recruiter: str) -> None:
        """Undo a take that could not pause the bot (back to waiting)."""
        self._move(
            handoff_id,
            and_(handoffs.c.status == HELD, handoffs.c.taken_by == recruiter[:40]),
            {"status": WAITING, "taken_by": None, "taken_at": None},
        )

    def release(self, handoff_id: int, actor: str) -> Handoff:
        """End a held conversation; HandoffConflict when it is not held."""
        if not self._move(
            handoff_id, handoffs.c.status == HELD, {"status": ENDED, "ended_by": actor[:40], "ended_at": utcnow()}
        ):
            raise HandoffConflict(f"这个对话当前不是人工接待中（{self.get(handoff_id).status_label}），无需结束。")
        return self.get(handoff_id)

    def reopen(self, handoff_id: int, actor: str) -> None:
        """Undo a release that could not resume the bot (back to held)."""
        self._move(
            handoff_id,
            and_(handoffs.c.status == ENDED, handoffs.c.ended_by == actor[:40]),
            {"status": HELD, "ended_by": None, "ended_at": None},
        )

    def expire_overdue(self, wait_seconds: int, now: Optional[dt.datetime] = None) -> List[Handoff]:
        """Requests waiting longer than ``wait_seconds``, moved to expired (each by one caller only)."""
        cutoff = (now or utcnow()) - dt.timedelta(seconds=wait_seconds)
        with self.database.begin() as connection:
            ids = (
                connection.execute(
                    select(handoffs.c.id).where(handoffs.c.status == WAITING, handoffs.c.requested_at <= cutoff)
                )
                .scalars()
                .all()
            )
        moved = [
            i for i in ids if self._move(i, handoffs.c.status == WAITING, {"status": EXPIRED, "ended_at": utcnow()})
        ]
        return [self.get(i) for i in moved]

    # --- leads ---------------------------------------------------------------------------------

    def unanswered_question(self, sender_id: str) -> Optional[Handoff]:
        """The latest request of this conversation nobody answered (expired or off hours) and
        not yet attached to a lead."""
        with self.database.begin() as connection:
            row = connection.execute(
                select(handoffs)
                .where(
                    handoffs.c.sender_id == sender_id,
                    handoffs.c.status.in_((EXPIRED, OFFHOURS)),
                    handoffs.c.lead_id.is_(None),
                )
                .order_by(handoffs.c.id.desc())
                .limit(1)
            ).first()
        return None if row is None else _handoff(row)

    def link_lead(self, handoff_id: int, lead_id: int) -> None:
        self._move(handoff_id, handoffs.c.lead_id.is_(None), {"lead_id": lead_id})

    def lead_of_reference(self, reference: str) -> Optional[int]:
        """The lead a submission (by its reference number) was saved on."""
        with self.database.begin() as connection:
            return connection.execute(
                select(lead_submissions.c.lead_id).where(lead_submissions.c.reference == reference)
            ).scalar()

    def position(self, handoff: Handoff) -> int:
        """How many requests wait ahead of ``handoff``."""
        with self.database.begin() as connection:
            return connection.execute(
                select(func.count())
                .select_from(handoffs)
                .where(handoffs.c.status == WAITING, handoffs.c.id < handoff.id)
            ).scalar_one()

    def forget(self, sender_ids: Sequence[str]) -> int:
        """Erasure (withdrawn consent, retention purge): the questions and pushed messages of
        these conversations go; the requests stay as anonymous records. Returns requests touched."""
        senders = [s for s in sender_ids if s]
        if not senders:
            return 0
        with self.database.begin() as connection:
            connection.execute(delete(handoff_messages).where(handoff_messages.c.sender_id.in_(senders)))
            return connection.execute(
                update(handoffs).where(handoffs.c.sender_id.in_(senders)).values(question=None)
            ).rowcount

    # --- messages to the widget --------------------------------------------------------------

    def push(
        self,
        handoff: Handoff,
        kind: str,
        text: str,
        author: Optional[str] = None,
        state: Optional[str] = None,
        buttons: Sequence[Dict[str, str]] = (),
    ) -> PushedMessage:
        with self.database.begin() as connection:
            at = utcnow()
            new_id = connection.execute(
                insert(handoff_messages).values(
                    handoff_id=handoff.id,
                    sender_id=handoff.sender_id,
                    at=at,
                    kind=kind,
                    author=author and author[:40],
                    text=text,
                    state=state,
                    buttons=list(buttons) or None,
                )
            ).inserted_primary_key[0]
        return PushedMessage(new_id, handoff.id, at, kind, author, text, state, tuple(buttons))

    def messages_after(self, sender_id: str, after_id: int, limit: int = 50) -> List[PushedMessage]:
        with self.database.begin() as connection:
            rows = connection.execute(
                select(handoff_messages)
                .where(handoff_messages.c.sender_id == sender_id, handoff_messages.c.id > after_id)
                .order_by(handoff_messages.c.id)
                .limit(limit)
            ).all()
        return [
            PushedMessage(r.id, r.handoff_id, r.at, r.kind, r.author, r.text, r.state, tuple(r.buttons or ()))
            for r in rows
        ]
