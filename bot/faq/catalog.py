"""The live FAQ catalog the running actions answer from.

It reloads ``faq/*.yml`` when a file changes (checked at most once per
``check_interval`` seconds), so an edited answer text is live without retraining. If the
edited files do not validate, the last good version stays in use and the problem is
logged (the editor sees the details from ``enlist faq validate``).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional, Tuple

from bot.errors import FaqError
from bot.faq.entry import FaqEntry
from bot.faq.loader import faq_files
from bot.faq.validator import validate_dir

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogSnapshot:
    """One consistent, validated version of all entries."""

    entries: Tuple[FaqEntry, ...]
    stamp: Tuple[Tuple[str, int, int], ...] = ()
    by_id: Dict[str, FaqEntry] = field(default_factory=dict, compare=False)

    def get(self, entry_id: str) -> Optional[FaqEntry]:
        return self.by_id.get(entry_id)


class FaqCatalog:
    """Thread-safe, auto-reloading view of the FAQ directory."""

    def __init__(self, faq_dir: Path, check_interval: float = 1.0) -> None:
        self._faq_dir = faq_dir
        self._check_interval = check_interval
        self._lock = threading.Lock()
        self._snapshot: Optional[CatalogSnapshot] = None
        self._checked_at = 0.0

    def snapshot(self) -> CatalogSnapshot:
        """The current entries; reloads first if a file changed since the last check."""
        now = time.monotonic()
        if self._snapshot is not None and now - self._checked_at < self._check_interval:
            return self._snapshot
        with self._lock:
            self._checked_at = now
            stamp = self._stamp()
            if self._snapshot is None or stamp != self._snapshot.stamp:
                self._reload(stamp)
            assert self._snapshot is not None
            return self._snapshot

    def _stamp(self) -> Tuple[Tuple[str, int, int], ...]:
        stamp = []
        for path in faq_files(self._faq_dir):
            stat = path.stat()
            stamp.append((path.name, stat.st_mtime_ns, stat.st_size))
        return tuple(stamp)

    def _reload(self, stamp: Tuple[Tuple[str, int, int], ...]) -> None:
        result = validate_dir(self._faq_dir)
        if not result.ok:
            logger.error(
                "FAQ files changed but do not validate (%d errors); keeping the previous version. "
                "Run `enlist faq validate` for details.",
                len(result.errors),
            )
            if self._snapshot is None:
                raise FaqError("FAQ files do not validate: " + result.errors[0].describe())
            # Remember the stamp so the broken version is not re-validated on every call.
            self._snapshot = CatalogSnapshot(self._snapshot.entries, stamp, self._snapshot.by_id)
            return
        entries = tuple(result.entries)
        self._snapshot = CatalogSnapshot(entries, stamp, {e.id: e for e in entries})
        logger.info("FAQ catalog loaded: %d entries", len(entries))
