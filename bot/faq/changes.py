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
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from typing import Dict, Iterator, Optional

from bot.errors import FaqError
from bot.faq.loader import faq_files
from bot.faq.validator import ValidationResult, validate_dir


#: Lock file in faq/ itself, so every writer of that directory (any process) finds it.
WRITE_LOCK_NAME = ".enlist-write.lock"


@contextlib.contextmanager
def faq_write_lock(faq_dir: Path) -> Iterator[None]:
    """Hold the exclusive write lock of ``faq_dir``; waits while another writer has it.

    Read the files *inside* the lock: an edit prepared from an older read would undo a
    save made meanwhile. The kernel drops the lock if the holder dies.
    """
    fd = os.open(faq_dir / WRITE_LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def check_edits(faq_dir: Path, edits: Dict[Path, str], max_age_days: int = 365, today: Optional[dt.date] = None) -> ValidationResult:
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
            # Only the errors: the command-line advice of the full report is not for portal users.
            errors = "\n".join(problem.describe(Path(scratch)) for problem in result.errors)
            raise FaqError(f"修改未保存，因为修改后的FAQ没有通过检查：\n{errors}")
        return result


def write_edits(faq_dir: Path, edits: Dict[Path, str], max_age_days: int = 365, today: Optional[dt.date] = None) -> ValidationResult:
    """Validate with :func:`check_edits`, then write every changed file atomically."""
    result = check_edits(faq_dir, edits, max_age_days, today)
    for path, text in edits.items():
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    return result
