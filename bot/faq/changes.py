"""Writes changed FAQ files only if the whole catalog still validates with the change.

Used by the FAQ editor (bot/faq/editor.py) and by ``enlist review apply``: the changed
texts are validated together with every unchanged file in a scratch copy of ``faq/``;
on any error nothing is written and :class:`FaqError` carries the Chinese report. Each
file is replaced atomically (write a temporary file, then rename), so the running bot's
catalog never reads a half-written file. :func:`faq_write_lock` serialises writers (two
editors in different bot workers, the portal and the CLI): each reads, edits and writes a
file while holding it, so one save never overwrites another made in between.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Dict, Iterator, Optional

import yaml
from filelock import FileLock

from bot.errors import FaqError
from bot.faq.entry import Problem
from bot.faq.loader import faq_files
from bot.faq.validator import ValidationResult, validate_dir

#: Lock file in faq/ itself, so every writer of that directory (any process) finds it.
WRITE_LOCK_NAME = ".enlist-write.lock"


@contextlib.contextmanager
def faq_write_lock(faq_dir: Path) -> Iterator[None]:
    """Hold the exclusive write lock of ``faq_dir`` (:mod:`filelock`, across processes and
    threads); waits while another writer has it.

    Read the files *inside* the lock: an edit prepared from an older read would undo a
    save made meanwhile. The kernel drops the lock if the holder dies.
    """
    with FileLock(faq_dir / WRITE_LOCK_NAME, mode=0o644):
        yield


def check_edits(
    faq_dir: Path, edits: Dict[Path, str], max_age_days: int = 365, today: Optional[dt.date] = None
) -> ValidationResult:
    """Validate ``faq/`` as it would be with ``edits`` (path → new text) applied."""
    with tempfile.TemporaryDirectory(prefix="enlist-faq-") as scratch:
        root = Path(scratch) / "faq"
        root.mkdir()
        for path in faq_files(faq_dir):
            shutil.copy2(path, root / path.name)
        for path, text in edits.items():
            (root / path.name).write_text(text, encoding="utf-8")
        result = validate_dir(root, today=today, max_age_days=max_age_days)
        if not result.ok:
            # Only the errors, by entry title: no file names, field names or command-line advice.
            titles = _titles(root)
            errors = "\n".join(for_staff(problem, titles) for problem in result.errors)
            raise FaqError(f"修改未保存，因为修改后的FAQ没有通过检查：\n{errors}")
        return result


_FIELD_HINT = re.compile(r"（[a-z_]+）")
_OTHER_ENTRY = re.compile(r"\S+\.yml 第\d+行 条目“([a-z0-9_]+)”")
_PLACE = re.compile(r"\S+\.yml 第\d+行\s*")
_FIELD_WORD = re.compile(r"\s*\b(reviewed_by|valid_until|reviewed)\b(?:\s*日期)?\s*")
_FIELD_WORDS = {"reviewed": "审核日期", "valid_until": "有效期", "reviewed_by": "审核人"}


def for_staff(problem: Problem, titles: Dict[str, str]) -> str:
    """A validation problem as staff read it in the browser: the entry by its Chinese
    title and the message without the YAML field names in brackets."""
    where = f"条目“{titles.get(problem.entry_id) or problem.entry_id}”" if problem.entry_id else "FAQ内容"
    message = _OTHER_ENTRY.sub(lambda m: f"条目“{titles.get(m.group(1)) or m.group(1)}”", problem.message)
    message = _FIELD_HINT.sub("", _PLACE.sub("", message)).replace(" 条目“", "条目“")
    message = _FIELD_WORD.sub(lambda m: _FIELD_WORDS[m.group(1)], message)
    return f"{where}：{message}"


def _titles(root: Path) -> Dict[str, str]:
    """Entry id → title as written in the files (also for entries that do not validate)."""
    titles: Dict[str, str] = {}
    for path in faq_files(root):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue
        for entry in data if isinstance(data, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str) and isinstance(entry.get("title"), str):
                titles[entry["id"]] = entry["title"]
    return titles


def write_edits(
    faq_dir: Path, edits: Dict[Path, str], max_age_days: int = 365, today: Optional[dt.date] = None
) -> ValidationResult:
    """Validate with :func:`check_edits`, then write every changed file atomically."""
    result = check_edits(faq_dir, edits, max_age_days, today)
    for path, text in edits.items():
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    return result
