"""Reads and writes the review queue (table ``review_items``)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, Collection, Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import func, select, update

from bot.errors import ReviewError
from bot.lang.text import comparison_key
from bot.lang.timefmt import china_day_start, utcnow
from bot.logging_setup import mask_personal_data
from bot.review.grouping import group_items
from bot.review.items import DECISIONS, KINDS, MAX_TEXT_CHARS, STATES, Guess, ReviewGroup, ReviewItem
from bot.storage.database import Database
from bot.storage.schema import review_items

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Open items grouped at most; older ones wait until these are decided.
MAX_GROUPED = 5000
MAX_EDITOR_CHARS = 40


def storable_text(text: str) -> str:
    """The text as kept: control characters out (PostgreSQL refuses NUL), phone numbers
    masked, capped at :data:`MAX_TEXT_CHARS`."""
    return mask_personal_data(_CONTROL.sub("", text or "")).strip()[:MAX_TEXT_CHARS]


@dataclass(frozen=True)
class ItemFilter:
    """Which items a view shows: recorded within China days ``start``..``end`` (inclusive)
    and of ``kinds`` (None: any)."""

    start: Optional[dt.date] = None
    end: Optional[dt.date] = None
    kinds: Optional[Tuple[str, ...]] = None

    def clauses(self) -> list:
        found = []
        if self.start:
            found.append(review_items.c.at >= china_day_start(self.start))
        if self.end:
            found.append(review_items.c.at < china_day_start(self.end + dt.timedelta(days=1)))
        if self.kinds is not None:
            found.append(review_items.c.kind.in_(list(self.kinds)))
        return found

    @property
    def active(self) -> bool:
        return bool(self.start or self.end or self.kinds is not None)


class ReviewStore:
    """The queue; thread-safe, one per process."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def record(
        self,
        kind: str,
        sender_id: str,
        text: str,
        guesses: Sequence[Guess] = (),
        answered_faq: Optional[str] = None,
        now: Optional[dt.datetime] = None,
        follow_up: Optional[str] = None,
    ) -> Optional[int]:
        """Add one item; returns its id (None when the text is empty after cleaning).
        ``follow_up`` is the student's next message when it is what showed the miss."""
        if kind not in KINDS:
            raise ValueError(f"unknown review kind {kind!r}")
        text = storable_text(text)
        normalized = comparison_key(text)[:500]
        if not normalized:
            return None
        values = {
            "at": now or utcnow(),
            "sender_id": sender_id[:128],
            "kind": kind,
            "text": text,
            "normalized": normalized,
            "guesses": _guesses_json(guesses[:3]),
            "answered_faq": answered_faq,
            "state": "open",
            "follow_up": storable_text(follow_up or "") or None,
        }
        with self.database.begin() as connection:
            return connection.execute(review_items.insert().values(**values)).inserted_primary_key[0]

    def items(
        self,
        states: Collection[str] = ("open",),
        ids: Optional[Collection[int]] = None,
        limit: int = MAX_GROUPED,
        scope: Optional[ItemFilter] = None,
    ) -> List[ReviewItem]:
        """Items in the given states (or with the given ids) within ``scope``, newest first."""
        query = select(review_items).order_by(review_items.c.at.desc(), review_items.c.id.desc()).limit(limit)
        if ids is not None:
            query = query.where(review_items.c.id.in_(list(ids)))
        else:
            query = query.where(review_items.c.state.in_(list(states)))
        query = query.where(*(scope or ItemFilter()).clauses())
        with self.database.begin() as connection:
            return [_item(row) for row in connection.execute(query)]

    def groups(
        self,
        states: Collection[str] = ("open",),
        similarity: Optional[float] = None,
        scope: Optional[ItemFilter] = None,
    ) -> List[ReviewGroup]:
        """The queue as editors see it: similar questions together, most frequent first."""
        items = self.items(states, scope=scope)
        return group_items(items) if similarity is None else group_items(items, similarity)

    def counts_by_state(self, scope: Optional[ItemFilter] = None) -> Dict[str, int]:
        """Items per state within ``scope`` (every state, zero included)."""
        query = (
            select(review_items.c.state, func.count())
            .where(*(scope or ItemFilter()).clauses())
            .group_by(review_items.c.state)
        )
        with self.database.begin() as connection:
            found = dict(connection.execute(query).all())
        return {state: found.get(state, 0) for state in STATES}

    def decide(
        self,
        item_ids: Iterable[int],
        decision: str,
        decided_by: str,
        faq_id: Optional[str] = None,
        known_faq_ids: Optional[Collection[str]] = None,
        now: Optional[dt.datetime] = None,
    ) -> int:
        """Accept as a phrasing of ``faq_id``, mark "new FAQ needed", ignore, or reopen.

        Returns how many items changed. Raises :class:`ReviewError` (Chinese message) for
        an unknown decision, a missing/unknown entry, no items or a missing editor name.
        """
        ids = sorted({int(i) for i in item_ids})
        if decision not in DECISIONS:
            raise ReviewError(f"未知的处理方式“{decision}”，可选：{'、'.join(DECISIONS)}。")
        if not ids:
            raise ReviewError("没有选中任何问题。")
        decided_by = (decided_by or "").strip()
        if not decided_by or len(decided_by) > MAX_EDITOR_CHARS:
            raise ReviewError(f"请填写处理人姓名（1–{MAX_EDITOR_CHARS}个字）。")
        if decision == "accepted":
            if not faq_id:
                raise ReviewError("“加为问法”需要选择一个FAQ条目。")
            if known_faq_ids is not None and faq_id not in known_faq_ids:
                raise ReviewError(f"FAQ条目“{faq_id}”不存在。")
        else:
            faq_id = None
        values: Dict[str, Any] = {"state": decision, "faq_id": faq_id}
        values.update(decided_by=None, decided_at=None) if decision == "open" else values.update(
            decided_by=decided_by, decided_at=now or utcnow()
        )
        with self.database.begin() as connection:
            changed = connection.execute(
                update(review_items)
                .where(review_items.c.id.in_(ids), review_items.c.state != "applied")
                .values(**values)
            ).rowcount
        if changed == 0:
            raise ReviewError("选中的问题不存在或已写入FAQ文件，未做更改。")
        return changed

    def mark_applied(self, item_ids: Iterable[int]) -> int:
        """Accepted items whose phrasings a patch wrote into faq/."""
        ids = list({int(i) for i in item_ids})
        if not ids:
            return 0
        with self.database.begin() as connection:
            return connection.execute(
                update(review_items)
                .where(review_items.c.id.in_(ids), review_items.c.state == "accepted")
                .values(state="applied")
            ).rowcount


def _guesses_json(guesses: Sequence[Any]) -> str:
    rows = []
    for guess in guesses:
        if isinstance(guess, Guess):
            rows.append({"id": guess.faq_id, "confidence": round(guess.confidence, 4)})
        else:
            rows.append({"id": str(guess["id"]), "confidence": round(float(guess["confidence"]), 4)})
    return json.dumps(rows, ensure_ascii=False)


def _item(row: Any) -> ReviewItem:
    try:
        guesses = tuple(Guess(g["id"], float(g["confidence"])) for g in json.loads(row.guesses or "[]"))
    except (ValueError, KeyError, TypeError):
        guesses = ()
    return ReviewItem(
        row.id,
        row.at,
        row.sender_id,
        row.kind,
        row.text,
        row.normalized,
        guesses,
        row.answered_faq,
        row.state,
        row.faq_id,
        row.decided_by,
        row.decided_at,
        row.follow_up,
    )
