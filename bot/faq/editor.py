"""The FAQ editor's backend: entries with their usage, and validated changes of entries.

Every change (save, new entry, retire, move a phrasing, revert, queue phrasings) goes through
:func:`commit`: under the faq/ write lock it edits the entries' ``faq/*.yml`` files as text
(comments and layout of the rest stay), is written only if the whole catalog validates with
the change (bot/faq/changes.py), and is recorded with its before/after in the change history
(bot/faq/history.py) in the same transaction. Saves set ``reviewed`` to today and
``reviewed_by`` to the editor. Answer-text changes are live at once (the catalog reloads
changed files); new phrasings and entries need a model update to be recognised.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.errors import FaqError, ReviewError
from bot.faq.changes import check_edits, faq_write_lock, write_edits
from bot.faq.entry import ALL_FIELDS, MAX_REVIEWER_CHARS, OPTIONAL_FIELDS, FaqEntry
from bot.faq.history import EntryChange, EntryData, FaqHistory, entry_data
from bot.faq.loader import faq_files, locate_entries, parse_text
from bot.faq.validator import HTML_TAG_PATTERN, validate_dir
from bot.faq.yaml_edit import add_questions, entry_block, is_flow, remove_entry, remove_field, set_field, value_lines
from bot.lang.text import comparison_key
from bot.lang.timefmt import china_today

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
    """Every valid entry with hit count (bot.usage.turns.hits_by_faq) and votes
    (FeedbackStore.totals_by_faq), most asked first."""
    today = today or china_today()
    rows = []
    for entry in validate_dir(faq_dir, today=today, max_age_days=max_age_days).entries:
        counts = votes.get(entry.id) or {}
        rows.append(
            EntryUsage(
                entry,
                entry.location.path.name if entry.location else "",
                hits.get(entry.id, 0),
                counts.get("up", 0),
                counts.get("down", 0),
                (today - entry.reviewed).days > max_age_days,
            )
        )
    rows.sort(key=lambda row: (-row.hits, row.entry.id))
    return rows


def editor_name(name: str) -> str:
    """The editor's name as recorded in ``reviewed_by``; :class:`ReviewError` if unusable."""
    cleaned = _CONTROL.sub("", name or "").strip()
    if not cleaned or len(cleaned) > MAX_REVIEWER_CHARS or HTML_TAG_PATTERN.search(cleaned):
        raise ReviewError(f"编辑人姓名应为1到{MAX_REVIEWER_CHARS}个字，不含HTML标签。")
    return cleaned


def clean_text(value: str) -> str:
    """Staff input without control characters, Windows line ends or outer blanks."""
    return _CONTROL.sub("", str(value).replace("\r\n", "\n")).strip()


@dataclass(frozen=True)
class Committed:
    """What :func:`commit` changed (or, for a dry run, would change)."""

    change_id: Optional[int]
    entries: Tuple[EntryChange, ...]
    saved: Dict[str, FaqEntry]


def known(current: Mapping[str, EntryData], entry_id: str) -> EntryData:
    """The entry's current fields; :class:`ReviewError` if there is no such entry."""
    if entry_id not in current:
        raise ReviewError(f"FAQ条目“{entry_id}”不存在。")
    return current[entry_id]


def _title(faq_dir: Path, entry_id: str) -> str:
    where = locate_entries(faq_dir)
    return str(where[entry_id][1].data.get("title") or entry_id) if entry_id in where else entry_id


Plan = Callable[[Mapping[str, EntryData]], Mapping[str, Optional[EntryData]]]


def commit(
    faq_dir: Path,
    plan: Plan,
    editor: str,
    action: str,
    summary: str,
    history: Optional[FaqHistory] = None,
    *,
    files: Optional[Mapping[str, str]] = None,
    touch: bool = True,
    reverts: Optional[int] = None,
    dry_run: bool = False,
    max_age_days: int = 365,
    today: Optional[dt.date] = None,
) -> Committed:
    """Make entries look like ``plan(current)`` says (entry id → fields, None = remove the entry).

    ``plan`` gets every entry's fields as written now and runs inside the write lock, so a
    change is always made to the latest version (never undoing a save made meanwhile).

        New entries go to ``files[entry_id]`` (a file name in faq/). ``touch`` sets ``reviewed``
        to today and ``reviewed_by`` to the editor (unless the change sets another reviewer) on
        every changed entry. :class:`ReviewError` (Chinese) when nothing changes or the result
        does not validate - then nothing is written and nothing recorded.
    """
    today = today or china_today()
    name = editor_name(editor)
    with faq_write_lock(faq_dir):
        where = locate_entries(faq_dir)
        desired = plan({entry_id: entry_data(raw.data) for entry_id, (_, raw) in where.items()})
        texts: Dict[Path, str] = {}
        changes: List[EntryChange] = []
        for entry_id, wanted in desired.items():
            path, raw = where.get(entry_id, (None, None))
            before = entry_data(raw.data) if raw is not None else None
            if wanted is not None:
                wanted = {k: v for k, v in wanted.items() if v not in (None, "", [], ())}
            if wanted == before:
                continue
            if path is None:
                path = _new_entry_file(faq_dir, (files or {}).get(entry_id, ""))
            if wanted is not None and touch:
                wanted = dict(wanted, reviewed=today.isoformat())
                if not before or wanted.get("reviewed_by") == before.get("reviewed_by"):
                    wanted["reviewed_by"] = name
            text = texts.get(path) or path.read_text(encoding="utf-8")
            texts[path] = _edit_entry(path, text, entry_id, before, wanted)
            changes.append(EntryChange(entry_id, path.name, before, wanted))
        if not changes:
            raise ReviewError("没有需要保存的修改（内容和现在一样）。")
        try:
            if dry_run:
                result = check_edits(faq_dir, texts, max_age_days, today)
                return Committed(None, tuple(changes), {e.id: e for e in result.entries})
            if history is None:
                result, change_id = write_edits(faq_dir, texts, max_age_days, today), None
            else:
                with history.database.begin() as connection:
                    change_id = history.record(connection, name, action, summary, changes, reverts)
                    result = write_edits(faq_dir, texts, max_age_days, today)
        except FaqError as exc:
            raise ReviewError(str(exc)) from None
    return Committed(change_id, tuple(changes), {e.id: e for e in result.entries})


def _new_entry_file(faq_dir: Path, file_name: str) -> Path:
    choices = {path.name: path for path in faq_files(faq_dir)}
    if file_name not in choices:
        raise ReviewError("请选择新条目放在哪个FAQ文件（话题）里。")
    return choices[file_name]


def _edit_entry(path: Path, text: str, entry_id: str, before: Optional[EntryData], wanted: Optional[EntryData]) -> str:
    """``text`` with entry ``entry_id`` changed from ``before`` to ``wanted``."""
    if before is None:
        body = entry_block(dict(wanted or {}, id=entry_id), ALL_FIELDS)
        return text.rstrip("\n") + "\n\n" + body
    if wanted is None:
        return remove_entry(text, _reparsed(path, text, entry_id))
    for field_name in ALL_FIELDS:
        old, new = before.get(field_name), wanted.get(field_name)
        if old == new or field_name == "id":
            continue
        raw = _reparsed(path, text, entry_id)
        if new is None:
            text = remove_field(text, raw, field_name)
        elif field_name == "questions" and isinstance(old, list) and new[: len(old)] == old:
            text = add_questions(text, raw, new[len(old) :])  # appended only: the list keeps its style
        else:
            text = set_field(text, raw, field_name, value_lines(field_name, new, is_flow(text, raw, field_name)))
    return text


def _new_phrasings(have: Sequence[str], new: Sequence[str]) -> List[str]:
    """``new`` without blanks and phrasings already in ``have`` (or twice in ``new``)."""
    keys = {comparison_key(str(q)) for q in have}
    added: List[str] = []
    for question in new:
        question = clean_text(question)
        key = comparison_key(question)
        if key and key not in keys:
            keys.add(key)
            added.append(question)
    return added


def edited_data(
    before: EntryData, fields: Mapping[str, Any], add: Sequence[str] = (), remove: Sequence[str] = ()
) -> EntryData:
    """``before`` with ``fields`` replaced (missing ones unchanged), phrasings in ``remove``
    dropped and new phrasings in ``add`` appended."""
    data = dict(before)
    for field_name, value in fields.items():
        if field_name in ALL_FIELDS and field_name != "id":
            data[field_name] = clean_text(value) if isinstance(value, str) else value
    gone = {comparison_key(q) for q in remove}
    questions = [q for q in data.get("questions") or [] if comparison_key(q) not in gone]
    data["questions"] = questions + _new_phrasings(questions, add)
    for field_name in OPTIONAL_FIELDS:
        if data.get(field_name) in ("", [], None):
            data.pop(field_name, None)
    return data


def save_entry(
    faq_dir: Path,
    entry_id: str,
    editor: str,
    fields: Mapping[str, Any],
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
    history: Optional[FaqHistory] = None,
    dry_run: bool = False,
    max_age_days: int = 365,
    today: Optional[dt.date] = None,
) -> Committed:
    """Change an entry's fields and phrasings (a dry run only validates)."""

    def plan(current: Mapping[str, EntryData]) -> Dict[str, Optional[EntryData]]:
        return {entry_id: edited_data(known(current, entry_id), fields, add, remove)}

    return commit(
        faq_dir,
        plan,
        editor,
        "save",
        f"修改“{_title(faq_dir, entry_id)}”",
        history,
        dry_run=dry_run,
        max_age_days=max_age_days,
        today=today,
    )


def new_entry_id(faq_dir: Path, today: Optional[dt.date] = None) -> str:
    """An unused id for an entry an editor creates without typing one: ``entry_20261203``,
    then ``entry_20261203_2`` … The same until that entry exists, so the preview and the
    confirmed save agree."""
    taken = {entry.id for entry in validate_dir(faq_dir).entries}
    base = f"entry_{(today or china_today()):%Y%m%d}"
    return next(
        candidate
        for candidate in (base if n == 1 else f"{base}_{n}" for n in range(1, len(taken) + 2))
        if candidate not in taken
    )


def create_entry(
    faq_dir: Path,
    file_name: str,
    fields: Mapping[str, Any],
    editor: str,
    history: Optional[FaqHistory] = None,
    dry_run: bool = False,
    max_age_days: int = 365,
    today: Optional[dt.date] = None,
) -> Committed:
    """A new entry at the end of ``file_name``; its id must be new."""
    entry_id = clean_text(fields.get("id") or "")
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,63}", entry_id):
        raise ReviewError("编号只能用小写英文字母、数字和下划线，以字母开头（例如 tuition_refund_time），2到64个字符。")
    wanted = edited_data(
        {}, {k: v for k, v in fields.items() if k not in ("id", "questions")}, fields.get("questions") or ()
    )

    def plan(current: Mapping[str, EntryData]) -> Dict[str, Optional[EntryData]]:
        if entry_id in current:
            raise ReviewError(f"编号“{entry_id}”已被其他条目使用，请换一个。")
        return {entry_id: wanted}

    return commit(
        faq_dir,
        plan,
        editor,
        "create",
        f"新建“{wanted.get('title', entry_id)}”",
        history,
        files={entry_id: file_name},
        dry_run=dry_run,
        max_age_days=max_age_days,
        today=today,
    )


def retire_entry(
    faq_dir: Path,
    entry_id: str,
    editor: str,
    history: Optional[FaqHistory] = None,
    max_age_days: int = 365,
    today: Optional[dt.date] = None,
) -> Committed:
    """Remove an entry from faq/ (the history keeps it, so it can be restored)."""
    return commit(
        faq_dir,
        lambda current: {known(current, entry_id)["id"]: None},
        editor,
        "retire",
        f"停用“{_title(faq_dir, entry_id)}”",
        history,
        max_age_days=max_age_days,
        today=today,
    )


def move_question(
    faq_dir: Path,
    question: str,
    source_id: str,
    target_id: str,
    editor: str,
    history: Optional[FaqHistory] = None,
    max_age_days: int = 365,
    today: Optional[dt.date] = None,
) -> Committed:
    """Move one phrasing from ``source_id`` to ``target_id`` (both validated together)."""
    if source_id == target_id:
        raise ReviewError("请选择另一个条目：问法已经在这个条目里。")

    def plan(current: Mapping[str, EntryData]) -> Dict[str, Optional[EntryData]]:
        source, target = known(current, source_id), known(current, target_id)
        if comparison_key(question) not in {comparison_key(q) for q in source.get("questions") or []}:
            raise ReviewError("这条问法不在这个条目里，请刷新页面后重试。")
        return {
            source_id: edited_data(source, {}, remove=[question]),
            target_id: edited_data(target, {}, add=[question]),
        }

    summary = f"把问法“{question[:40]}”从“{_title(faq_dir, source_id)}”移到“{_title(faq_dir, target_id)}”"
    return commit(faq_dir, plan, editor, "move", summary, history, max_age_days=max_age_days, today=today)


def revert_change(
    faq_dir: Path,
    change,
    editor: str,
    history: FaqHistory,  # noqa: ANN001 - history.Change
    max_age_days: int = 365,
    today: Optional[dt.date] = None,
) -> Committed:
    """Put every entry of ``change`` back as it was before it (validated like any save)."""
    desired = {part.entry_id: part.before for part in change.entries}
    files = {part.entry_id: part.file for part in change.entries}
    return commit(
        faq_dir,
        lambda current: desired,
        editor,
        "revert",
        f"撤销第{change.id}号修改（{change.summary}）",
        history,
        files=files,
        touch=False,
        reverts=change.id,
        max_age_days=max_age_days,
        today=today,
    )


def update_entry(
    faq_dir: Path,
    entry_id: str,
    editor: str,
    answer: Optional[str] = None,
    new_questions: Sequence[str] = (),
    max_age_days: int = 365,
    today: Optional[dt.date] = None,
    history: Optional[FaqHistory] = None,
) -> FaqEntry:
    """Change one entry's answer and/or add phrasings; returns the entry as saved.

    Raises :class:`ReviewError` (Chinese) for an unknown entry, a bad editor name, no
    change, or a result that does not validate - then nothing is written.
    """
    editor_name(editor)
    fields = {"answer": answer} if answer is not None else {}
    try:
        committed = save_entry(
            faq_dir,
            entry_id,
            editor,
            fields,
            add=new_questions,
            history=history,
            max_age_days=max_age_days,
            today=today,
        )
    except ReviewError as exc:
        if "内容和现在一样" in str(exc):
            raise ReviewError("没有需要保存的修改（答案未变，新问法为空或已存在）。") from None
        raise
    return committed.saved[entry_id]


def _reparsed(path: Path, text: str, entry_id: str):
    """The entry's raw form in ``text`` (line numbers change after each edit)."""
    entries, _ = parse_text(path, text)
    return next(raw for raw in entries if raw.data.get("id") == entry_id)
