"""A durable local outbox for leads the database could not take.

A submission is written as one JSON file (temporary file, fsync, atomic rename, fsync of
the directory), readable only by our user because it holds personal data. ``flush``
saves pending files to the LeadStore and deletes each only after its commit; saving is
idempotent by reference, so a crash between commit and delete cannot duplicate a lead.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import List

from sqlalchemy.exc import SQLAlchemyError

from bot.leads.records import LeadSubmission
from bot.leads.store import LeadStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FlushResult:
    saved: int
    remaining: int


class Outbox:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def put(self, submission: LeadSubmission) -> Path:
        """Persist ``submission`` durably; returns its file."""
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = f"{submission.submitted_at:%Y%m%dT%H%M%S%f}-{submission.reference}.json"
        final = self.directory / name
        temporary = self.directory / (name + ".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(submission.to_json(), handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, final)
        directory = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        logger.warning("lead %s kept in the outbox until the database is reachable", submission.reference)
        return final

    def pending(self) -> List[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob("*.json"))

    def flush(self, store: LeadStore) -> FlushResult:
        """Save every pending submission; stops at the first database error."""
        saved = 0
        pending = self.pending()
        for index, path in enumerate(pending):
            try:
                submission = LeadSubmission.from_json(json.loads(path.read_text(encoding="utf-8")))
            except FileNotFoundError:
                continue  # another worker flushed it a moment ago
            except (OSError, ValueError, TypeError, KeyError) as exc:
                quarantine = self.directory / "unreadable"
                quarantine.mkdir(exist_ok=True, mode=0o700)
                os.replace(path, quarantine / path.name)
                logger.error(
                    "outbox file %s is unreadable (%s); moved to %s", path.name, type(exc).__name__, quarantine
                )
                continue
            try:
                store.save(submission, via_outbox=True)
            except SQLAlchemyError as exc:
                logger.warning("outbox flush paused, database unavailable: %s", type(exc).__name__)
                return FlushResult(saved, len(pending) - index)
            path.unlink(missing_ok=True)
            saved += 1
        if saved:
            logger.info("outbox flushed: %d lead(s) saved", saved)
        return FlushResult(saved, 0)
