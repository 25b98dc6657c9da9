"""Reading transcripts when the tracker store is missing or unreachable (the happy path
with a real conversation is tests/portal/test_portal_transcript.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.conversations import TranscriptUnavailable, read_transcript
from tests.conftest import free_port


def test_a_missing_sqlite_tracker_store_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(TranscriptUnavailable, match="对话记录库不存在"):
        read_transcript(f"sqlite:///{tmp_path / 'tracker.db'}", "s-1")
    assert not (tmp_path / "tracker.db").exists()  # reading never creates it


def test_an_unreachable_tracker_store_is_said_plainly() -> None:
    with pytest.raises(TranscriptUnavailable, match="暂时无法读取"):
        read_transcript(f"postgresql://postgres@127.0.0.1:{free_port()}/tracker", "s-1")


def test_a_tracker_store_without_conversations_yet(tmp_path: Path) -> None:
    import sqlite3

    sqlite3.connect(tmp_path / "tracker.db").close()
    with pytest.raises(TranscriptUnavailable, match="还没有对话记录表"):
        read_transcript(f"sqlite:///{tmp_path / 'tracker.db'}", "s-1")
