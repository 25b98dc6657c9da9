"""The FAQ change history (issue 16 §4): every write of faq/ from the portal or the review
queue, kept in the database with who, when and each changed entry before and after.

A change is shown as a field-by-field diff with Chinese labels (:func:`diff_rows`) and can
be reverted through the same validated write path (bot/faq/editor.py ``revert_change``).
Entry data is stored as JSON: the fields of the schema, dates as ISO text.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import insert, select

from bot.faq.entry import ALL_FIELDS, FIELD_NAMES_ZH
from bot.lang.timefmt import utcnow
from bot.storage.database import Database
from bot.storage.schema import faq_change_entries, faq_changes

EntryData = Dict[str, Any]

#: Action code -> label shown in the history.
ACTIONS_ZH = {
    "save": "修改",
    "create": "新建条目",
    "retire": "停用条目",
    "move": "移动问法",
    "revert": "撤销修改",
    "apply": "写入采纳的问法",
}


def entry_data(raw: Dict[str, Any]) -> EntryData:
    """An entry's fields as JSON-safe values (dates as ISO text, lists as lists)."""
    data: EntryData = {}
    for name in ALL_FIELDS:
        if name not in raw or raw[name] is None:
            continue
        value = raw[name]
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        elif isinstance(value, (list, tuple)):
            value = [str(item) for item in value]
        elif isinstance(value, str):
            value = value.strip()
        elif not isinstance(value, int):
            value = str(value)
        data[name] = value
    return data


@dataclass(frozen=True)
class EntryChange:
    """One entry of a change: its data before and after (None: it did not exist)."""

    entry_id: str
    file: str
    before: Optional[EntryData]
    after: Optional[EntryData]

    @property
    def title(self) -> str:
        return str((self.after or self.before or {}).get("title") or self.entry_id)


@dataclass(frozen=True)
class Change:
    id: int
    at: dt.datetime
    actor: str
    action: str
    summary: str
    reverts: Optional[int]
    entries: Tuple[EntryChange, ...]

    @property
    def action_label(self) -> str:
        return ACTIONS_ZH.get(self.action, self.action)


@dataclass(frozen=True)
class DiffRow:
    """One changed field: its Chinese label and the lines removed (-), added (+) or kept ( )."""

    field: str
    label: str
    lines: Tuple[Tuple[str, str], ...]


def _as_lines(name: str, value: Any) -> List[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value).split("\n") if name == "answer" else [str(value)]


def diff_rows(before: Optional[EntryData], after: Optional[EntryData]) -> List[DiffRow]:
    """The fields that differ between two versions of an entry, as line diffs."""
    before, after = before or {}, after or {}
    rows = []
    for name in ALL_FIELDS:
        old, new = _as_lines(name, before.get(name)), _as_lines(name, after.get(name))
        if old == new:
            continue
        lines = []
        for line in difflib.ndiff(old, new):
            if line[:1] in "-+ ":
                lines.append((line[:1], line[2:]))
        rows.append(DiffRow(name, FIELD_NAMES_ZH.get(name, name), tuple(lines)))
    return rows


class FaqHistory:
    """The faq_changes / faq_change_entries tables."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def record(
        self,
        connection,
        actor: str,
        action: str,
        summary: str,
        entries: Sequence[EntryChange],
        reverts: Optional[int] = None,
    ) -> int:  # noqa: ANN001 - an open SQLAlchemy connection
        """Insert a change inside the caller's transaction (committed with the file write)."""
        change_id = connection.execute(
            insert(faq_changes).values(
                at=utcnow(),
                actor=actor[:40],
                action=action,
                summary=summary[:300],
                reverts=reverts,
            )
        ).inserted_primary_key[0]
        for entry in entries:
            connection.execute(
                insert(faq_change_entries).values(
                    change_id=change_id,
                    entry_id=entry.entry_id,
                    file=entry.file,
                    before=entry.before,
                    after=entry.after,
                )
            )
        return change_id

    def get(self, change_id: int) -> Optional[Change]:
        changes = self._load(select(faq_changes).where(faq_changes.c.id == change_id))
        return changes[0] if changes else None

    def for_entry(self, entry_id: str, limit: int = 100) -> List[Change]:
        """The changes that touched ``entry_id``, newest first."""
        ids = select(faq_change_entries.c.change_id).where(faq_change_entries.c.entry_id == entry_id)
        return self._load(
            select(faq_changes).where(faq_changes.c.id.in_(ids)).order_by(faq_changes.c.id.desc()).limit(limit)
        )

    def recent(self, limit: int = 50) -> List[Change]:
        return self._load(select(faq_changes).order_by(faq_changes.c.id.desc()).limit(limit))

    def _load(self, query) -> List[Change]:  # noqa: ANN001 - a select
        with self.database.begin() as connection:
            rows = connection.execute(query).all()
            if not rows:
                return []
            parts = connection.execute(
                select(faq_change_entries)
                .where(faq_change_entries.c.change_id.in_([r.id for r in rows]))
                .order_by(faq_change_entries.c.id)
            ).all()
        by_change: Dict[int, List[EntryChange]] = {}
        for part in parts:
            by_change.setdefault(part.change_id, []).append(
                EntryChange(part.entry_id, part.file, part.before, part.after)
            )
        return [
            Change(r.id, r.at, r.actor, r.action, r.summary, r.reverts, tuple(by_change.get(r.id, ()))) for r in rows
        ]
