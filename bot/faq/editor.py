"""The FAQ editor's backend: entries with their usage, and validated edits of one entry.

Every save edits the entry's ``faq/*.yml`` file as text (comments and layout of the rest
stay; git remains the history), sets ``reviewed`` to today and ``reviewed_by`` to the
editor, and is written only if the whole catalog validates with the change (bot/faq/
changes.py). Answer-text changes are live at once (the catalog reloads changed files);
new phrasings need ``enlist reload`` to be recognised.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence

from bot.errors import ReviewError
from bot.faq.changes import faq_write_lock, write_edits
from bot.faq.loader import locate_entries, parse_text
from bot.faq.model import MAX_REVIEWER_CHARS, FaqEntry
from bot.faq.validator import HTML_TAG_PATTERN, validate_dir
from bot.faq.yaml_edit import add_questions, block_scalar, set_field, yaml_scalar
from bot.text import comparison_key

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class EntryUsage:
    """One row of the editor's list."""

    entry: FaqEntry
    file: str
    hits: int
    up: int
    down: int
    stale: bool  # reviewed longer ago than ENLIST_FAQ_MAX_AGE_DAYS

    @property
    def helpful_ratio(self) -> Optional[float]:
        """👍 share of votes, None without votes."""
        votes = self.up + self.down
        return self.up / votes if votes else None


def list_entries(
    faq_dir: Path,
    hits: Mapping[str, int],
    votes: Mapping[Optional[str], Mapping[str, int]],
    max_age_days: int = 365,
    today: Optional[dt.date] = None,
) -> List[EntryUsage]:
    """Every valid entry with hit count (bot.turns.hits_by_faq) and votes
    (FeedbackStore.totals_by_faq), most asked first."""
    today = today or dt.date.today()
    rows = []
    for entry in validate_dir(faq_dir, today=today, max_age_days=max_age_days).entries:
        counts = votes.get(entry.id) or {}
        rows.append(EntryUsage(
            entry, entry.location.path.name if entry.location else "", hits.get(entry.id, 0),
            counts.get("up", 0), counts.get("down", 0), (today - entry.reviewed).days > max_age_days,
        ))
    rows.sort(key=lambda row: (-row.hits, row.entry.id))
    return rows


def editor_name(name: str) -> str:
    """The editor's name as recorded in ``reviewed_by``; :class:`ReviewError` if unusable."""
    cleaned = _CONTROL.sub("", name or "").strip()
    if not cleaned or len(cleaned) > MAX_REVIEWER_CHARS or HTML_TAG_PATTERN.search(cleaned):
        raise ReviewError(f"编辑人姓名应为1到{MAX_REVIEWER_CHARS}个字，不含HTML标签。")
    return cleaned


def update_entry(
    faq_dir: Path,
    entry_id: str,
    editor: str,
    answer: Optional[str] = None,
    new_questions: Sequence[str] = (),
    max_age_days: int = 365,
    today: Optional[dt.date] = None,
) -> FaqEntry:
    """Change one entry's answer and/or add phrasings; returns the entry as saved.

    Raises :class:`ReviewError` (Chinese) for an unknown entry, a bad editor name, no
    change, or a result that does not validate - then nothing is written.
    """
    today = today or dt.date.today()
    name = editor_name(editor)
    with faq_write_lock(faq_dir):
        return _update_entry(faq_dir, entry_id, name, answer, new_questions, max_age_days, today)


def _update_entry(faq_dir: Path, entry_id: str, name: str, answer: Optional[str], new_questions: Sequence[str],
                  max_age_days: int, today: dt.date) -> FaqEntry:
    where = locate_entries(faq_dir)
    if entry_id not in where:
        raise ReviewError(f"FAQ条目“{entry_id}”不存在。")
    path, raw = where[entry_id]
    have = {comparison_key(str(q)) for q in raw.data.get("questions") or []}
    questions: List[str] = []
    for question in new_questions:
        question = _CONTROL.sub("", str(question)).strip()
        key = comparison_key(question)
        if key and key not in have:
            have.add(key)
            questions.append(question)
    if answer is not None:
        answer = _CONTROL.sub("", answer.replace("\r\n", "\n")).strip()
        if answer == str(raw.data.get("answer") or "").strip():
            answer = None
    if answer is None and not questions:
        raise ReviewError("没有需要保存的修改（答案未变，新问法为空或已存在）。")

    text = path.read_text(encoding="utf-8")
    edits: List = []
    if questions:
        edits.append(lambda t, r: add_questions(t, r, questions))
    if answer is not None:
        edits.append(lambda t, r: set_field(t, r, "answer", block_scalar(answer)))
    edits.append(lambda t, r: set_field(t, r, "reviewed", [today.isoformat()]))
    edits.append(lambda t, r: set_field(t, r, "reviewed_by", [yaml_scalar(name)]))
    for edit in edits:
        text = edit(text, _reparsed(path, text, entry_id))
    try:
        result = write_edits(faq_dir, {path: text}, max_age_days, today)
    except Exception as exc:  # FaqError from validation
        raise ReviewError(str(exc)) from None
    saved: Dict[str, FaqEntry] = {e.id: e for e in result.entries}
    return saved[entry_id]


def _reparsed(path: Path, text: str, entry_id: str):
    """The entry's raw form in ``text`` (line numbers change after each edit)."""
    entries, _ = parse_text(path, text)
    return next(raw for raw in entries if raw.data.get("id") == entry_id)
